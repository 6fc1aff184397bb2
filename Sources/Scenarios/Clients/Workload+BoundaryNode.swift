import SimCore
import InternetComputer

/// The path of a client's requests (Docs/Model.md, "Clients"): to the subnet's boundary node
/// (the client's network delay and jitter), which routes each to a replica (its delay to that
/// replica), and back the same two hops; or, for a client that bypasses it (`roundRobin`),
/// straight to the subnet's replicas in turn.
extension Workload {
    /// Whether client `client`'s requests go through the boundary node.
    func throughBoundaryNode(_ client: Int) -> Bool {
        specifications[client].entry == .boundaryNode
    }

    /// The replica client `client`'s update call to `subnet` enters at, reaching the boundary
    /// node (or, bypassing it, the replica) at `time`: one of the f + 1 closest healthy
    /// replicas, or the next up in turn (`nil`: none).
    mutating func entryReplica(forCallOf client: Int, toSubnet subnet: Int, at time: SimInstant, _ ic: inout InternetComputerSimulation) -> Int? {
        throughBoundaryNode(client) ? ic.routeCall(toSubnet: subnet, at: time) : nextInTurn(client, subnet: subnet, at: time, ic)
    }

    /// The replicas client `client`'s query or `read_state` to `subnet`, reaching the
    /// boundary node (or the replica) at `time`, is tried at: up to three healthy ones through
    /// the boundary node, or the next up in turn alone.
    mutating func readRoute(of client: Int, toSubnet subnet: Int, at time: SimInstant, _ ic: inout InternetComputerSimulation) -> BoundaryNodeRoute {
        guard throughBoundaryNode(client) else {
            return nextInTurn(client, subnet: subnet, at: time, ic).map { BoundaryNodeRoute(nodes: [$0]) } ?? .empty
        }
        return ic.routeRead(toSubnet: subnet, at: time)
    }

    /// The one-way delay between the boundary node and replica `node` for client `client`'s
    /// requests (zero without a replica, and for a client that bypasses the boundary node).
    func hop(_ client: Int, to node: Int?, onSubnet subnet: Int, _ ic: borrowing InternetComputerSimulation) -> SimDuration {
        guard let node, throughBoundaryNode(client) else { return .zero }
        return ic.boundaryNodeDelay(toReplica: node, onSubnet: subnet)
    }

    /// The next replica of `subnet` up at `time` in client `client`'s turn (`nil`: none is
    /// up); the turn moves past it.
    mutating func nextInTurn(_ client: Int, subnet: Int, at time: SimInstant, _ ic: borrowing InternetComputerSimulation) -> Int? {
        let count = ic.nodeCount(onSubnet: subnet)
        guard count > 0 else { return nil }
        for offset in 0..<count {
            let node = (entryTurns[client] + offset) % count
            if !ic.isDown(node, onSubnet: subnet, at: time) {
                entryTurns[client] = (node + 1) % count
                return node
            }
        }
        return nil
    }
}

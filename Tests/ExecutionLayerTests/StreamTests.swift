import Testing
@testable import ExecutionLayer

/// Streams between two subnets' states, driven by hand: calls to a canister of the other
/// subnet leave in a stream, slices are inducted in stream order whatever order they come in,
/// duplicates are ignored, answers come back the same way, and signals let each side drop
/// what the other inducted.
@Suite("Streams between subnets")
struct StreamTests {
    static let callerID = RoundExecutorTests.callerID
    static let counterID = CanisterID(500)
    static let executor = RoundExecutorTests.executor

    /// Subnet 0 with the caller, subnet 1 with the counter.
    static func subnets() throws -> (ReplicatedState, ReplicatedState) {
        let routing = RoutingTable(canistersBySubnet: [[callerID], [counterID]])
        var first = ReplicatedState()
        first.add(try RoundExecutorTests.canister("caller", callerID))
        first.connect(subnet: 0, routing: routing)
        var second = ReplicatedState()
        second.add(try RoundExecutorTests.canister("counter", counterID))
        second.connect(subnet: 1, routing: routing)
        return (first, second)
    }

    static func call(_ id: UInt64) -> IngressMessage {
        RoundExecutorTests.message(id, callerID, "call", RoundExecutorTests.target(counterID, "inc"))
    }

    /// The slice of `state`'s stream to `destination` from `begin` to its end.
    static func slice(_ state: ReplicatedState, to destination: Int, from begin: UInt64, signals: UInt64) -> StreamSlice {
        let end = state.streamHeads.first { $0.subnet == destination }?.end ?? 0
        return state.streamSlice(to: destination, from: begin, to: end, signalsEnd: signals)
    }

    @Test func slicesAreInductedInStreamOrderOnce() throws {
        var (first, second) = try Self.subnets()
        var slices: [StreamSlice] = []
        for id in UInt64(1)...3 {
            _ = Self.executor.executeRound(ingress: [Self.call(id)], timeNanos: id, on: &first)
            slices.append(Self.slice(first, to: 1, from: id - 1, signals: 0))
        }
        #expect(slices.map(\.begin) == [0, 1, 2] && slices.allSatisfy { $0.messageCount == 1 })
        // The second and third arrive first: they wait for the first.
        _ = Self.executor.executeRound(ingress: [], slices: [slices[1], slices[2]], timeNanos: 10, on: &second)
        #expect(second.inducted(from: 0) == 0)
        _ = Self.executor.executeRound(ingress: [], slices: [slices[0], slices[0]], timeNanos: 11, on: &second)
        #expect(second.inducted(from: 0) == 3, "all three, the duplicate ignored")
        for round in UInt64(12)...14 { _ = Self.executor.executeRound(ingress: [], timeNanos: round, on: &second) }
        // The answers go back; the caller's calls are answered in stream order.
        let back = Self.slice(second, to: 0, from: 0, signals: second.inducted(from: 0))
        #expect(back.messageCount == 3)
        _ = Self.executor.executeRound(ingress: [], slices: [back], timeNanos: 20, on: &first)
        _ = Self.executor.executeRound(ingress: [], timeNanos: 21, on: &first)
        for id in UInt64(1)...3 {
            #expect(first.ingressHistory[id] == .replied(Array("reply:".utf8) + RoundExecutorTests.le64(id)), "call \(id)")
        }
        // Signals: the caller's side dropped what the counter's side inducted, and the other way.
        #expect(first.streamMessageCount == 0)
        _ = Self.executor.executeRound(ingress: [], slices: [Self.slice(first, to: 1, from: 3, signals: first.inducted(from: 1))],
                                       timeNanos: 22, on: &second)
        #expect(second.streamMessageCount == 0)
    }

    @Test func aRequestThatCannotBeInductedComesBackAsAReject() throws {
        var (first, second) = try Self.subnets()
        let missing = RoundExecutorTests.message(1, Self.callerID, "call", RoundExecutorTests.target(CanisterID(501), "inc"))
        // A made-up ID of a canister created on subnet 7 (of 2) names no subnet.
        let invented = CanisterID(1 << 62 | 7 << 32 | 1)
        #expect(RoutingTable(canistersBySubnet: [[], []]).subnet(of: invented) == nil)
        #expect(RoutingTable(canistersBySubnet: [[], []]).subnet(of: CanisterID(1 << 62 | 1 << 32 | 1)) == 1)
        // The routing table places 501 nowhere: rejected at once on the caller's subnet.
        _ = Self.executor.executeRound(ingress: [missing], timeNanos: 1, on: &first)
        _ = Self.executor.executeRound(ingress: [], timeNanos: 2, on: &first)
        guard case .replied(let bytes) = first.ingressHistory[1] else {
            Issue.record("not answered")
            return
        }
        #expect(Array(bytes.prefix(8)) == Array("reject:".utf8) + [UInt8(RejectCode.destinationInvalid.rawValue)])
        // A stopped callee on the other subnet: the reject travels back in the stream.
        second.stopCanister(Self.counterID)
        _ = Self.executor.executeRound(ingress: [Self.call(2)], timeNanos: 3, on: &first)
        _ = Self.executor.executeRound(ingress: [], slices: [Self.slice(first, to: 1, from: 0, signals: 0)], timeNanos: 4, on: &second)
        _ = Self.executor.executeRound(ingress: [], slices: [Self.slice(second, to: 0, from: 0, signals: 1)], timeNanos: 5, on: &first)
        _ = Self.executor.executeRound(ingress: [], timeNanos: 6, on: &first)
        guard case .replied(let stopped) = first.ingressHistory[2] else {
            Issue.record("not answered")
            return
        }
        #expect(Array(stopped.prefix(8)) == Array("reject:".utf8) + [UInt8(RejectCode.canisterError.rawValue)], "IC0508, stopped")
    }
}

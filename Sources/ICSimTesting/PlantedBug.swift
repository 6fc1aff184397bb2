import ICSim

/// Bugs planted on purpose in the client model, so that tests can check that the checkers
/// notice them and that `icsim shrink` boils a run that shows one down to what triggers it.
/// Each needs a combination of faults, as real bugs do. They live here, in the testing tools,
/// and reach the clients through ``ScenarioSimulation``'s package-level hook: a scenario file
/// cannot plant one, and the library holds none of their logic.
public enum PlantedBug: Hashable, Sendable {
    /// A `read_state` poll that reaches the boundary node while a node of the subnet is down
    /// (crashed or paused) and a duplication fault is active there is lost: its call then
    /// waits forever, which the nothing-lost checker reports once the call's expiry passes.
    case pollDroppedWhileNodeDownAndDuplicating
    /// A query that reaches its replica while a loss fault is active on its subnet is counted
    /// as ended twice, which the nothing-lost checker reports (more queries ended than were
    /// sent).
    case queryCountedTwiceDuringLoss
}

extension ScenarioSimulation {
    /// Plants `bugs` in the clients (tests of the checkers and the shrinker only).
    public mutating func plant(_ bugs: [PlantedBug]) {
        clientEventHook = bugs.isEmpty ? nil : PlantedBugs(bugs: bugs, subnetOfClient: scenario.clients.map { client in
            scenario.canisters.first { $0.name == client.canister }.flatMap { scenario.subnetIndex(of: $0) } ?? 0
        })
    }
}

/// The planted bugs, as the hook the clients call.
struct PlantedBugs: ClientEventHook {
    let bugs: [PlantedBug]
    /// Each client's subnet.
    let subnetOfClient: [Int]

    func handles(_ event: WorkloadEvent, at time: SimInstant, _ workload: borrowing Workload, _ ic: borrowing InternetComputerSimulation) -> Bool {
        guard bugs.contains(.pollDroppedWhileNodeDownAndDuplicating), case .pollArrives(let call) = event else { return true }
        let subnet = subnetOfClient[Int(workload.updates[call].client)]
        guard Self.anyNodeDown(subnet, time, ic) else { return true }
        return !Self.activeFaults(subnet, time, ic).contains { if case .duplication = $0 { true } else { false } }
    }

    func handled(_ event: WorkloadEvent, at time: SimInstant, _ workload: inout Workload, _ ic: borrowing InternetComputerSimulation) {
        guard bugs.contains(.queryCountedTwiceDuringLoss), case .queryArrives(let client, _, _, _, _) = event else { return }
        let subnet = subnetOfClient[Int(client)]
        if Self.activeFaults(subnet, time, ic).contains(where: { if case .loss = $0 { true } else { false } }) {
            workload.statistics[Int(client)].queriesEnded += 1
        }
    }

    /// The kinds of the network faults active on `subnet` at `time`.
    static func activeFaults(_ subnet: Int, _ time: SimInstant, _ ic: borrowing InternetComputerSimulation) -> [NetworkFault.Kind] {
        ic.configuration.subnets[subnet].network.faults.filter { $0.start <= time && time < $0.end }.map(\.kind)
    }

    /// Whether a node of `subnet` is down at `time`.
    static func anyNodeDown(_ subnet: Int, _ time: SimInstant, _ ic: borrowing InternetComputerSimulation) -> Bool {
        (0..<ic.nodeCount(onSubnet: subnet)).contains { ic.isDown($0, onSubnet: subnet, at: time) }
    }
}

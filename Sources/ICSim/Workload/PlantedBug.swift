import SimCore

/// Bugs planted on purpose in the client model, so that tests can check that the checkers
/// notice them and that `icsim shrink` boils a run that shows one down to what triggers it.
/// Each needs a combination of faults, as real bugs do. Internal: only tests (through
/// `@testable import`) set ``Workload/plantedBugs``; a scenario file cannot.
enum PlantedBug: Hashable, Sendable {
    /// A `read_state` poll that reaches the boundary node while a node of the subnet is down
    /// (crashed or paused) and a duplication fault is active there is dropped: its call then
    /// waits forever, which the nothing-lost checker reports once the call's expiry passes.
    case pollDroppedWhileNodeDownAndDuplicating
    /// A query answered while a loss fault is active on its subnet is counted as ended twice,
    /// which the nothing-lost checker reports (more queries ended than were sent).
    case queryCountedTwiceDuringLoss
}

extension Workload {
    /// Whether planted bug `bug` fires for a call to `subnet` at `now`.
    func plantedBugFires(_ bug: PlantedBug, subnet: Int, at now: SimInstant, _ ic: borrowing InternetComputerSimulation) -> Bool {
        guard plantedBugs.contains(bug) else { return false }
        let active = ic.configuration.subnets[subnet].network.faults.filter { $0.start <= now && now < $0.end }.map(\.kind)
        switch bug {
        case .pollDroppedWhileNodeDownAndDuplicating:
            let anyDown = (0..<ic.nodeCount(onSubnet: subnet)).contains { ic.isDown($0, onSubnet: subnet, at: now) }
            return anyDown && active.contains { if case .duplication = $0 { true } else { false } }
        case .queryCountedTwiceDuringLoss:
            return active.contains { if case .loss = $0 { true } else { false } }
        }
    }
}

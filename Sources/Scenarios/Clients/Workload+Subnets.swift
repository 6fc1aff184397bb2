import SimCore
import InternetComputer

/// Which subnet each client event reads or changes, for the per-subnet horizons of a windowed
/// run (``InternetComputerUsers/nextEventTime(touchingSubnet:)``; Docs/Determinism.md,
/// "Subnets in parallel"). A client's events reach only the subnet of the canister its call
/// goes to (through the HTTP interface: the call, the query, the `read_state` poll, the
/// boundary node's routing of them), and schedule only that client's events: on its subnet
/// later, or, for a scripted client's next step, once its user has its answer, at least a
/// network delay later.
extension Workload {
    /// The one subnet each client's calls go to, by client (`nil`: a scripted client whose
    /// steps call canisters on several subnets, whose events count for every subnet).
    package var subnetOfEachClient: [Int?] {
        specifications.indices.map { client in
            guard specifications[client].steps != nil else { return targets[client].subnet }
            let subnets = stepTargets[client].map(\.subnet)
            guard let first = subnets.first, subnets.allSatisfy({ $0 == first }) else { return nil }
            return first
        }
    }

    /// The client `event` belongs to (`nil`: a time-series sample, which reads every subnet,
    /// or a call the workload does not know).
    func client(of event: WorkloadEvent) -> Int? {
        switch event {
        case .arrival(let client), .userReady(let client, _), .queryArrives(let client, _, _, _, _):
            return Int(client)
        case .pollArrives(let call), .syncAnswered(let call), .syncTimeout(let call):
            return updates.indices.contains(call) ? Int(updates[call].client) : nil
        case .sample:
            return nil
        }
    }
}

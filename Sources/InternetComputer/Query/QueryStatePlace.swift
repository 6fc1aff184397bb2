import SimCore
import ExecutionLayer

/// Where the state a replica answers a query from is (Docs/Model.md, "Queries"): a canister
/// in one of the states ``QuerySnapshots`` keeps, or in the latest executed state (nobody was
/// configured to query it), or nowhere (no such canister); and the time of that state.
struct QueryStatePlace: Sendable {
    /// Where the canister's state is.
    enum Source: Sendable {
        /// Kept height `kept` of the query snapshots, slot `slot`.
        case snapshot(kept: Int, slot: Int)
        /// Position `position` of the latest executed state's canisters.
        case latest(position: Int)
        /// No such canister.
        case none
    }

    /// Where the canister's state is.
    var source: Source
    /// The time of the state read: its height's block time (`nil`: genesis).
    var stateTime: SimInstant?
}

extension InternetComputerSimulation {
    /// Where canister `id` is as replica `node` of subnet `subnet` answers queries from it: at
    /// the height the replica certified when its states are kept, else (nobody was configured
    /// to query it) in its latest executed state.
    func queryPlace(_ id: CanisterID, onSubnet subnet: Int, atReplica node: Int) -> QueryStatePlace {
        // Reads leaf fields only: calling a method of `subnets[subnet].model`, or of its
        // execution, copies that whole value per query (measured: 15% of a loaded run's time).
        let height = subnets[subnet].model.replicas[node].certifier.certifiedHeight
        let times = subnets[subnet].model.execution.executionTimes
        if subnets[subnet].model.execution.querySnapshots.keeps(id) {
            let source: QueryStatePlace.Source = subnets[subnet].model.execution.querySnapshots.place(of: id, certifiedHeight: height)
                .map { .snapshot(kept: $0.kept, slot: $0.slot) } ?? .none
            return QueryStatePlace(source: source, stateTime: Self.time(ofHeight: Int(height), times))
        }
        let source: QueryStatePlace.Source = subnets[subnet].model.execution.state.position(of: id).map { .latest(position: $0) } ?? .none
        return QueryStatePlace(source: source, stateTime: Self.time(ofHeight: times.count, times))
    }

    /// The block time of height `height` among `times` (`nil`: genesis, or not executed).
    static func time(ofHeight height: Int, _ times: [SimInstant]) -> SimInstant? {
        height > 0 && height <= times.count ? times[height - 1] : nil
    }

    /// What a cached answer from the state at `place` depends on (`nil`: no such canister),
    /// read from the canister's fields in place.
    func queryEnvironment(_ place: QueryStatePlace, onSubnet subnet: Int) -> QueryCache.Environment? {
        let batchTimeNanos = place.stateTime.map(SubnetExecution.timeNanos) ?? 0
        switch place.source {
        case .snapshot(let kept, let slot):
            return subnets[subnet].model.execution.querySnapshots.environment(kept: kept, slot: slot, batchTimeNanos: batchTimeNanos)
        case .latest(let position):
            return QueryCache.Environment(batchTimeNanos: batchTimeNanos, canisterVersion: subnets[subnet].model.execution.state.canisters[position].state.version,
                                          canisterChanges: subnets[subnet].model.execution.state.canisters[position].state.changesCommitted,
                                          cycles: subnets[subnet].model.execution.state.canisters[position].state.cycles)
        case .none: return nil
        }
    }

    /// The canister's state at `place`, to run a query on (a copy: the query's changes are
    /// dropped); `nil`: no such canister.
    func canister(at place: QueryStatePlace, onSubnet subnet: Int) -> CanisterState? {
        switch place.source {
        case .snapshot(let kept, let slot): subnets[subnet].model.execution.querySnapshots.snapshots?[kept].canisters[slot]
        case .latest(let position): subnets[subnet].model.execution.state.canisters[position].state
        case .none: nil
        }
    }
}

import SimCore
import Consensus
import ExecutionLayer

/// The states queries run against: for the canisters users query, their states after each
/// executed height from a few heights below the latest certified one, oldest first, so that a
/// query runs against the state the replica it reaches has certified (Docs/Model.md,
/// "Queries"). Copies share the memory that did not change; the rest of the replicated state
/// is not kept, or every round would copy its ingress history. Empty when nobody queries.
struct QuerySnapshots: Sendable {
    /// The canisters users query.
    let queriedCanisters: [CanisterID]
    /// Their states after each kept height, oldest first (`nil`: nobody queries the subnet),
    /// with what a cached query result depends on of each (its batch time left 0), read once
    /// here so that a cache hit copies no canister state.
    var snapshots: [(height: Height, canisters: [CanisterState?], environments: [QueryCache.Environment?])]?

    /// Heights of state kept below the latest certified one.
    static let keptHeights: Height = 10

    /// Snapshots of `queriedCanisters`, starting with their states in `genesis`.
    init(queriedCanisters: [CanisterID], genesis: ReplicatedState) {
        self.queriedCanisters = queriedCanisters
        snapshots = queriedCanisters.isEmpty ? nil : [Self.snapshot(Height(0), queriedCanisters.map { genesis.canister($0) })]
    }

    /// `height` was executed, leaving `state`.
    mutating func executed(_ height: Height, _ state: ReplicatedState) {
        guard snapshots != nil else { return }
        snapshots?.append(Self.snapshot(height, queriedCanisters.map { state.canister($0) }))
    }

    /// The snapshot of `canisters` after `height`, with their query-cache environments.
    static func snapshot(_ height: Height, _ canisters: [CanisterState?])
        -> (height: Height, canisters: [CanisterState?], environments: [QueryCache.Environment?]) {
        (height, canisters, canisters.map { $0.map { QueryCache.Environment($0, batchTimeNanos: 0) } })
    }

    /// What a cached result from the canister in `slot` of kept height `kept` depends on, in a
    /// state of batch time `batchTimeNanos`.
    func environment(kept: Int, slot: Int, batchTimeNanos: UInt64) -> QueryCache.Environment? {
        guard var environment = snapshots?[kept].environments[slot] else { return nil }
        environment.batchTimeNanos = batchTimeNanos
        return environment
    }

    /// `height` was first certified: keep the states replicas may still answer queries from,
    /// a few heights below it (a replica that lags further reads the oldest kept).
    mutating func certified(_ height: Height) {
        guard let kept = snapshots, let first = kept.first, first.height + Self.keptHeights < height else { return }
        snapshots?.removeFirst(min(kept.count - 1, kept.prefix { $0.height + Self.keptHeights < height }.count))
    }

    /// Whether it keeps the states of canister `id`.
    func keeps(_ id: CanisterID) -> Bool {
        snapshots != nil && queriedCanisters.contains(id)
    }

    /// Canister `id` as a replica that has certified `height` answers queries from it, if its
    /// states are kept (``keeps(_:)``): in the latest kept state at or below that height (the
    /// oldest kept if the replica lags further).
    func canister(_ id: CanisterID, certifiedHeight height: Height) -> CanisterState? {
        guard let (kept, slot) = place(of: id, certifiedHeight: height) else { return nil }
        return snapshots?[kept].canisters[slot]
    }

    /// Where ``canister(_:certifiedHeight:)`` finds canister `id`: the index of the kept height
    /// and the canister's slot in it (`nil`: its states are not kept).
    func place(of id: CanisterID, certifiedHeight height: Height) -> (kept: Int, slot: Int)? {
        guard let slot = queriedCanisters.firstIndex(of: id), let kept = snapshots, !kept.isEmpty else { return nil }
        return (kept.lastIndex { $0.height <= height } ?? 0, slot)
    }
}

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
    /// Their states after each kept height, oldest first (`nil`: nobody queries the subnet).
    var snapshots: [(height: Height, canisters: [CanisterState?])]?

    /// Heights of state kept below the latest certified one.
    static let keptHeights: Height = 10

    /// Snapshots of `queriedCanisters`, starting with their states in `genesis`.
    init(queriedCanisters: [CanisterID], genesis: ReplicatedState) {
        self.queriedCanisters = queriedCanisters
        snapshots = queriedCanisters.isEmpty ? nil : [(Height(0), queriedCanisters.map { genesis.canister($0) })]
    }

    /// `height` was executed, leaving `state`.
    mutating func executed(_ height: Height, _ state: ReplicatedState) {
        guard snapshots != nil else { return }
        snapshots?.append((height, queriedCanisters.map { state.canister($0) }))
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
        guard let slot = queriedCanisters.firstIndex(of: id), let kept = snapshots, let oldest = kept.first else { return nil }
        return (kept.last { $0.height <= height } ?? oldest).canisters[slot]
    }
}

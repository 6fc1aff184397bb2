import SimCore
import ExecutionLayer

/// One replica's query service as arithmetic, not events (Docs/Model.md, "Query capacity"):
/// its query threads (when each is next free), the threads each canister's queries hold (when
/// each is next free), and when each query in the replica, queued or running, ends. A query
/// admitted starts once a thread and one of its canister's slots are free, and holds both for
/// its service time; one arriving while `concurrentMax` queries are in the replica is refused.
public struct QueryService: Sendable {
    /// The configuration.
    public let configuration: QueryServiceConfiguration
    /// When each thread is next free.
    var threadsFreeAt: [SimInstant]
    /// The canisters' slots: when each is next free (canisters whose slots are all free are
    /// dropped now and then, so the table holds mostly canisters with queries in the replica).
    var canisterSlots: CanisterSlotTable
    /// When each query in the replica ends.
    var endings = MinHeap<SimInstant, Bool>()
    /// The replica's query cache.
    public internal(set) var cache: QueryCache
    /// Queries admitted and served.
    public private(set) var admitted: UInt64 = 0
    /// Queries refused for the bound (HTTP 429).
    public private(set) var refused: UInt64 = 0

    /// An idle replica with `configuration`.
    public init(configuration: QueryServiceConfiguration) {
        self.configuration = configuration
        threadsFreeAt = Array(repeating: .zero, count: max(configuration.threads, 1))
        canisterSlots = CanisterSlotTable(slotsPerCanister: max(configuration.threadsPerCanister, 1))
        cache = QueryCache(capacityBytes: configuration.cacheBytes, expiry: configuration.cacheExpiry,
                           dataCertificateExpiry: configuration.cacheDataCertificateExpiry)
    }

    /// Queries in the replica at `time` (queued or running: ending after `time`), forgetting
    /// those that ended.
    public mutating func queriesInReplica(at time: SimInstant) -> Int {
        while let first = endings.minimum, first <= time { _ = endings.popMin() }
        return endings.count
    }

    /// Whether the HTTP handler takes a query arriving at `time` (fewer than `concurrentMax`
    /// queries in the replica); counts a refusal.
    public mutating func admits(at time: SimInstant) -> Bool {
        guard queriesInReplica(at: time) < configuration.concurrentMax else {
            refused += 1
            return false
        }
        return true
    }

    /// Runs an admitted query of `canister` arriving at `time` whose execution takes
    /// `execution` (its instructions at the core's speed; zero for a cache hit): it starts
    /// once a thread and one of the canister's slots are free and holds both for the overhead
    /// plus `execution`. When it starts and ends.
    /// - Precondition: `admits(at: time)` said yes.
    public mutating func run(canister: CanisterID, at time: SimInstant, execution: SimDuration) -> (start: SimInstant, end: SimInstant) {
        if canisterSlots.canisterCount > 4 * configuration.concurrentMax { canisterSlots.dropIdle(at: time) }
        let (overhead, threadFreeAt) = (configuration.overhead, threadsFreeAt.min() ?? time)
        let end = canisterSlots.occupy(canister, from: max(time, threadFreeAt)) { $0 + overhead + max(execution, .zero) }
        threadsFreeAt[Self.bestFit(threadsFreeAt, end.start)] = end.end
        endings.insert(end.end, true)
        admitted += 1
        return end
    }

    /// The index of the latest of `freeAt` that is free by `start` (the lowest index among
    /// equals), so that earlier-free threads stay for queries that can start sooner.
    static func bestFit(_ freeAt: [SimInstant], _ start: SimInstant) -> Int {
        var best = 0
        var bestTime: SimInstant?
        for (index, time) in freeAt.enumerated() where time <= start && (bestTime.map { time > $0 } ?? true) {
            best = index
            bestTime = time
        }
        return best
    }
}

import SimCore

/// How many queries one replica serves, and how fast (Docs/Model.md, "Query capacity"): its
/// query threads and the bound on those one canister may use, the time a query holds a thread
/// besides its instructions, the HTTP handler's bound on queries in the replica, and the
/// query cache. The defaults are dfinity/ic's, but for `overhead`, which is calibrated.
public struct QueryServiceConfiguration: Hashable, Sendable {
    /// Query execution threads per replica: 4 (dfinity/ic rs/config/src/execution_environment.rs,
    /// `QUERY_EXECUTION_THREADS_TOTAL`).
    public var threads = 4
    /// Threads one canister's queries may use at once: 2 (dfinity/ic rs/config/src/embedders.rs,
    /// `QUERY_EXECUTION_THREADS_PER_CANISTER`).
    public var threadsPerCanister = 2
    /// The time a query holds a thread besides its instructions (HTTP, decoding, signature
    /// checks and scheduling all counted here): calibrated so that a replica serving trivial
    /// queries with all its threads saturates at the IC's published 7,025 queries per second
    /// per node; not measured.
    public var overhead: SimDuration = .microseconds(565)
    /// Queries a replica holds at once, queued or running, before its HTTP handler refuses
    /// more with 429: 400 (dfinity/ic rs/config/src/http_handler.rs,
    /// `max_query_concurrent_requests` = `QUERY_EXECUTION_THREADS_TOTAL * 100`).
    public var concurrentMax = 400
    /// The query cache's capacity in bytes, 0 to turn it off: 200 MiB (dfinity/ic
    /// execution_environment.rs, `QUERY_CACHE_CAPACITY`; `query_caching` enabled).
    public var cacheBytes: UInt64 = 200 * 1024 * 1024
    /// How long a cached result stays valid at most, by the state's batch time: 600 s
    /// (`QUERY_CACHE_MAX_EXPIRY_TIME`).
    public var cacheExpiry: SimDuration = .seconds(600)
    /// How long a cached result that read the data certificate stays valid: 60 s
    /// (`QUERY_CACHE_DATA_CERTIFICATE_EXPIRY_TIME`).
    public var cacheDataCertificateExpiry: SimDuration = .seconds(60)

    /// The IC's defaults.
    public init() {}

    /// What is wrong with it (empty when usable), each problem naming its field.
    public func problems() -> [String] {
        var problems: [String] = []
        if !(1...1_024).contains(threads) { problems.append("threads: expected 1 to 1024, found \(threads)") }
        if !(1...1_024).contains(threadsPerCanister) { problems.append("threadsPerCanister: expected 1 to 1024, found \(threadsPerCanister)") }
        if overhead < .zero || overhead > .seconds(10) { problems.append("overhead: expected 0 to 10 s") }
        if !(1...1_000_000).contains(concurrentMax) { problems.append("concurrentMax: expected 1 to 1000000, found \(concurrentMax)") }
        if cacheBytes > 1 << 40 { problems.append("cacheBytes: expected at most 1 TiB") }
        if cacheExpiry < .zero { problems.append("cacheExpiry: must not be negative") }
        if cacheDataCertificateExpiry < .zero { problems.append("cacheDataCertificateExpiry: must not be negative") }
        return problems
    }
}

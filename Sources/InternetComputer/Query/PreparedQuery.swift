import ExecutionLayer

/// A query request with its cache key and the key's hash made once, for a client that sends
/// the same request many times (``InternetComputerSimulation/query(_:onSubnet:atReplica:at:)``
/// takes one per query). Building the key from the request (four fields' references) and
/// hashing its bytes cost about 450 instructions of every cache hit; a prepared query's key
/// shares its request's storage, so the slot's key compares by identity first.
///
/// A class of constants, not a value: a client passes the same one with every query, one
/// reference count instead of the six of its arrays and strings.
public final class PreparedQuery: Sendable {
    /// The request.
    public let request: QueryRequest
    /// Its cache key.
    let key: QueryCache.Key
    /// The key's ``QueryCache/Key/indexHash``.
    let keyHash: UInt64

    /// `request`, its key built and hashed.
    public init(_ request: QueryRequest) {
        self.request = request
        key = QueryCache.Key(request)
        keyHash = key.indexHash
    }
}

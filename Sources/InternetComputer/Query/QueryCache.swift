import SimCore
import ExecutionLayer

/// A replica's query cache, as dfinity/ic's (rs/execution_environment/src/query_handler/
/// query_cache.rs; Docs/Model.md, "Query capacity"): results of queries by key (sender,
/// canister, method, argument), each valid while what it depended on is unchanged (the
/// canister, its balance if read, the batch time if read, at most `expiry` after it was
/// cached, `dataCertificateExpiry` if it read the data certificate), least recently used
/// entries evicted past `capacityBytes`. Deterministic: a use stamp, not a dictionary's order,
/// picks what to evict.
public struct QueryCache: Sendable {
    /// What a query's result is cached under.
    public struct Key: Hashable, Sendable {
        /// The sender.
        public var sender: Principal
        /// The canister queried.
        public var canister: CanisterID
        /// The method.
        public var method: String
        /// The argument.
        public var argument: [UInt8]

        /// A key of these fields.
        init(sender: Principal, canister: CanisterID, method: String, argument: [UInt8]) {
            self.sender = sender
            self.canister = canister
            self.method = method
            self.argument = argument
        }

        /// The key of `request`.
        public init(_ request: QueryRequest) {
            sender = request.sender
            canister = request.canister
            method = request.method
            argument = request.argument
        }

        /// Its size as dfinity/ic counts it: the struct (an estimate of the Rust layout: two
        /// principals of 30 bytes, a string and a vector of 24) plus the name and argument.
        var bytes: UInt64 { 108 + UInt64(method.utf8.count) + UInt64(argument.count) }

        /// Whether it equals `other` (``==``), its cheapest fields compared first, in place.
        func matches(_ other: Key) -> Bool {
            canister == other.canister && argument == other.argument && method == other.method && sender == other.sender
        }

        /// Hashes the argument as one run of bytes (the synthesized hash fed it to the hasher
        /// byte by byte: a third of a cache hit's cost). Equality is the synthesized one.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(sender)
            hasher.combine(canister)
            hasher.combine(method)
            hasher.combine(argument.count)
            argument.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// What the result depended on, as the state it ran on showed it.
    public struct Environment: Hashable, Sendable {
        /// The state's batch time (nanoseconds since 1970).
        public var batchTimeNanos: UInt64
        /// The canister's code version (with `canisterChanges`, the canister version).
        public var canisterVersion: UInt64
        /// The messages that committed changes to the canister.
        public var canisterChanges: UInt64
        /// The canister's balance.
        public var cycles: Cycles

        /// The environment `canister` shows in a state of batch time `batchTimeNanos`.
        public init(_ canister: CanisterState, batchTimeNanos: UInt64) {
            self.batchTimeNanos = batchTimeNanos
            canisterVersion = canister.version
            canisterChanges = canister.changesCommitted
            cycles = canister.cycles
        }

        /// An environment of these values.
        public init(batchTimeNanos: UInt64, canisterVersion: UInt64 = 0, canisterChanges: UInt64 = 0, cycles: Cycles = .zero) {
            self.batchTimeNanos = batchTimeNanos
            self.canisterVersion = canisterVersion
            self.canisterChanges = canisterChanges
            self.cycles = cycles
        }
    }

    /// A cached result, in its slot.
    struct Entry: Sendable {
        var key: Key
        var environment: Environment
        var reply: Result<[UInt8], Reject>
        var reads: EnvironmentReads
        var bytes: UInt64
        /// When it was last used (a counter: larger is more recent).
        var stamp: UInt64
        /// The key's ``Key/indexHash`` (to find its bucket when it is removed).
        var keyHash: UInt64
        /// Whether the slot holds an entry (not ``vacant``).
        var isLive = true

        /// What a free slot holds.
        static let vacant = Entry(key: Key(sender: .anonymous, canister: CanisterID(0), method: "", argument: []), environment: Environment(batchTimeNanos: 0),
                                  reply: .success([]), reads: [], bytes: 0, stamp: 0, keyHash: 0, isLive: false)

        /// Whether an entry computed in `cached` having read `reads` still holds in
        /// `environment`, valid at most `expiry` (`dataCertificateExpiry` if it read the data
        /// certificate; query_cache.rs, `EntryValue::is_valid`). Static over the two fields,
        /// which the caller reads in the slot: a method of the entry copied it whole.
        static func isValid(_ cached: Environment, _ reads: EnvironmentReads, in environment: Environment, expiry: SimDuration,
                            dataCertificateExpiry: SimDuration) -> Bool {
            let age = environment.batchTimeNanos >= cached.batchTimeNanos ? environment.batchTimeNanos - cached.batchTimeNanos : 0
            if age > UInt64(max(expiry.nanoseconds, 0)) { return false }
            if reads.contains(.dataCertificate), age > UInt64(max(dataCertificateExpiry.nanoseconds, 0)) { return false }
            if cached.batchTimeNanos != environment.batchTimeNanos && reads.contains(.time) { return false }
            if cached.canisterVersion != environment.canisterVersion || cached.canisterChanges != environment.canisterChanges { return false }
            if cached.cycles != environment.cycles && reads.contains(.cyclesBalance) { return false }
            return true
        }
    }

    /// The capacity in bytes (0: the cache keeps nothing).
    public let capacityBytes: UInt64
    /// How long an entry stays valid at most.
    public let expiry: SimDuration
    /// How long an entry that read the data certificate stays valid at most.
    public let dataCertificateExpiry: SimDuration
    /// The slot of each entry's key: a hit hashes its key once (a cheap hash, not SipHash),
    /// and the use heap holds slot numbers rather than keys (no reference counting of their
    /// strings and arrays).
    var keyIndex = QueryKeyIndex()
    /// The entries by slot; a free slot (listed in ``freeSlots``) holds ``Entry/vacant``.
    /// Not optionals: reading a field of an optional element copied the whole entry.
    var slots: [Entry] = []
    var freeSlots: [Int] = []
    /// (stamp, slot) pairs, the oldest first out: at least one per entry, whose stamp is at
    /// most the entry's (a use only sets the entry's stamp, so that a hit adds nothing here).
    /// Eviction pops pairs: one whose slot holds that stamp is the least recently used entry
    /// (every other entry's stamp is at least its own pair's, which is larger); one whose slot
    /// holds a later stamp goes back with it, and one whose slot holds nothing is dropped.
    /// Stamps are unique, so the entry evicted is the one with the smallest stamp, as if every
    /// use had pushed a pair.
    var uses = MinHeap<UInt64, Int>()
    var nextStamp: UInt64 = 0
    /// The bytes of its entries.
    public private(set) var bytes: UInt64 = 0
    /// Lookups that found a valid entry.
    public private(set) var hits: UInt64 = 0
    /// Lookups that found none (or an invalid one).
    public private(set) var misses: UInt64 = 0
    /// Entries evicted for room.
    public private(set) var evictions: UInt64 = 0

    /// An empty cache.
    public init(capacityBytes: UInt64, expiry: SimDuration, dataCertificateExpiry: SimDuration) {
        self.capacityBytes = capacityBytes
        self.expiry = expiry
        self.dataCertificateExpiry = dataCertificateExpiry
    }

    /// Entries held.
    public var count: Int { keyIndex.count }

    /// The result cached under `key` if it is still valid in `environment` (an invalid entry is
    /// removed); counts a hit or a miss.
    public mutating func lookup(_ key: Key, in environment: Environment) -> Result<[UInt8], Reject>? {
        lookup(key, hash: key.indexHash, in: environment)
    }

    /// ``lookup(_:in:)`` of a key whose ``Key/indexHash`` is `hash` (computed once for a
    /// query sent many times: ``PreparedQuery``).
    mutating func lookup(_ key: Key, hash: UInt64, in environment: Environment) -> Result<[UInt8], Reject>? {
        // The entry is read in its slot, field by field (binding it, or calling a method of
        // it, copied it: about 290 instructions a hit).
        guard let slot = slot(of: key, hash: hash) else {
            misses += 1
            return nil
        }
        guard Entry.isValid(slots[slot].environment, slots[slot].reads, in: environment, expiry: expiry,
                            dataCertificateExpiry: dataCertificateExpiry) else {
            remove(slot)
            misses += 1
            return nil
        }
        hits += 1
        touch(slot)
        return slots[slot].reply
    }

    /// Keeps `reply` under `key`, computed in `environment` having read `reads`, evicting the
    /// least recently used entries past the capacity. System errors are not kept (a reply and
    /// a canister's own reject are: query_cache.rs keeps `Ok(WasmResult)` only).
    public mutating func store(_ key: Key, _ reply: Result<[UInt8], Reject>, environment: Environment, reads: EnvironmentReads) {
        store(key, hash: key.indexHash, reply, environment: environment, reads: reads)
    }

    /// ``store(_:_:environment:reads:)`` of a key whose ``Key/indexHash`` is `hash`.
    mutating func store(_ key: Key, hash: UInt64, _ reply: Result<[UInt8], Reject>, environment: Environment, reads: EnvironmentReads) {
        if case .failure(let reject) = reply, reject.errorCode != nil { return }
        let size: UInt64 = switch reply {
        case .success(let bytes): key.bytes + Self.entryBytes + UInt64(bytes.count)
        case .failure(let reject): key.bytes + Self.entryBytes + UInt64(reject.message.utf8.count)
        }
        guard size <= capacityBytes else { return }
        if let slot = slot(of: key, hash: hash) { remove(slot) }
        let slot = freeSlots.popLast() ?? slots.count
        if slot == slots.count { slots.append(.vacant) }
        slots[slot] = Entry(key: key, environment: environment, reply: reply, reads: reads, bytes: size, stamp: 0, keyHash: hash)
        keyIndex.insert(hash: hash, slot: slot)
        bytes += size
        touch(slot)
        uses.insert(nextStamp, slot)
        while bytes > capacityBytes, let (stamp, oldest) = uses.popMin() {
            guard slots[oldest].isLive else { continue }
            let current = slots[oldest].stamp
            guard current == stamp else {
                if current > stamp { uses.insert(current, oldest) }
                continue
            }
            remove(oldest)
            evictions += 1
        }
        // Pairs of removed or reused slots are dropped when they outnumber the entries, so
        // the heap stays bounded (rebuilt in slot order; stamps are unique, so the order they
        // go in does not matter).
        if uses.count > 2 * count + 64 {
            uses = MinHeap(slots.indices.compactMap { slot in slots[slot].isLive ? (slots[slot].stamp, slot) : nil })
        }
    }

    /// An entry's size besides its key and reply (an estimate of the Rust layout of the
    /// entry's environment, result and flags).
    static let entryBytes: UInt64 = 96

    /// The slot holding `key`, whose ``Key/indexHash`` is `hash`, if any.
    func slot(of key: Key, hash: UInt64) -> Int? {
        keyIndex.slot(hash: hash) { slot in slots[slot].isLive && slots[slot].key.matches(key) }
    }

    /// Marks the entry in `slot` used now (its pair in ``uses`` stays: see there).
    mutating func touch(_ slot: Int) {
        nextStamp += 1
        if slots[slot].isLive { slots[slot].stamp = nextStamp }
    }

    /// Removes the entry in `slot`.
    mutating func remove(_ slot: Int) {
        guard slots[slot].isLive else { return }
        keyIndex.remove(hash: slots[slot].keyHash, slot: slot)
        bytes -= slots[slot].bytes
        slots[slot] = .vacant
        freeSlots.append(slot)
    }
}

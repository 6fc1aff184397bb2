import SimCore

/// The payload items a subnet's honest replicas wait to propose, held once for all of them:
/// each item once, with when each replica may propose it, and the height of the finalized
/// block that holds it. A replica whose ``PayloadQueue`` shares it (``ConsensusNode/sharePayload()``)
/// sees exactly what a queue of its own would hold: the items given to it, in the order they
/// came, less those in the blocks it has finalized. So the shell records a gossiped message
/// once instead of giving it to each replica's queue (each indexing it and, when a block
/// takes it, looking it up again to remove it), and a finalized block is marked once: a
/// replica that finalizes the same block later only moves its finalized height.
///
/// The shell owns it and lends it to the replica it steps (``ConsensusNode/exchangeSharedPayload(_:)``),
/// as it lends the beacon memo. A replica whose finalized block differs from the one marked
/// at that height (only if safety fails) takes a queue of its own from then on, holding what
/// it saw. Item IDs are unique in a run (ingress IDs are refused when repeated, stream slices
/// are numbered); the shell stops sharing (``ConsensusNode/stopSharingPayload()``) before it
/// would give an ID twice.
public struct SharedPayload: Sendable {
    /// An item, and the height of the first finalized block that holds it (`.max`: none yet).
    struct Entry: Sendable {
        let item: PayloadItem
        var removedAt: Height
    }

    /// Replicas of the subnet (instants per entry in ``availability``).
    public let replicaCount: Int
    /// The fields below, in one object, so that lending the payload to a replica for a step
    /// moves two words rather than a dozen (copied before a write while another value holds
    /// it: copy on write).
    @usableFromInline var storage: Storage

    /// The stored fields of a ``SharedPayload`` (see the properties of the same names).
    @usableFromInline final class Storage: @unchecked Sendable {
        // Sendable: only reached through `SharedPayload`, which copies it before writing
        // whenever another value holds it, so an object is never written while shared.
        // Unchecked exclusivity: no access to one field overlaps another (each method reads
        // or writes a field and moves on), so the runtime's dynamic checks only cost time.
        @exclusivity(unchecked) var entries: [Entry] = []
        @exclusivity(unchecked) var availability: [SimInstant] = []
        @exclusivity(unchecked) var base = 0
        @exclusivity(unchecked) var positions = ItemPositions()
        @exclusivity(unchecked) @usableFromInline var sharing: [Bool]
        @exclusivity(unchecked) var sharingCount = 0
        @exclusivity(unchecked) var finalizedHeights: [Height]
        @exclusivity(unchecked) var firstWaiting: [Int]
        @exclusivity(unchecked) var leftForAll = 0
        @exclusivity(unchecked) var markedBlocks: [Height: SHA256Digest] = [:]

        /// The fields of an empty payload for `replicaCount` replicas, none sharing it.
        init(replicaCount: Int) {
            sharing = Array(repeating: false, count: replicaCount)
            finalizedHeights = Array(repeating: 0, count: replicaCount)
            firstWaiting = Array(repeating: 0, count: replicaCount)
        }

        /// A copy of `other`'s fields.
        init(copying other: Storage) {
            entries = other.entries
            availability = other.availability
            base = other.base
            positions = other.positions
            sharing = other.sharing
            sharingCount = other.sharingCount
            finalizedHeights = other.finalizedHeights
            firstWaiting = other.firstWaiting
            leftForAll = other.leftForAll
            markedBlocks = other.markedBlocks
        }
    }

    /// The storage, copied first if another value holds it.
    var uniqueStorage: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
            return storage
        }
    }

    /// The entries from sequence number ``base`` on, in the order the items came.
    var entries: [Entry] {
        get { storage.entries }
        _modify { yield &uniqueStorage.entries }
    }
    /// When each replica may propose each entry's item, `replicaCount` instants per entry
    /// (`.max`: never, as when it was down and never got it).
    var availability: [SimInstant] {
        get { storage.availability }
        _modify { yield &uniqueStorage.availability }
    }
    /// The sequence number of `entries[0]` (entries before it have left for every replica).
    var base: Int {
        get { storage.base }
        _modify { yield &uniqueStorage.base }
    }
    /// The sequence number of each held item's entry.
    var positions: ItemPositions {
        get { storage.positions }
        _modify { yield &uniqueStorage.positions }
    }
    /// Which replicas read the entries (not one whose finalized chain diverged, nor a
    /// Byzantine one, which keep queues of their own).
    var sharing: [Bool] {
        get { storage.sharing }
        _modify { yield &uniqueStorage.sharing }
    }
    /// How many replicas read the entries.
    var sharingCount: Int {
        get { storage.sharingCount }
        _modify { yield &uniqueStorage.sharingCount }
    }
    /// Each replica's finalized height, as its queue last told.
    var finalizedHeights: [Height] {
        get { storage.finalizedHeights }
        _modify { yield &uniqueStorage.finalizedHeights }
    }
    /// For each replica, a sequence number before which no entry is waiting for it (removed,
    /// or never available): where its proposals start looking.
    var firstWaiting: [Int] {
        get { storage.firstWaiting }
        _modify { yield &uniqueStorage.firstWaiting }
    }
    /// The sequence number before which every entry has left for every sharing replica
    /// (dropped from ``entries`` once they are half of them).
    var leftForAll: Int {
        get { storage.leftForAll }
        _modify { yield &uniqueStorage.leftForAll }
    }
    /// The block each height's marks came from, while some sharing replica has not finalized
    /// that height.
    var markedBlocks: [Height: SHA256Digest] {
        get { storage.markedBlocks }
        _modify { yield &uniqueStorage.markedBlocks }
    }

    /// An empty payload for `replicaCount` replicas, none sharing it yet.
    public init(replicaCount: Int) {
        self.replicaCount = max(replicaCount, 0)
        storage = Storage(replicaCount: self.replicaCount)
    }

    /// Items held (waiting for some replica, or not yet dropped).
    public var count: Int { entries.count }

    /// Whether an item `id` was recorded and has not left for every replica.
    public func holds(_ id: UInt64) -> Bool { positions.place(of: id) != nil }

    /// Whether replica `replica` reads the entries (inlined: the shell asks it for each
    /// replica of each item).
    @inlinable public func isShared(by replica: Int) -> Bool { storage.sharing[replica] }

    /// Whether some replica reads the entries (else nothing needs recording).
    public var isShared: Bool { sharingCount > 0 }

    /// Records `item`, available to no replica yet (``setAvailable(_:replica:at:)`` says
    /// when each may propose it): its sequence number.
    /// - Precondition: `item.id` is not held (IDs are unique; see the type's note).
    public mutating func append(_ item: PayloadItem) -> Int {
        append(item) { _ in .max }
    }

    /// Records `item`, which replica `r` may propose from `availableAt(r)` on (`.max`:
    /// never; asked of every replica, in order, sharing or not): its sequence number.
    /// - Precondition: `item.id` is not held (IDs are unique; see the type's note).
    public mutating func append(_ item: PayloadItem, availableAt: (Int) -> SimInstant) -> Int {
        precondition(!holds(item.id), "a payload item is recorded once")
        let sequence = base + entries.count
        entries.append(Entry(item: item, removedAt: .max))
        for replica in 0..<replicaCount { availability.append(availableAt(replica)) }
        _ = positions.updateValue(sequence, forKey: item.id)
        return sequence
    }

    /// Records `item`, which replica `r` may propose from `availability[r]` on (`.max`: never),
    /// copying the row whole: its sequence number.
    /// - Precondition: `item.id` is not held, and `availability` has one instant per replica.
    public mutating func append(_ item: PayloadItem, availability row: UnsafeBufferPointer<SimInstant>) -> Int {
        precondition(!holds(item.id), "a payload item is recorded once")
        precondition(row.count == replicaCount, "one instant per replica")
        let sequence = base + entries.count
        entries.append(Entry(item: item, removedAt: .max))
        availability.append(contentsOf: row)
        _ = positions.updateValue(sequence, forKey: item.id)
        return sequence
    }

    /// Replica `replica` may propose the item of entry `sequence` from `time` on.
    public mutating func setAvailable(_ sequence: Int, replica: Int, at time: SimInstant) {
        precondition(sequence >= base && sequence < base + entries.count && replica >= 0 && replica < replicaCount,
                     "an entry held, and a replica of the subnet")
        availability[(sequence &- base) &* replicaCount &+ replica] = time
    }

    /// When replica `replica` may propose the item of entry `sequence` (`.max`: never).
    func availableAt(_ sequence: Int, replica: Int) -> SimInstant {
        availability[(sequence &- base) &* replicaCount &+ replica]
    }

    /// Whether entry `sequence` waits for replica `replica`: not in a block it finalized,
    /// and available to it at some time.
    func waits(_ sequence: Int, for replica: Int) -> Bool {
        entries[sequence &- base].removedAt > finalizedHeights[replica] && availableAt(sequence, replica: replica) != .max
    }

    /// Replica `replica` starts reading the entries (it holds nothing of its own, and every
    /// entry so far is unavailable to it).
    mutating func startSharing(_ replica: Int) {
        if !sharing[replica] { sharingCount += 1 }
        sharing[replica] = true
        firstWaiting[replica] = base + entries.count
    }

    /// Replica `replica` stops reading the entries (it keeps a queue of its own).
    mutating func stopSharing(_ replica: Int) {
        if sharing[replica] { sharingCount -= 1 }
        sharing[replica] = false
        dropLeftEntries()
    }

    /// The entries waiting for replica `replica`, in order, each with when it may propose it.
    func waiting(for replica: Int) -> [PayloadQueue.Entry] {
        var view = View(self, replica: replica)
        var waiting: [PayloadQueue.Entry] = []
        while let entry = view.next() { waiting.append(entry) }
        return waiting
    }

    /// Replica `replica` finalized `block` (the next height above its finalized one): the
    /// items it holds leave the replica's view, marked if it is the first to finalize that
    /// height. `false`, changing nothing, if another block was marked at that height.
    mutating func finalize(_ block: Block, by replica: Int) -> Bool {
        if let marked = markedBlocks[block.height] {
            guard marked == block.digest else { return false }
        } else {
            markedBlocks[block.height] = block.digest
            for item in block.payload {
                guard let sequence = positions.place(of: item.id), entries[sequence &- base].removedAt == .max else { continue }
                entries[sequence &- base].removedAt = block.height
            }
        }
        finalizedHeights[replica] = block.height
        return true
    }

    /// After replica `replica` finalized: moves its first waiting entry, and the entries
    /// that left every sharing replica, past what it no longer waits for.
    mutating func settle(after replica: Int) {
        let end = base + entries.count
        var first = max(firstWaiting[replica], base)
        while first < end, !waits(first, for: replica) { first += 1 }
        firstWaiting[replica] = first
        dropLeftEntries()
    }

    /// Moves ``leftForAll`` past the entries no sharing replica waits for (in blocks each has
    /// finalized, or never available to it), drops them from
    /// the index, and drops them from the arrays once they are half of them (so each entry is
    /// moved once); forgets the marks every sharing replica has finalized past.
    mutating func dropLeftEntries() {
        let end = base + entries.count
        // (Called only after every new entry's availability is set: one still all `.max`
        // would leave at once.)
        while leftForAll < end, sharing.indices.allSatisfy({ !sharing[$0] || !waits(leftForAll, for: $0) }) {
            _ = positions.removeValue(forKey: entries[leftForAll &- base].item.id)
            leftForAll += 1
        }
        let dropped = leftForAll - base
        guard dropped >= 1_024, dropped * 2 >= entries.count else { return }
        entries.removeFirst(dropped)
        availability.removeFirst(dropped * replicaCount)
        base = leftForAll
        let finalized = sharing.indices.filter { sharing[$0] }.map { finalizedHeights[$0] }.min() ?? .max
        markedBlocks = markedBlocks.filter { $0.key > finalized }
    }

    /// One replica's walk over the entries waiting for it, in order (what its own queue would
    /// hold), for its proposals.
    struct View {
        let entries: [Entry]
        let availability: [SimInstant]
        let base: Int
        let replicaCount: Int
        let replica: Int
        let finalizedHeight: Height
        /// The sequence number of the next entry to look at.
        var sequence: Int

        /// Replica `replica`'s walk over `shared`.
        init(_ shared: SharedPayload, replica: Int) {
            entries = shared.entries
            availability = shared.availability
            base = shared.base
            replicaCount = shared.replicaCount
            self.replica = replica
            finalizedHeight = shared.finalizedHeights[replica]
            sequence = max(shared.firstWaiting[replica], shared.base)
        }

        /// The next entry waiting for the replica, with when it may propose it.
        mutating func next() -> PayloadQueue.Entry? {
            while sequence &- base < entries.count {
                let index = sequence &- base
                sequence += 1
                if entries[index].removedAt > finalizedHeight {
                    return (entries[index].item, availability[index &* replicaCount &+ replica])
                }
            }
            return nil
        }
    }
}

extension ConsensusNode {
    /// Whether this node reads its subnet's ``SharedPayload`` instead of keeping a payload
    /// queue of its own.
    public var sharesPayload: Bool { payloadQueue.sharedReplica != nil }

    /// Starts reading `shared` for its payload (as the replica of its node index), before it
    /// is given any payload of its own.
    public mutating func sharePayload(_ shared: inout SharedPayload) {
        payloadQueue.startSharing(&shared, as: id.index)
    }

    /// Lends `shared` to this node for a step, or takes it back after (a node that keeps its
    /// own queue is left alone): the shell calls it before and after each step.
    public mutating func exchangeSharedPayload(_ shared: inout SharedPayload) {
        guard payloadQueue.sharedReplica != nil || payloadQueue.isLent else { return }
        swap(&payloadQueue.lent, &shared)
        payloadQueue.isLent.toggle()
    }

    /// Stops reading the shared payload (lent): the node keeps its own queue from now on,
    /// holding what it saw there.
    public mutating func stopSharingPayload() {
        payloadQueue.stopSharing()
    }
}

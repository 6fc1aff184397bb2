import SimCore

/// The items a node may propose, oldest first, each with when it may be proposed, until a
/// finalized block holds them. A short queue is filtered whole when a block is finalized; a
/// long one (a subnet under overload holds tens of thousands of waiting messages per node, and
/// a finalized height removes only a block's worth) keeps an index from item to place
/// (``ItemPositions``, cheaper to hash than a `Dictionary`), so that removal costs in
/// proportion to the items removed, not to the queue. A queue may instead read its subnet's
/// ``SharedPayload`` (shared mode: it then holds no entries of its own, and sees there what
/// it would have held).
struct PayloadQueue: Sequence {
    /// One waiting item.
    typealias Entry = (item: PayloadItem, availableAt: SimInstant)

    /// From this many entries on, the queue keeps its index (below half of it, it drops it).
    static let indexedFrom = 64

    /// The entries in arrival order; `nil` where one was removed and not yet compacted away
    /// (only while indexed).
    private var entries: [Entry?] = []
    /// Where each item's entry is (its latest, when an item was added twice), while indexed.
    private var positions = ItemPositions()
    /// Whether ``positions`` is kept.
    private var isIndexed = false
    /// How many entries are `nil`.
    private var removedCount = 0
    /// Whether some indexed item was added more than once (removal then filters the queue,
    /// so that every copy goes).
    private var hasDuplicates = false

    /// The replica whose view of the subnet's ``SharedPayload`` this queue is, in shared mode
    /// (`nil`: it keeps its own entries).
    private(set) var sharedReplica: Int?
    /// The subnet's shared payload while the shell lends it for a step (an empty one
    /// otherwise), and whether it is lent.
    var lent = SharedPayload(replicaCount: 0)
    var isLent = false

    /// An empty queue.
    init() {}

    /// The entries waiting.
    var count: Int { entries.count - removedCount }

    /// Adds `item`, proposable from `availableAt`, behind the others.
    /// - Precondition: the queue keeps its own entries (a shared one's come from the shell).
    mutating func append(_ item: PayloadItem, availableAt: SimInstant) {
        precondition(sharedReplica == nil, "a queue that reads the shared payload is given none of its own")
        entries.append((item, availableAt))
        if isIndexed {
            if positions.updateValue(entries.count - 1, forKey: item.id) != nil { hasDuplicates = true }
        } else if entries.count >= Self.indexedFrom {
            reindex()
        }
    }

    /// Removes every entry of the items `ids` names (finalized); ids not waiting are ignored.
    mutating func remove(_ ids: [UInt64]) {
        guard !ids.isEmpty, !entries.isEmpty else { return }
        guard isIndexed, !hasDuplicates else { return filter(removing: Set(ids)) }
        for id in ids {
            guard let position = positions.removeValue(forKey: id) else { continue }
            precondition(entries[position]?.item.id == id, "a payload position points at its item")
            entries[position] = nil
            removedCount += 1
        }
        if removedCount * 2 > entries.count { compact() }
    }

    /// Removes the items of `chain`, just finalized (consecutive blocks above the last
    /// finalized one). In shared mode each block is marked once for the subnet; a block other
    /// than the one marked at its height turns the queue into one of its own, holding what it
    /// saw, from which that block's items and the rest are removed.
    mutating func remove(finalized chain: [Block]) {
        guard let replica = sharedReplica else { return remove(chain.flatMap { $0.payload.map(\.id) }) }
        precondition(isLent, "a queue reads the shared payload only while the shell lends it")
        for index in chain.indices {
            guard lent.finalize(chain[index], by: replica) else {
                stopSharing()
                return remove(chain[index...].flatMap { $0.payload.map(\.id) })
            }
        }
        lent.settle(after: replica)
    }

    /// Starts reading `shared` as replica `replica`'s view of it.
    /// - Precondition: the queue holds nothing of its own.
    mutating func startSharing(_ shared: inout SharedPayload, as replica: Int) {
        precondition(entries.isEmpty && sharedReplica == nil, "a queue starts sharing empty")
        precondition(replica >= 0 && replica < shared.replicaCount, "a replica of the subnet")
        shared.startSharing(replica)
        sharedReplica = replica
    }

    /// Stops reading the lent shared payload: the queue keeps its own entries from now on,
    /// starting with those it saw there (nothing if it keeps its own already).
    mutating func stopSharing() {
        guard let replica = sharedReplica else { return }
        precondition(isLent, "a queue reads the shared payload only while the shell lends it")
        let waiting = lent.waiting(for: replica)
        lent.stopSharing(replica)
        sharedReplica = nil
        for entry in waiting { append(entry.item, availableAt: entry.availableAt) }
    }

    /// Removes the entries of `ids` by looking at every entry.
    private mutating func filter(removing ids: Set<UInt64>) {
        entries.removeAll { entry in entry.map { ids.contains($0.item.id) } ?? true }
        removedCount = 0
        if isIndexed { reindex() }
    }

    /// Drops the removed entries' places, and the index if the queue got short.
    private mutating func compact() {
        entries.removeAll { $0 == nil }
        removedCount = 0
        if entries.count < Self.indexedFrom / 2 {
            positions = ItemPositions()
            isIndexed = false
            hasDuplicates = false
        } else {
            reindex()
        }
    }

    /// Rebuilds the index from the entries (none removed).
    private mutating func reindex() {
        positions.removeAll()
        for (position, entry) in entries.enumerated() {
            if let entry { _ = positions.updateValue(position, forKey: entry.item.id) }
        }
        isIndexed = true
        hasDuplicates = positions.count != entries.count
    }

    /// The waiting entries, oldest first.
    func makeIterator() -> Iterator {
        guard let replica = sharedReplica else { return Iterator(entries: entries, shared: nil) }
        precondition(isLent, "a queue reads the shared payload only while the shell lends it")
        return Iterator(entries: [], shared: SharedPayload.View(lent, replica: replica))
    }

    /// Walks the waiting entries, skipping removed places (or, in shared mode, the shared
    /// entries that do not wait for the replica).
    struct Iterator: IteratorProtocol {
        let entries: [Entry?]
        var shared: SharedPayload.View?
        var position = 0

        /// The next waiting entry.
        mutating func next() -> Entry? {
            if shared != nil { return shared?.next() }
            while position < entries.count {
                defer { position += 1 }
                if let entry = entries[position] { return entry }
            }
            return nil
        }
    }
}

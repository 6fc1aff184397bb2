import SimCore

/// The items a node may propose, oldest first, each with when it may be proposed, until a
/// finalized block holds them. A short queue is filtered whole when a block is finalized; a
/// long one (a subnet under overload holds tens of thousands of waiting messages per node, and
/// a finalized height removes only a block's worth) keeps an index from item to place
/// (``ItemPositions``, cheaper to hash than a `Dictionary`), so that removal costs in
/// proportion to the items removed, not to the queue.
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

    /// An empty queue.
    init() {}

    /// The entries waiting.
    var count: Int { entries.count - removedCount }

    /// Adds `item`, proposable from `availableAt`, behind the others.
    mutating func append(_ item: PayloadItem, availableAt: SimInstant) {
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
    func makeIterator() -> Iterator { Iterator(entries: entries) }

    /// Walks the waiting entries, skipping removed places.
    struct Iterator: IteratorProtocol {
        let entries: [Entry?]
        var position = 0

        /// The next waiting entry.
        mutating func next() -> Entry? {
            while position < entries.count {
                defer { position += 1 }
                if let entry = entries[position] { return entry }
            }
            return nil
        }
    }
}

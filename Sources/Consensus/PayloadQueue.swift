import SimCore

/// The items a node may propose, oldest first, each with when it may be proposed, until a
/// finalized block holds them. A subnet under overload holds tens of thousands of waiting
/// messages per node, and a finalized height removes only a block's worth, so removal must
/// cost in proportion to the items removed, not to the queue. Items usually arrive with
/// increasing IDs (messages in submission order); while every ID held is above the one before
/// it, an item's place is found by binary search over the IDs, with no index to keep. Once an
/// item arrives out of order, a short queue is filtered whole at each removal, and a long one
/// keeps an index from item to place; the queue returns to the sorted form when what is left
/// after a compaction is in order again.
struct PayloadQueue: Sequence {
    /// One waiting item.
    typealias Entry = (item: PayloadItem, availableAt: SimInstant)

    /// From this many entries on, an unsorted queue keeps its index (below half of it, it
    /// drops it).
    static let indexedFrom = 2_048

    /// The entries in arrival order; `nil` where one was removed and not yet compacted away
    /// (only while sorted or indexed).
    private var entries: [Entry?] = []
    /// The item ID of each entry, removed or not (what the sorted form searches).
    private var entryIDs: [UInt64] = []
    /// Entries before this place are all removed (iteration and search start here).
    private var head = 0
    /// Whether ``entryIDs`` is strictly increasing (then no item is held twice).
    private(set) var isSorted = true
    /// Where each item's entry is (its latest, when an item was added twice), while indexed.
    private var positions: [UInt64: Int] = [:]
    /// Whether ``positions`` is kept (never while sorted).
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
        if isSorted, let last = entryIDs.last, item.id <= last { leaveSortedForm() }
        entries.append((item, availableAt))
        entryIDs.append(item.id)
        guard !isSorted else { return }
        if isIndexed {
            if positions.updateValue(entries.count - 1, forKey: item.id) != nil { hasDuplicates = true }
        } else if entries.count >= Self.indexedFrom {
            reindex()
        }
    }

    /// Removes every entry of the items `ids` names (finalized); ids not waiting are ignored.
    mutating func remove(_ ids: [UInt64]) {
        guard !ids.isEmpty, !entries.isEmpty else { return }
        if isSorted {
            removeSorted(ids)
        } else if isIndexed, !hasDuplicates {
            removeIndexed(ids)
        } else {
            return filter(removing: Set(ids))
        }
        if removedCount * 2 > entries.count { compact() }
    }

    /// Removes the entries of `ids` (sorted form): each at the place after the one before it
    /// (a block holds a run of the queue, in order), else found by binary search.
    private mutating func removeSorted(_ ids: [UInt64]) {
        var next = head
        for id in ids {
            let found = next < entryIDs.count && entryIDs[next] == id ? next : sortedPosition(of: id)
            guard let position = found, entries[position] != nil else { continue }
            entries[position] = nil
            removedCount += 1
            next = position + 1
        }
        while head < entries.count, entries[head] == nil { head += 1 }
    }

    /// The place of item `id` at or after ``head`` in the sorted form (`nil` if not held).
    private func sortedPosition(of id: UInt64) -> Int? {
        var low = head
        var high = entryIDs.count
        while low < high {
            let middle = low + (high - low) / 2
            if entryIDs[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low < entryIDs.count && entryIDs[low] == id ? low : nil
    }

    /// Removes the entries of `ids`, each found through the index.
    private mutating func removeIndexed(_ ids: [UInt64]) {
        for id in ids {
            guard let position = positions.removeValue(forKey: id) else { continue }
            precondition(entries[position]?.item.id == id, "a payload position points at its item")
            entries[position] = nil
            removedCount += 1
        }
    }

    /// An item arrived out of order: the removed places go, and the queue is filtered or
    /// indexed from now on.
    private mutating func leaveSortedForm() {
        keepEntries { _ in true }
        isSorted = false
    }

    /// Removes the entries of `ids` by looking at every entry.
    private mutating func filter(removing ids: Set<UInt64>) {
        keepEntries { !ids.contains($0.item.id) }
        settleForm()
    }

    /// Drops the removed entries' places, and settles which form the queue takes.
    private mutating func compact() {
        keepEntries { _ in true }
        settleForm()
    }

    /// Keeps the waiting entries `isKept` accepts, in order, with no removed places.
    private mutating func keepEntries(where isKept: (Entry) -> Bool) {
        var keptEntries: [Entry?] = []
        var keptIDs: [UInt64] = []
        keptEntries.reserveCapacity(count)
        keptIDs.reserveCapacity(count)
        for case let entry? in entries[head...] where isKept(entry) {
            keptEntries.append(entry)
            keptIDs.append(entry.item.id)
        }
        entries = keptEntries
        entryIDs = keptIDs
        head = 0
        removedCount = 0
    }

    /// After the removed places went: sorted again if the IDs left are in order, else the
    /// index kept for a long queue and dropped for a short one.
    private mutating func settleForm() {
        if isSorted || zip(entryIDs, entryIDs.dropFirst()).allSatisfy({ $0 < $1 }) {
            isSorted = true
            dropIndex()
        } else if entries.count < Self.indexedFrom / 2 {
            dropIndex()
        } else if isIndexed {
            reindex()
        }
    }

    /// Forgets the index.
    private mutating func dropIndex() {
        positions.removeAll()
        isIndexed = false
        hasDuplicates = false
    }

    /// Rebuilds the index from the entries (none removed).
    private mutating func reindex() {
        positions.removeAll(keepingCapacity: true)
        for (position, entry) in entries.enumerated() {
            if let entry { positions[entry.item.id] = position }
        }
        isIndexed = true
        hasDuplicates = positions.count != entries.count
    }

    /// The waiting entries, oldest first.
    func makeIterator() -> Iterator { Iterator(entries: entries, position: head) }

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

/// A binary min-heap of (priority, value) pairs: the smallest priority out first. Equal
/// priorities come out in no particular order; callers use unique priorities where the order
/// reaches results.
public struct MinHeap<Priority: Comparable & Sendable, Value: Sendable>: Sendable {
    var items: [(priority: Priority, value: Value)] = []

    /// An empty heap.
    public init() {}

    /// A heap of `pairs`.
    public init(_ pairs: [(Priority, Value)]) {
        for (priority, value) in pairs { insert(priority, value) }
    }

    /// Pairs held.
    public var count: Int { items.count }

    /// The smallest priority held (`nil`: empty).
    public var minimum: Priority? { items.first?.priority }

    /// Adds `value` with `priority`.
    public mutating func insert(_ priority: Priority, _ value: Value) {
        items.append((priority, value))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].priority < items[parent].priority else { return }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the pair of smallest priority (`nil`: empty).
    public mutating func popMin() -> (Priority, Value)? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return (first.priority, first.value) }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left].priority < items[smallest].priority { smallest = left }
            if right < items.count, items[right].priority < items[smallest].priority { smallest = right }
            guard smallest != parent else { return (first.priority, first.value) }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

/// Values by height, stored in an array from a base height up (heights are dense, so this is
/// faster than a dictionary and iterates in height order); heights below the base were pruned
/// and read as `nil`.
struct HeightTable<Value: Sendable>: Sendable {
    /// The lowest height kept.
    private(set) var base: Height = 0
    private var values: [Value?] = []

    /// The value at `height`, if any; setting `nil` clears it. Writes are in place.
    subscript(height: Height) -> Value? {
        get {
            guard height >= base, height - base < Height(values.count) else { return nil }
            return values[Int(height - base)]
        }
        _modify {
            guard height >= base else {
                // A write to a pruned height goes here and is forgotten. (A local, not a stored
                // property: in a node's tables a stored one put up to 48 bytes between the
                // fields every delivery reads, spreading them over more cache lines.)
                var discarded: Value?
                yield &discarded
                return
            }
            let index = Int(height - base)
            if index >= values.count { values += repeatElement(nil, count: index - values.count + 1) }
            yield &values[index]
        }
    }

    /// Forgets every height below `height`.
    mutating func prune(below height: Height) {
        guard height > base else { return }
        let count = min(Int(height - base), values.count)
        values.removeFirst(count)
        base = height
    }
}

/// A node's pools by height, as an array from a base height up. Reading a height borrows its
/// pool in place (a height without one reads as an empty pool) and writing changes it in
/// place: the pools hold many collections, and copying one per read would dominate the cost
/// of a consensus step. Pruned pools are emptied and kept for the heights to come, their
/// collections keeping their storage: a pool fills a dozen arrays per height, and freeing
/// them at each finalization and allocating them again was most of a finalizing step's cost.
struct PoolTable: Sendable {
    /// The lowest height kept.
    private(set) var base: Height = 0
    private var pools: [HeightPool] = []
    /// Pruned pools, emptied (``HeightPool/removeAll()``), for the next heights to take.
    private var spare: [HeightPool] = []
    /// The most spare pools kept (a node holds pools for a few heights above its finalized
    /// one; a catch-up that prunes many at once frees the rest).
    private static var spareLimit: Int { 8 }
    /// What a height without a pool reads as, on the heap: stored inline (204 bytes), every
    /// read copied it to the stack before looking at the height; made per read, reads of
    /// heights ahead cost a pool's construction and destruction each.
    private let empty = EmptyHeightPool()

    /// One above the highest height that has a pool.
    var end: Height { base + Height(pools.count) }

    /// The pool of `height` (empty if it has none, or was pruned).
    subscript(height: Height) -> HeightPool {
        _read {
            if height >= base, height - base < Height(pools.count) {
                yield pools[Int(height - base)]
            } else {
                yield empty.pool
            }
        }
        _modify {
            if height < base {
                var discarded = HeightPool()
                yield &discarded
            } else {
                let index = Int(height - base)
                if index >= pools.count { grow(through: index) }
                yield &pools[index]
            }
        }
    }

    /// Runs `body` on the pool of `height`, borrowed from storage (a method called on the
    /// subscript's result may copy the whole pool first).
    func read<Result>(_ height: Height, _ body: (borrowing HeightPool) -> Result) -> Result {
        if height >= base, height - base < Height(pools.count) {
            let index = Int(height - base)
            // Borrowed through the buffer's addressor: `body(pools[index])` copied the pool
            // first (a retain of each of its arrays). The index is checked just above.
            return pools.withUnsafeBufferPointer { body($0[index]) }
        }
        return body(empty.pool)
    }

    /// Runs `body` on the pool of `height` as ``read(_:_:)`` does, for a caller that holds the
    /// table mutably: the pool is passed `inout` (`body` only reads it). A closure that is not
    /// inlined gets a borrowed pool copied first (a retain and a release of each of its
    /// collections, about 850 instructions); an `inout` one gets it in place. A height without
    /// a pool reads as an empty one, and gets none.
    mutating func inspect<Result>(_ height: Height, _ body: (inout HeightPool) -> Result) -> Result {
        guard height >= base, height - base < Height(pools.count) else {
            var empty = HeightPool()
            return body(&empty)
        }
        let index = Int(height - base)
        return pools.withUnsafeMutableBufferPointer { body(&$0[index]) }
    }

    /// Runs `body` on the pool of `height`, changed in place as through the subscript (a
    /// pruned height's changes are forgotten; a height above the last gets a pool), but with
    /// no coroutine: each subscript access allocates its coroutine's frame, and the hottest
    /// rules make several per artifact.
    mutating func modify<Result>(_ height: Height, _ body: (inout HeightPool) -> Result) -> Result {
        guard height >= base else {
            var discarded = HeightPool()
            return body(&discarded)
        }
        let index = Int(height - base)
        if index >= pools.count { grow(through: index) }
        // In place through the buffer (the index is within it, just ensured above).
        return pools.withUnsafeMutableBufferPointer { body(&$0[index]) }
    }

    /// Gives every height up to index `index` (from the base) a pool: an empty spare one
    /// while there are any, else a new one.
    private mutating func grow(through index: Int) {
        // Not `spare.popLast() ?? HeightPool()`, which copied the spare pool.
        while pools.count <= index {
            if let reused = spare.popLast() {
                pools.append(consume reused)
            } else {
                pools.append(HeightPool())
            }
        }
    }

    /// Forgets every height below `height`, keeping their pools' storage for later heights.
    mutating func prune(below height: Height) {
        guard height > base else { return }
        let count = min(Int(height - base), pools.count)
        for index in 0..<count {
            // Moved out (the slot left empty until `removeFirst` drops it), so that emptying
            // it finds each collection's storage uniquely referenced and keeps it.
            var pruned = HeightPool()
            swap(&pruned, &pools[index])
            guard spare.count < Self.spareLimit else { continue }
            pruned.removeAll()
            // Moved, not copied (a copy retained and released each of its collections).
            spare.append(consume pruned)
        }
        pools.removeFirst(count)
        base = height
    }
}

/// An empty height pool, shared by reference (a `let`, so reads borrow it in place).
final class EmptyHeightPool: Sendable {
    /// The pool.
    let pool = HeightPool()
}

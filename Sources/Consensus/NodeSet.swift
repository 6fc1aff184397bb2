/// A set of nodes as a bit set (node index = bit), with its size kept: inserting, testing and
/// counting cost no hashing, and the members come out in index order. The first 64 nodes live
/// in an inline word (no allocation: a height's pool holds several of these, one per block for
/// each kind of share); only larger subnets use the overflow words.
struct NodeSet: Sendable, Equatable, ExpressibleByArrayLiteral {
    /// Nodes 0..<64.
    private var low: UInt64 = 0
    /// Nodes from 64 up, 64 to a word (empty, so never allocated, for subnets of at most 64).
    private var high: [UInt64] = []
    /// How many nodes are in the set.
    private(set) var count = 0

    /// The set of `elements`.
    init(arrayLiteral elements: NodeID...) {
        for node in elements { insert(node) }
    }

    /// Whether `node` is in the set.
    @inline(__always)
    func contains(_ node: NodeID) -> Bool {
        let index = node.index
        if index < 64 { return index >= 0 && low & (1 &<< UInt64(index)) != 0 }
        let word = (index >> 6) - 1
        return word < high.count && high[word] & (1 &<< UInt64(index & 63)) != 0
    }

    /// Adds `node`; whether it was new.
    @discardableResult
    @inline(__always)
    mutating func insert(_ node: NodeID) -> Bool {
        precondition(node.index >= 0, "node indices are not negative")
        let bit: UInt64 = 1 &<< UInt64(node.index & 63)
        guard node.index >= 64 else {
            guard low & bit == 0 else { return false }
            low |= bit
            count += 1
            return true
        }
        let word = (node.index >> 6) - 1
        if word >= high.count { high += repeatElement(0, count: word - high.count + 1) }
        guard high[word] & bit == 0 else { return false }
        high[word] |= bit
        count += 1
        return true
    }

    /// Removes every node, keeping the overflow words' storage.
    mutating func removeAll() {
        low = 0
        high.removeAll(keepingCapacity: true)
        count = 0
    }

    /// The first `limit` members in index order.
    func lowest(_ limit: Int) -> [NodeID] {
        var members: [NodeID] = []
        members.reserveCapacity(min(limit, count))
        Self.append(low, wordIndex: 0, limit: limit, to: &members)
        for (offset, word) in high.enumerated() { Self.append(word, wordIndex: offset + 1, limit: limit, to: &members) }
        return members
    }

    /// Appends the members in `word` (nodes `64 * wordIndex` up) while fewer than `limit`.
    private static func append(_ word: UInt64, wordIndex: Int, limit: Int, to members: inout [NodeID]) {
        var rest = word
        while rest != 0, members.count < limit {
            members.append(NodeID(wordIndex << 6 + rest.trailingZeroBitCount))
            rest &= rest - 1
        }
    }
}

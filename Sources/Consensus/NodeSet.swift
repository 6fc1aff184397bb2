/// A set of nodes as a bit set (node index = bit), with its size kept: inserting, testing and
/// counting cost no hashing, and the members come out in index order.
struct NodeSet: Sendable, Equatable, ExpressibleByArrayLiteral {
    private var words: [UInt64] = []
    /// How many nodes are in the set.
    private(set) var count = 0

    /// The set of `elements`.
    init(arrayLiteral elements: NodeID...) {
        for node in elements { insert(node) }
    }

    /// Whether `node` is in the set.
    func contains(_ node: NodeID) -> Bool {
        let word = node.index >> 6
        return word < words.count && words[word] & (1 << UInt64(node.index & 63)) != 0
    }

    /// Adds `node`; whether it was new.
    @discardableResult
    mutating func insert(_ node: NodeID) -> Bool {
        precondition(node.index >= 0, "node indices are not negative")
        let word = node.index >> 6
        if word >= words.count { words += repeatElement(0, count: word - words.count + 1) }
        let bit: UInt64 = 1 << UInt64(node.index & 63)
        guard words[word] & bit == 0 else { return false }
        words[word] |= bit
        count += 1
        return true
    }

    /// The first `limit` members in index order.
    func lowest(_ limit: Int) -> [NodeID] {
        var members: [NodeID] = []
        members.reserveCapacity(min(limit, count))
        for (wordIndex, word) in words.enumerated() {
            var rest = word
            while rest != 0, members.count < limit {
                members.append(NodeID(wordIndex << 6 + rest.trailingZeroBitCount))
                rest &= rest - 1
            }
        }
        return members
    }
}

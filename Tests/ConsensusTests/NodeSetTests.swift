import Testing
@testable import Consensus

/// The node bit set: an inline word for nodes 0..<64, overflow words above (issue 19).
struct NodeSetTests {
    @Test func inserting_reports_new_members_and_counts_them_once() {
        var set: NodeSet = []
        let inserted = [3, 3, 0, 63].map { set.insert(NodeID($0)) }
        #expect(inserted == [true, false, true, true])
        #expect(set.count == 3)
        #expect(set.contains(NodeID(0)) && set.contains(NodeID(3)) && set.contains(NodeID(63)))
        #expect(!set.contains(NodeID(1)) && !set.contains(NodeID(64)))
    }

    @Test func nodes_past_the_inline_word_go_to_overflow_words() {
        var set: NodeSet = [NodeID(64), NodeID(200), NodeID(5)]
        #expect(set.count == 3)
        #expect(set.contains(NodeID(64)) && set.contains(NodeID(200)) && set.contains(NodeID(5)))
        #expect(!set.contains(NodeID(128)) && !set.contains(NodeID(65)) && !set.contains(NodeID(1_000)))
        let again = set.insert(NodeID(200))
        let new = set.insert(NodeID(127))
        #expect(!again && new)
        #expect(set.count == 4)
    }

    @Test func lowest_lists_members_in_index_order_across_words_up_to_the_limit() {
        let set: NodeSet = [NodeID(130), NodeID(2), NodeID(64), NodeID(63), NodeID(0)]
        #expect(set.lowest(10) == [0, 2, 63, 64, 130].map(NodeID.init))
        #expect(set.lowest(3) == [0, 2, 63].map(NodeID.init))
        #expect(set.lowest(4) == [0, 2, 63, 64].map(NodeID.init))
        #expect(set.lowest(0).isEmpty)
        #expect(NodeSet().lowest(5).isEmpty)
    }

    @Test func sets_with_the_same_members_inserted_alike_are_equal() {
        let one: NodeSet = [NodeID(1), NodeID(70)]
        let other: NodeSet = [NodeID(70), NodeID(1)]
        #expect(one == other)
        #expect(one != [NodeID(1)])
    }
}

import Testing
import SimCore
@testable import Consensus

/// Pruned height pools are emptied and reused for later heights (issue 19, consensus's
/// seventh round): a reused pool must read exactly as a new one, in every field.
struct PoolReuseTests {
    /// Every field of `pool`, private ones included, as text (a mirror: capacity is not shown).
    static func fields(_ pool: HeightPool) -> String { String(reflecting: pool) }

    /// A pool with something in every field: two blocks, shares and aggregates of each kind,
    /// a disqualified maker, a request and this node's marks.
    static func filledPool(height: Height) -> HeightPool {
        var pool = HeightPool()
        let parent = Block.genesis(subnet: SHA256.hash(string: "PoolReuseTests")).digest
        let blocks = (0..<2).map { Block(height: height, parent: parent, rank: $0, maker: NodeID($0), payload: [PayloadItem(id: 7, sizeBytes: 9)]) }
        for block in blocks { pool.insert(block) }
        pool.makers[NodeID(0)] = blocks[0].digest
        pool.disqualified.insert(NodeID(1))
        pool.beaconShares.insert(NodeID(70))  // beyond 64: the overflow words
        _ = pool.notarizationShares.insert(NodeID(2), into: blocks[0].digest)
        pool.notarizationsReceived.insert(blocks[1].digest)
        pool.notarized.append(blocks[0].digest)
        _ = pool.finalizationShares.insert(NodeID(3), into: blocks[0].digest)
        pool.finalizationsReceived.insert(blocks[0].digest)
        pool.finalizationSigners[blocks[0].digest] = [NodeID(0), NodeID(3)]
        pool.requested.insert(blocks[1].digest)
        pool.finalized = blocks[0].digest
        pool.signedNotarization.append(blocks[0].digest)
        pool.proposed = true
        pool.sentBeaconShare = true
        pool.sentFinalizationShare = true
        pool.notarizationPending = true
        return pool
    }

    @Test func an_emptied_pool_reads_as_a_new_one() {
        var pool = Self.filledPool(height: 3)
        #expect(Self.fields(pool) != Self.fields(HeightPool()))
        pool.removeAll()
        #expect(Self.fields(pool) == Self.fields(HeightPool()))
        #expect(pool.beaconShares.count == 0 && !pool.beaconShares.contains(NodeID(70)))
    }

    @Test func heights_after_a_prune_get_empty_pools_and_kept_heights_keep_theirs() {
        var table = PoolTable()
        for height in Height(1)...5 { table.modify(height) { $0 = Self.filledPool(height: height) } }
        table.prune(below: 4)
        #expect(table.base == 4)
        #expect(table.read(2) { Self.fields($0) } == Self.fields(HeightPool()), "a pruned height reads as empty")
        for height in Height(4)...5 {
            #expect(table.read(height) { Self.fields($0) } == Self.fields(Self.filledPool(height: height)))
        }
        // Heights 6 to 9 take the three spare pools and one new one: all read as new.
        table.modify(9) { _ in }
        for height in Height(6)...9 {
            #expect(table.read(height) { Self.fields($0) } == Self.fields(HeightPool()))
        }
        // A reused pool behaves as a new one when filled again.
        table.modify(6) { $0 = Self.filledPool(height: 6) }
        #expect(table.read(6) { Self.fields($0) } == Self.fields(Self.filledPool(height: 6)))
    }

    @Test func many_heights_pruned_at_once_keep_only_a_few_spare_pools() {
        var table = PoolTable()
        for height in Height(1)...40 { table.modify(height) { $0 = Self.filledPool(height: height) } }
        table.prune(below: 41)
        for height in Height(41)...80 {
            #expect(table.read(height) { Self.fields($0) } == Self.fields(HeightPool()))
            table.modify(height) { $0.proposed = true }
        }
        #expect(table.end == 81)
    }

    /// `PoolTable.inspect` (the rules' in-place reads, which copy no pool) sees what `read`
    /// sees at every height, pruned, held or beyond the last, and gives no height a pool.
    @Test func inspect_reads_as_read_and_makes_no_pool() {
        var table = PoolTable()
        for height in Height(1)...5 { table.modify(height) { $0 = Self.filledPool(height: height) } }
        table.prune(below: 3)
        for height in Height(0)...9 {
            let read = table.read(height) { Self.fields($0) }
            #expect(table.inspect(height) { Self.fields($0) } == read)
            #expect(table.inspect(height) { $0.blocksReadyToFinalize(threshold: 1).map(\.block.digest) }
                        == table.read(height) { $0.blocksReadyToFinalize(threshold: 1).map(\.block.digest) })
        }
        #expect(table.base == 3 && table.end == 6, "inspecting heights without a pool made none")
        #expect(table.read(4) { $0.proposed } && !table.read(7) { $0.proposed })
    }
}

import Testing
import SimCore
@testable import Wasm

/// The undo log of a memory run on in place (``LinearMemory/beginJournal()``): whatever is
/// written, grown or refused, rolling back leaves the memory exactly as a copy taken before
/// would have (contents, size, dirty chunks, storage held, the refusal flag), and keeping the
/// changes leaves it exactly as writing without a log would have.
@Suite("Wasm memory undo log")
struct MemoryJournalTests {
    /// Everything observable of a memory.
    struct Image: Equatable, CustomStringConvertible {
        var pageCount: UInt32
        var bytes: [UInt8]
        var dirty: [Int]
        var allocatedCount: Int
        var allocated: [Bool]
        var refused: Bool
        var limit: Int

        init(_ memory: LinearMemory) throws {
            pageCount = memory.pageCount
            bytes = try memory.bytes(at: 0, count: memory.byteCount)
            dirty = memory.dirtyChunks
            allocatedCount = memory.allocatedChunkCount
            allocated = (0..<memory.chunkCount).map { memory.isChunkAllocated($0) }
            refused = memory.allocationRefused
            limit = memory.chunkAllocationLimit
        }

        var description: String { "\(pageCount) pages, dirty \(dirty), \(allocatedCount) allocated, refused \(refused)" }
    }

    /// One change, applied alike to the logged memory and its plain twin.
    enum Change {
        case store8(UInt64, UInt8), store32(UInt64, UInt32), store64(UInt64, UInt64)
        case direct32(UInt32, UInt32)
        case write(UInt64, [UInt8]), fill(UInt64, UInt8, Int), copy(UInt64, UInt64, Int)
        case grow(UInt32)

        func apply(to memory: inout LinearMemory) {
            switch self {
            case .store8(let address, let value): _ = try? memory.store(value, at: address)
            case .store32(let address, let value): _ = try? memory.store(value, at: address)
            case .store64(let address, let value): _ = try? memory.store(value, at: address)
            case .direct32(let address, let value):
                // As the interpreter stores: a new generation, then direct stores.
                memory.beginDirectStores()
                _ = memory.storeDirect(value, base: address, offset: 0)
                _ = memory.storeDirect(value &+ 1, base: address, offset: 0)
            case .write(let address, let bytes): _ = try? memory.write(bytes, at: address)
            case .fill(let address, let value, let count): _ = try? memory.fill(at: address, with: value, count: count)
            case .copy(let source, let destination, let count): _ = try? memory.copy(from: source, to: destination, count: count)
            case .grow(let pages): _ = memory.grow(by: pages)
            }
        }

        /// A random change to a memory of `size` bytes (some reach past its end).
        static func random(_ random: inout RandomStream, size: Int) -> Change {
            let reach = UInt64(size + 64)
            let address = random.uniform(below: reach)
            switch random.uniform(below: 9) {
            case 0: return .store8(address, UInt8(truncatingIfNeeded: random.next()))
            case 1: return .store32(address, UInt32(truncatingIfNeeded: random.next()))
            // Near a chunk boundary: a store across two chunks.
            case 2: return .store64(address | 0xFFC, random.next())
            case 3: return .direct32(UInt32(truncatingIfNeeded: address), UInt32(truncatingIfNeeded: random.next()))
            case 4: return .write(address, (0..<Int(random.uniform(below: 9_000))).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            case 5: return .fill(address, UInt8(truncatingIfNeeded: random.next()), Int(random.uniform(below: 20_000)))
            case 6: return .copy(address, random.uniform(below: reach), Int(random.uniform(below: 10_000)))
            default: return .grow(UInt32(random.uniform(below: 3)))
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func rollingBackEqualsACopyAndKeepingEqualsNoLog(seed: UInt64) throws {
        var random = RandomStream(generator: Xoshiro256StarStar(seed: seed))
        var memory = LinearMemory(minimumPages: 1, maximumPages: 6)
        var twin = memory
        for round in 0..<60 {
            // Sometimes another value shares the memory (a query's snapshot) when the run starts.
            let snapshot: LinearMemory? = random.uniform(below: 4) == 0 ? memory : nil
            let snapshotImage = try snapshot.map(Image.init)
            if random.uniform(below: 5) == 0 {
                // A tight storage limit, so that some writes are refused.
                let limit = memory.allocatedChunkCount + Int(random.uniform(below: 4))
                memory.chunkAllocationLimit = limit
                twin.chunkAllocationLimit = limit
            }
            let saved = twin
            memory.beginJournal()
            for _ in 0..<Int(random.uniform(below: 12)) {
                let change = Change.random(&random, size: twin.byteCount)
                change.apply(to: &memory)
                change.apply(to: &twin)
            }
            #expect(try Image(memory) == Image(twin), "round \(round): the logged run wrote what the plain one did")
            if twin.allocationRefused || random.uniform(below: 2) == 0 {
                memory.rollBackJournal()
                twin = saved
            } else {
                memory.endJournal()
            }
            #expect(!memory.isJournaling)
            #expect(try Image(memory) == Image(twin), "round \(round)")
            if let snapshot, let snapshotImage { #expect(try Image(snapshot) == snapshotImage, "round \(round): the snapshot is untouched") }
            memory.chunkAllocationLimit = .max
            twin.chunkAllocationLimit = .max
            if random.uniform(below: 6) == 0 {
                memory.clearDirtyChunks()
                twin.clearDirtyChunks()
            }
        }
    }

    @Test(arguments: [10, MemoryJournal.wordsMax, MemoryJournal.wordsMax + 1, 300])
    func storesPastTheWordLimitRollBackAndKeepAlike(stores: Int) throws {
        for keeps in [false, true] {
            // Built twice, so that no chunk is shared (a shared one is never stored into in place).
            func made() throws -> LinearMemory {
                var memory = LinearMemory(minimumPages: 1, maximumPages: 1)
                try memory.fill(at: 0, with: 0x5A, count: 3 * LinearMemory.chunkBytes)
                memory.clearDirtyChunks()
                try memory.store(UInt8(1), at: UInt64(2 * LinearMemory.chunkBytes))  // chunk 2 dirty before the run
                return memory
            }
            var memory = try made()
            var twin = try made()
            let before = try Image(memory)
            memory.beginJournal()
            for store in 0..<stores {
                // Chunks 0, 1 and 2 in turn, some stores through the direct path.
                let address = UInt64((store % 3) * LinearMemory.chunkBytes + (store * 8) % 4_000)
                let change: Change = store % 2 == 0 ? .store64(address, UInt64(store) &* 0x9E37_79B9) : .direct32(UInt32(address), UInt32(store))
                change.apply(to: &memory)
                change.apply(to: &twin)
            }
            #expect(try Image(memory) == Image(twin))
            if keeps { memory.endJournal() } else { memory.rollBackJournal() }
            #expect(try Image(memory) == (keeps ? Image(twin) : before), "\(stores) stores, keeping: \(keeps)")
        }
    }

    @Test func aRunSplitOffKeepsItsStoresWhileTheMemoryRollsBack() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 2)
        try memory.store(UInt64(1), at: 16)
        let before = try Image(memory)
        memory.beginJournal()
        try memory.store(UInt64(2), at: 16)  // recorded word by word, stored in place
        try memory.store(UInt32(3), at: 5_000)
        var working = memory
        working.journal = nil
        memory.rollBackJournal()
        #expect(try Image(memory) == before)
        #expect(try working.load(UInt64.self, at: 16) == 2 && working.load(UInt32.self, at: 5_000) == 3)
        #expect(working.dirtyChunks == [0, 1])
        try working.store(UInt64(4), at: 16)
        #expect(try memory.load(UInt64.self, at: 16) == 1)
    }

    @Test func aRollBackAfterGrowingRestoresTheSizeAndTheChunksWrittenBefore() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 4)
        try memory.store(UInt64(11), at: 8)
        memory.clearDirtyChunks()
        let before = try Image(memory)
        memory.beginJournal()
        try memory.store(UInt64(12), at: 8)          // logged against the original table
        #expect(memory.grow(by: 2) == 1)             // the table is replaced: the original is kept
        try memory.store(UInt64(13), at: 16)
        try memory.store(UInt64(14), at: 65_536 * 2 + 8)
        #expect(memory.dirtyChunks == [0, 32])
        memory.rollBackJournal()
        #expect(try Image(memory) == before)
        #expect(try memory.load(UInt64.self, at: 8) == 11)
        // Direct stores after the roll-back write the restored chunk through the checks again.
        let copy = memory
        memory.beginDirectStores()
        let stored = memory.storeDirect(UInt32(5), base: 8, offset: 0) && memory.storeDirect(UInt32(6), base: 12, offset: 0)
        #expect(stored)
        #expect(try copy.load(UInt64.self, at: 8) == 11)
    }

    @Test func aRefusedRunRollsBackToAMemoryThatTakesWritesAgain() throws {
        var memory = LinearMemory(minimumPages: 2, maximumPages: 2)
        try memory.store(UInt8(1), at: 0)
        memory.chunkAllocationLimit = 2
        let before = try Image(memory)
        memory.beginJournal()
        try memory.fill(at: 0, with: 9, count: 5 * LinearMemory.chunkBytes)
        #expect(memory.allocationRefused)
        memory.rollBackJournal()
        #expect(try Image(memory) == before)
        try memory.store(UInt8(2), at: UInt64(3 * LinearMemory.chunkBytes))
        #expect(!memory.allocationRefused && memory.allocatedChunkCount == 2)
    }

    @Test func aJournalOnAMemoryWithoutPagesRollsBackItsFirstGrow() throws {
        var memory = LinearMemory(minimumPages: 0, maximumPages: 2)
        let before = try Image(memory)
        memory.beginJournal()
        #expect(memory.grow(by: 1) == 0)
        try memory.store(UInt32(7), at: 100)
        memory.rollBackJournal()
        #expect(try Image(memory) == before)
        #expect(memory.byteCount == 0)
    }
}

import Testing
import SimCore
@testable import Wasm

@Suite("Linear memory")
struct LinearMemoryTests {
    @Test func loadsAndStoresAreLittleEndianAndZeroInitialised() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 2)
        #expect(memory.byteCount == 65_536)
        #expect(try memory.load(UInt64.self, at: 100) == 0)
        try memory.store(UInt32(0x1122_3344), at: 8)
        #expect(try memory.bytes(at: 8, count: 4) == [0x44, 0x33, 0x22, 0x11])
        #expect(try memory.load(UInt16.self, at: 9) == 0x2233)
        try memory.store(UInt64(0x0102_0304_0506_0708), at: 4_092)  // crosses a chunk boundary
        #expect(try memory.load(UInt64.self, at: 4_092) == 0x0102_0304_0506_0708)
        #expect(memory.dirtyChunks == [0, 1])
    }

    @Test func accessesPastTheEndThrowWithTheDetails() {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 1)
        #expect(throws: MemoryAccessError(address: 65_533, count: 4, size: 65_536)) {
            try memory.load(UInt32.self, at: 65_533)
        }
        #expect(throws: MemoryAccessError.self) { try memory.store(UInt8(1), at: 65_536) }
        #expect(throws: MemoryAccessError.self) { try memory.store(UInt8(1), at: UInt64.max) }
        #expect(throws: MemoryAccessError.self) { try memory.fill(at: 1, with: 0, count: 65_536) }
        #expect((try? memory.load(UInt8.self, at: 65_535)) == 0)
        #expect(memory.dirtyChunks.isEmpty, "failed stores write nothing")
    }

    @Test func growReturnsTheOldSizeOrMinusOne() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 3)
        #expect(memory.grow(by: 1) == 1)
        #expect(memory.pageCount == 2)
        try memory.store(UInt8(7), at: 65_536 + 5)
        #expect(memory.grow(by: 2) == -1)
        #expect(memory.pageCount == 2)
        #expect(memory.grow(by: 0) == 2)
        #expect(memory.grow(by: UInt32.max) == -1)
    }

    @Test func copiesShareChunksUntilWritten() throws {
        var memory = LinearMemory(minimumPages: 16, maximumPages: 16)
        try memory.fill(at: 0, with: 0xAB, count: 16 * 65_536)
        #expect(memory.allocatedChunkCount == 256)
        let snapshot = memory  // O(chunks) to take, no byte copied
        try memory.store(UInt32(0xDEAD_BEEF), at: 40_000)
        #expect(try snapshot.load(UInt32.self, at: 40_000) == 0xABAB_ABAB)
        #expect(try memory.load(UInt32.self, at: 40_000) == 0xDEAD_BEEF)
        // Rolling back a trapped update is assigning the snapshot back.
        memory = snapshot
        #expect(try memory.load(UInt32.self, at: 40_000) == 0xABAB_ABAB)
    }

    @Test func allocatedChunksAreCountedAsTheyAreWritten() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 4)
        #expect(memory.allocatedChunkCount == 0)
        try memory.store(UInt8(1), at: 5)
        try memory.store(UInt8(1), at: 6)
        try memory.store(UInt32(1), at: 4_094)  // spans chunks 0 and 1
        #expect(memory.allocatedChunkCount == 2)
        let snapshot = memory
        try memory.store(UInt8(2), at: 5)  // copies chunk 0: still two chunks in use
        #expect(memory.allocatedChunkCount == 2 && snapshot.allocatedChunkCount == 2)
        _ = memory.grow(by: 2)
        try memory.store(UInt8(3), at: 3 * 65_536 - 1)
        #expect(memory.allocatedChunkCount == 3 && snapshot.allocatedChunkCount == 2, "growing keeps the count; a copy keeps its own")
    }

    @Test func writesPastTheAllocationLimitAreRefusedAndFlagged() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 1)
        memory.chunkAllocationLimit = 2
        try memory.store(UInt8(1), at: 0)
        try memory.store(UInt8(2), at: 4_096)
        let snapshot = memory
        try memory.store(UInt8(3), at: 1)  // copies shared chunk 0: no new storage
        #expect(!memory.allocationRefused && memory.allocatedChunkCount == 2)
        try memory.store(UInt8(4), at: 8_192)  // a third chunk: refused
        #expect(memory.allocationRefused && memory.allocatedChunkCount == 2)
        #expect(try memory.load(UInt8.self, at: 8_192) == 0, "the refused byte was dropped")
        try memory.fill(at: 0, with: 9, count: 65_536)
        #expect(memory.allocatedChunkCount == 2 && !snapshot.allocationRefused)
        try memory.store(UInt8(5), at: 2)
        #expect(try memory.load(UInt8.self, at: 2) == 5, "allocated chunks stay writable")
    }

    @Test func copyHandlesOverlapAndDirtyBitsClear() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 1)
        try memory.write([1, 2, 3, 4, 5], at: 10)
        try memory.copy(from: 10, to: 12, count: 5)
        #expect(try memory.bytes(at: 10, count: 7) == [1, 2, 1, 2, 3, 4, 5])
        try memory.copy(from: 12, to: 10, count: 5)
        #expect(try memory.bytes(at: 10, count: 7) == [1, 2, 3, 4, 5, 4, 5])
        memory.clearDirtyChunks()
        #expect(memory.dirtyChunks.isEmpty)
        try memory.fill(at: 8_190, with: 1, count: 4)
        #expect(memory.dirtyChunks == [1, 2])
    }

    /// Copies longer than a chunk, overlapping, both ways, go piece by piece and still match
    /// a plain array's copy.
    @Test func longOverlappingCopiesMatchAFlatArray() throws {
        var memory = LinearMemory(minimumPages: 4, maximumPages: 4)
        var reference = (0..<(4 * 65_536)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        try memory.write(reference, at: 0)
        for (source, destination, count) in [(1_000, 6_000, 100_000), (20_000, 13_003, 90_001), (0, 4_096, 8_192), (9, 9, 50_000)] {
            try memory.copy(from: UInt64(source), to: UInt64(destination), count: count)
            reference.replaceSubrange(destination..<destination + count, with: Array(reference[source..<source + count]))
            #expect(try memory.bytes(at: 0, count: reference.count) == reference, "copy \(count) from \(source) to \(destination)")
        }
    }

    /// Random operations against a plain byte array: the chunked memory must agree byte for byte,
    /// and a snapshot taken midway must keep the bytes it had.
    @Test func randomOperationsMatchAFlatArray() throws {
        var stream = RandomSeed(4096).stream("memory")
        var memory = LinearMemory(minimumPages: 1, maximumPages: 1)
        var reference = [UInt8](repeating: 0, count: 65_536)
        var snapshot: (LinearMemory, [UInt8])?
        for step in 0..<5_000 {
            let address = Int(stream.uniform(below: 65_536))
            switch stream.uniform(below: 3) {
            case 0:
                let value = stream.next()
                if address + 8 <= 65_536 {
                    try memory.store(value, at: UInt64(address))
                    for index in 0..<8 { reference[address + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
                }
            case 1:
                let count = Int(stream.uniform(below: 10_000))
                let value = UInt8(truncatingIfNeeded: stream.next())
                if address + count <= 65_536 {
                    try memory.fill(at: UInt64(address), with: value, count: count)
                    for index in address..<(address + count) { reference[index] = value }
                }
            default:
                if address + 8 <= 65_536 {
                    let loaded = try memory.load(UInt64.self, at: UInt64(address))
                    var expected: UInt64 = 0
                    for index in 0..<8 { expected |= UInt64(reference[address + index]) << (8 * UInt64(index)) }
                    #expect(loaded == expected)
                }
            }
            if step == 2_500 { snapshot = (memory, reference) }
        }
        #expect(try memory.bytes(at: 0, count: 65_536) == reference)
        if let (old, oldBytes) = snapshot {
            #expect(try old.bytes(at: 0, count: 65_536) == oldBytes)
        }
    }
}

/// A WebAssembly linear memory: 64 KiB pages up to a configured maximum, stored as 4 KiB chunks
/// that are shared copy-on-write, with a dirty bit per chunk.
///
/// `LinearMemory` is a value. Copying one (`let snapshot = memory`) costs a copy of the chunk
/// table, not of the memory: both copies share every chunk until one of them writes to it, and
/// then only that 4 KiB chunk is copied. That is how the execution layer keeps the state before
/// an update (to roll a trapped update back) or runs a query against a snapshot and drops it.
/// Untouched chunks are not allocated at all and read as zeros.
///
/// Every store marks the 4 KiB chunks it touches dirty (the granularity at which the IC tracks
/// heap changes; Docs/Model.md, "Dirty-page granularity"); ``dirtyChunks`` lists them and
/// ``clearDirtyChunks()`` resets the set.
///
/// Accesses are bounds-checked against the current size: an access that ends past it throws
/// ``MemoryAccessError`` (the interpreter turns it into an out-of-bounds trap).
///
/// The storage it holds can be capped below its size (``chunkAllocationLimit``): the host's
/// memory is finite even where 4 GiB pages are not. A write that would need one chunk more
/// than the cap is not stored and sets ``allocationRefused``, after which the memory's
/// contents are wrong, so whoever runs code with it must discard that run's effects (the
/// interpreter traps at the end of the run).
public struct LinearMemory {
    /// Bytes in a WebAssembly page.
    public static let pageBytes = 65_536
    /// Bytes in a chunk: the unit of sharing and of dirty tracking.
    public static let chunkBytes = 1 << chunkShift
    /// log2 of ``chunkBytes``.
    static let chunkShift = 12
    /// The most pages a 32-bit memory can have (4 GiB).
    public static let pagesMax: UInt32 = 65_536

    private static let chunksPerPage = pageBytes / chunkBytes

    /// Storage for one chunk; shared between copies of the memory until written.
    final class Chunk {
        let bytes: UnsafeMutablePointer<UInt8>

        /// A chunk holding a copy of the 4 KiB at `source`.
        init(copying source: UnsafePointer<UInt8>) {
            bytes = .allocate(capacity: LinearMemory.chunkBytes)
            bytes.initialize(from: source, count: LinearMemory.chunkBytes)
        }

        deinit { bytes.deallocate() }
    }

    /// 4 KiB of zeros that every never-written chunk reads from (never written itself).
    private final class ZeroChunk: @unchecked Sendable {
        let bytes: UnsafeMutablePointer<UInt8>

        init() {
            bytes = .allocate(capacity: LinearMemory.chunkBytes)
            bytes.initialize(repeating: 0, count: LinearMemory.chunkBytes)
        }
    }

    private static let zeros = ZeroChunk()

    /// The chunk table: which chunk holds each 4 KiB, where its bytes are, which are dirty.
    /// Shared copy-on-write between copies of the memory (``makeTableUnique()``); every field
    /// is fixed-size raw storage, so reads and writes need no reference counting or checks
    /// beyond the chunk's own uniqueness.
    final class ChunkTable {
        let count: Int
        /// Each chunk's owner object; `nil` is a chunk of zeros that was never written.
        let chunks: UnsafeMutablePointer<Chunk?>
        /// Where each chunk's bytes are (the shared zero chunk's for `nil` chunks).
        let pointers: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>
        /// Bit `i % 64` of word `i / 64` is set when chunk `i` was written since the last clear.
        let dirty: UnsafeMutablePointer<UInt64>
        let dirtyWords: Int
        /// How many chunks are not `nil` (written at least once).
        var allocated = 0
        /// Where writes go that ``LinearMemory/chunkAllocationLimit`` refused storage for
        /// (allocated at the first refusal).
        var scratch: UnsafeMutablePointer<UInt8>?
        /// Per chunk: the ``generation`` in which a write last made it this table's own and
        /// marked it dirty. A chunk stamped with the current generation may be written
        /// directly (``LinearMemory/storeDirect(_:base:offset:)``); a new table's stamps are 0.
        let stamps: UnsafeMutablePointer<UInt32>
        /// Raised by ``LinearMemory/beginDirectStores()`` and when the dirty bits are cleared,
        /// which makes every stamp stale; never 0.
        var generation: UInt32 = 1

        /// A table of `count` chunks: the first ones (and their dirty bits) from `source`, the
        /// rest zero.
        init(count: Int, copying source: ChunkTable?) {
            self.count = count
            dirtyWords = (count + 63) / 64
            chunks = .allocate(capacity: max(count, 1))
            pointers = .allocate(capacity: max(count, 1))
            dirty = .allocate(capacity: max(dirtyWords, 1))
            stamps = .allocate(capacity: max(count, 1))
            stamps.initialize(repeating: 0, count: max(count, 1))
            let kept = min(source?.count ?? 0, count)
            let keptWords = min(source?.dirtyWords ?? 0, dirtyWords)
            if let source {
                // One element at a time: `initialize(from:count:)` on `Chunk?` goes through the
                // runtime's generic array copy (a value-witness call per chunk), about five
                // times the cost of this loop's retains; a message copies the table once.
                for index in 0..<kept { (chunks + index).initialize(to: source.chunks[index]) }
                pointers.initialize(from: source.pointers, count: kept)
                dirty.initialize(from: source.dirty, count: keptWords)
                allocated = kept == source.count ? source.allocated : (0..<kept).reduce(0) { $0 + (chunks[$1] == nil ? 0 : 1) }
            }
            (chunks + kept).initialize(repeating: nil, count: count - kept)
            (pointers + kept).initialize(repeating: LinearMemory.zeros.bytes, count: count - kept)
            (dirty + keptWords).initialize(repeating: 0, count: dirtyWords - keptWords)
        }

        deinit {
            // One element at a time, for the reason the copy above gives.
            for index in 0..<count { _ = (chunks + index).move() }
            chunks.deallocate()
            pointers.deallocate()
            dirty.deallocate()
            stamps.deallocate()
            scratch?.deallocate()
        }
    }

    /// The chunk table; every assignment goes through ``replaceTable(_:)``, which keeps
    /// ``pointers`` in step with it.
    var table: ChunkTable
    /// `table.pointers`, held in the value itself so that a load reaches a chunk's bytes with
    /// one dependent load fewer (the interpreter's loads are its most frequent memory work).
    private var pointers: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>
    /// The current size in pages.
    public internal(set) var pageCount: UInt32
    /// The current size in bytes.
    var size: UInt64
    /// The size ``grow(by:)`` may not exceed, in pages.
    public let maximumPages: UInt32
    /// The most chunks this memory may hold storage for (``allocatedChunkCount``); a write
    /// needing one more is refused (``allocationRefused``). Unlimited by default.
    public var chunkAllocationLimit = Int.max
    /// Whether a write was refused storage (``chunkAllocationLimit``): its bytes were dropped,
    /// so the memory no longer holds what the code wrote. Stays set in this copy.
    public internal(set) var allocationRefused = false

    /// The undo log of the run in place this memory is in (``beginJournal()``), if any.
    var journal: MemoryJournal?

    /// Whether this is a 64-bit memory (memory64): only import matching needs to know, the
    /// compiled code carries the address width itself. Its size is bounded by ``pagesMax``
    /// like a 32-bit memory's (the host's limit, not WebAssembly's).
    public let isMemory64: Bool

    /// A memory of `minimumPages` zeroed pages that may grow to `maximumPages` (a 64-bit one
    /// if `isMemory64`).
    /// - Precondition: `minimumPages <= maximumPages <= 65536` (validation guarantees it for
    ///   32-bit memories; instantiation refuses larger 64-bit ones).
    public init(minimumPages: UInt32, maximumPages: UInt32, isMemory64: Bool = false) {
        precondition(minimumPages <= maximumPages && maximumPages <= Self.pagesMax, "memory limits out of range")
        self.isMemory64 = isMemory64
        pageCount = minimumPages
        size = UInt64(minimumPages) * UInt64(Self.pageBytes)
        self.maximumPages = maximumPages
        table = ChunkTable(count: Int(minimumPages) * Self.chunksPerPage, copying: nil)
        pointers = table.pointers
    }

    /// Makes `newTable` this memory's chunk table.
    @inline(__always)
    mutating func replaceTable(_ newTable: ChunkTable) {
        table = newTable
        pointers = newTable.pointers
    }

    /// A memory of no pages that cannot grow: what a shared memory's cell holds while an
    /// instance runs with the memory, and what a module without memory has.
    static let empty = LinearMemory(minimumPages: 0, maximumPages: 0)

    /// The current size in bytes.
    public var byteCount: Int { Int(size) }

    /// Grows the memory by `pages` zeroed pages; returns the old size in pages, or -1 (and
    /// leaves the memory unchanged) if the new size would exceed ``maximumPages``.
    public mutating func grow(by pages: UInt32) -> Int32 {
        let old = pageCount
        guard UInt64(old) + UInt64(pages) <= UInt64(maximumPages) else { return -1 }
        guard pages > 0 else { return Int32(bitPattern: old) }
        pageCount = old + pages
        size = UInt64(pageCount) * UInt64(Self.pageBytes)
        journal?.keepOriginal(table)
        replaceTable(ChunkTable(count: Int(pageCount) * Self.chunksPerPage, copying: table))
        return Int32(bitPattern: old)
    }

    // MARK: - Access

    /// Whether `count` bytes from `address` lie inside the memory.
    @inline(__always)
    private func contains(_ address: UInt64, _ count: Int) -> Bool {
        address <= size && UInt64(count) <= size - address
    }

    private func outOfBounds(_ address: UInt64, _ count: Int) -> MemoryAccessError {
        MemoryAccessError(address: address, count: count, size: byteCount)
    }

    /// The little-endian integer of `T`'s width at `address`, or `nil` if the access does not
    /// lie inside the memory (the interpreter's fast path).
    @inline(__always)
    func loadIfInBounds<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, at address: UInt64) -> T? {
        let width = MemoryLayout<T>.size
        guard contains(address, width) else { return nil }
        let offset = Int(address) & (Self.chunkBytes - 1)
        if offset + width <= Self.chunkBytes {
            return T(littleEndian: UnsafeRawPointer(table.pointers[Int(address) >> Self.chunkShift] + offset).loadUnaligned(as: T.self))
        }
        var value: T = 0
        for index in 0..<width { value |= T(byte(at: Int(address) + index)) << (8 * index) }
        return value
    }

    /// Stores `value` little-endian at `address`, marking the chunks it touches dirty; `false`
    /// (and nothing written) if the access does not lie inside the memory.
    @inline(__always)
    mutating func storeIfInBounds<T: FixedWidthInteger & UnsignedInteger>(_ value: T, at address: UInt64) -> Bool {
        let width = MemoryLayout<T>.size
        guard contains(address, width) else { return false }
        let offset = Int(address) & (Self.chunkBytes - 1)
        if offset + width <= Self.chunkBytes {
            let index = Int(address) >> Self.chunkShift
            if _slowPath(journal != nil), let bytes = journalWordWrite(index, offset: offset, width: width) {
                UnsafeMutableRawPointer(bytes + offset).storeBytes(of: value.littleEndian, as: T.self)
                return true
            }
            UnsafeMutableRawPointer(writableChunk(index) + offset).storeBytes(of: value.littleEndian, as: T.self)
            return true
        }
        var shifted = value
        for index in 0..<width {
            writableChunk((Int(address) + index) >> Self.chunkShift)[(Int(address) + index) & (Self.chunkBytes - 1)] = UInt8(truncatingIfNeeded: shifted)
            shifted >>= 8
        }
        return true
    }

    /// The little-endian integer of `T`'s width at `address`.
    public func load<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type = T.self, at address: UInt64) throws(MemoryAccessError) -> T {
        guard let value = loadIfInBounds(T.self, at: address) else { throw outOfBounds(address, MemoryLayout<T>.size) }
        return value
    }

    /// Stores `value` little-endian at `address`, marking the chunks it touches dirty.
    public mutating func store<T: FixedWidthInteger & UnsignedInteger>(_ value: T, at address: UInt64) throws(MemoryAccessError) {
        guard storeIfInBounds(value, at: address) else { throw outOfBounds(address, MemoryLayout<T>.size) }
    }

    /// `count` bytes from `address`.
    public func bytes(at address: UInt64, count: Int) throws(MemoryAccessError) -> [UInt8] {
        guard contains(address, count) else { throw outOfBounds(address, count) }
        var result: [UInt8] = []
        result.reserveCapacity(count)
        forEachSpan(from: Int(address), count: count) { chunk, offset, length in
            result.append(contentsOf: UnsafeBufferPointer(start: table.pointers[chunk] + offset, count: length))
        }
        return result
    }

    /// Writes `bytes` at `address`; `false` (and nothing written) if they do not fit.
    mutating func storeBytesIfInBounds(_ bytes: ArraySlice<UInt8>, at address: UInt64) -> Bool {
        guard contains(address, bytes.count) else { return false }
        var source = bytes.startIndex
        forEachSpan(from: Int(address), count: bytes.count) { chunk, offset, length in
            guard !allocationRefused else { return }  // the rest would be dropped anyway
            let destination = writableChunk(chunk) + offset
            bytes.withUnsafeBufferPointer { destination.update(from: $0.baseAddress.unsafelyUnwrapped + (source - bytes.startIndex), count: length) }
            source += length
        }
        return true
    }

    /// Writes `bytes` at `address`.
    public mutating func write(_ bytes: [UInt8], at address: UInt64) throws(MemoryAccessError) {
        guard storeBytesIfInBounds(bytes[...], at: address) else { throw outOfBounds(address, bytes.count) }
    }

    /// Sets `count` bytes from `address` to `value` (`memory.fill`).
    public mutating func fill(at address: UInt64, with value: UInt8, count: Int) throws(MemoryAccessError) {
        guard contains(address, count) else { throw outOfBounds(address, count) }
        forEachSpan(from: Int(address), count: count) { chunk, offset, length in
            guard !allocationRefused else { return }  // the rest would be dropped anyway
            (writableChunk(chunk) + offset).update(repeating: value, count: length)
        }
    }

    /// Copies `count` bytes from `source` to `destination`, correctly when they overlap
    /// (`memory.copy`).
    public mutating func copy(from source: UInt64, to destination: UInt64, count: Int) throws(MemoryAccessError) {
        guard contains(source, count) else { throw outOfBounds(source, count) }
        guard contains(destination, count) else { throw outOfBounds(destination, count) }
        // In pieces of a chunk (the host holds no more than that besides the memory): front
        // to back when moving down, back to front when moving up, so overlap is safe.
        var done = 0
        while done < count, !allocationRefused {
            let piece = min(count - done, Self.chunkBytes)
            let offset = destination <= source ? done : count - done - piece
            let copied = try bytes(at: source + UInt64(offset), count: piece)
            try write(copied, at: destination + UInt64(offset))
            done += piece
        }
    }

    // MARK: - Dirty chunks

    /// Indices of the chunks written since the last ``clearDirtyChunks()``, ascending.
    public var dirtyChunks: [Int] {
        var result: [Int] = []
        for word in 0..<table.dirtyWords where table.dirty[word] != 0 {
            var rest = table.dirty[word]
            while rest != 0 {
                result.append(word * 64 + rest.trailingZeroBitCount)
                rest &= rest - 1
            }
        }
        return result
    }

    /// The number of 4 KiB chunks (the memory's size / 4 KiB).
    public var chunkCount: Int { table.count }

    /// Whether chunk `index` holds storage of its own (was ever written, here or in a copy it
    /// shares with); one that does not reads as zeros.
    public func isChunkAllocated(_ index: Int) -> Bool {
        index >= 0 && index < table.count && table.chunks[index] != nil
    }

    /// Calls `body` with the 4 KiB of chunk `index` (zeros for one never written), without
    /// copying them.
    /// - Precondition: `0 <= index < chunkCount`.
    public func withChunkBytes<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        precondition(index >= 0 && index < table.count, "chunk \(index) is outside the memory")
        return body(UnsafeRawBufferPointer(start: table.pointers[index], count: Self.chunkBytes))
    }

    /// Whether chunk `index` was written since the last ``clearDirtyChunks()`` (`false` for a
    /// chunk beyond the memory).
    public func isChunkDirty(_ index: Int) -> Bool {
        guard index >= 0, index < table.count else { return false }
        return table.dirty[index / 64] & (1 << UInt64(index % 64)) != 0
    }

    /// Forgets which chunks were written.
    public mutating func clearDirtyChunks() {
        makeTableUnique()
        table.dirty.update(repeating: 0, count: table.dirtyWords)
        advanceGeneration()
    }

    /// The number of chunks holding storage (written at least once, in this copy or one it
    /// shares with): the memory's real footprint is this times 4 KiB.
    public var allocatedChunkCount: Int { table.allocated }

    // MARK: - Internals

    private func byte(at index: Int) -> UInt8 {
        table.pointers[index >> Self.chunkShift][index & (Self.chunkBytes - 1)]
    }

    /// Calls `body` with each chunk the byte range `start ..< start + count` covers, the
    /// offset in it and the length there, in address order.
    private func forEachSpan(from start: Int, count: Int, _ body: (Int, Int, Int) -> Void) {
        var index = start
        let end = start + count
        while index < end {
            let offset = index & (Self.chunkBytes - 1)
            let length = min(Self.chunkBytes - offset, end - index)
            body(index >> Self.chunkShift, offset, length)
            index += length
        }
    }

    /// Gives this copy of the memory a chunk table of its own (sharing the chunks).
    @inline(__always)
    mutating func makeTableUnique() {
        if _slowPath(!isKnownUniquelyReferenced(&table)) {
            journal?.keepOriginal(table)
            replaceTable(ChunkTable(count: table.count, copying: table))
        }
    }

    /// The bytes of chunk `index`, with storage of its own (a copy of a shared or zero chunk
    /// is made first), marked dirty.
    @inline(__always)
    private mutating func writableChunk(_ index: Int) -> UnsafeMutablePointer<UInt8> {
        makeTableUnique()
        if _slowPath(journal != nil) { journalFirstWrite(index) }
        table.dirty[index >> 6] |= 1 << UInt64(index & 63)
        if _fastPath(isKnownUniquelyReferenced(&table.chunks[index])) {
            table.stamps[index] = table.generation
            return table.pointers[index]
        }
        if table.chunks[index] == nil {
            guard table.allocated < chunkAllocationLimit else { return refusedChunk() }
            table.allocated += 1
        }
        let chunk = Chunk(copying: table.pointers[index])
        table.chunks[index] = chunk
        table.pointers[index] = chunk.bytes
        table.stamps[index] = table.generation
        return chunk.bytes
    }
}

extension LinearMemory {
    /// Where a write refused storage goes: 4 KiB of this table's own, never read.
    private mutating func refusedChunk() -> UnsafeMutablePointer<UInt8> {
        allocationRefused = true
        if let scratch = table.scratch { return scratch }
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.chunkBytes)
        scratch.initialize(repeating: 0, count: Self.chunkBytes)
        table.scratch = scratch
        return scratch
    }
}

// The interpreter's accesses to a 32-bit memory. The effective address is a 32-bit operand
// plus a 32-bit offset, so it is below 2^33 and one comparison bounds the access. Stores skip
// the two uniqueness checks and the dirty-bit update of ``storeIfInBounds(_:at:)`` for a chunk
// already written in this generation (its stamp): no other table can share it, because a table
// that was copied (and so shares its chunks) is stamped in an older generation, and whoever
// could have copied the memory since the last ``beginDirectStores()`` (the interpreter's
// caller, a host function, another instance) runs before the next one.
extension LinearMemory {
    /// Makes the chunk table this copy's own and starts a new generation, so that every chunk
    /// is written through the checked path once before ``storeDirect(_:base:offset:)`` writes
    /// it directly. The interpreter calls this on entry and after every call out of it.
    mutating func beginDirectStores() {
        guard table.count > 0 else { return }  // nothing can be stored (and `empty` stays shared)
        makeTableUnique()
        advanceGeneration()
    }

    /// The hot loop's view of this memory's chunk table (valid until the table is replaced or
    /// a new generation starts).
    var hotView: HotMemoryView {
        HotMemoryView(pointers: pointers, chunkCount: size &>> UInt64(Self.chunkShift), stamps: table.stamps, generation: table.generation)
    }

    /// Makes every chunk's stamp stale (on a table this copy owns).
    mutating func advanceGeneration() {
        if table.generation == .max {
            table.stamps.update(repeating: 0, count: table.count)
            table.generation = 0
        }
        table.generation += 1
    }

    /// The little-endian integer of `T`'s width at `base + offset`, or `nil` if the access
    /// does not lie inside the memory.
    @inline(__always)
    func load<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, base: UInt32, offset: UInt32) -> T? {
        let address = UInt64(base) &+ UInt64(offset)
        guard address &+ UInt64(MemoryLayout<T>.size) <= size else { return nil }
        let within = Int(address) & (Self.chunkBytes - 1)
        guard _fastPath(within &+ MemoryLayout<T>.size <= Self.chunkBytes) else { return loadIfInBounds(T.self, at: address) }
        return T(littleEndian: UnsafeRawPointer(pointers[Int(address) >> Self.chunkShift] + within).loadUnaligned(as: T.self))
    }

    /// Stores `value` little-endian at `base + offset` as ``storeIfInBounds(_:at:)`` does,
    /// directly when the chunk is stamped with the current generation.
    /// - Precondition: no copy of this memory was made since the last ``beginDirectStores()``
    ///   that is still alive (it would see the store).
    @inline(__always)
    mutating func storeDirect<T: FixedWidthInteger & UnsignedInteger>(_ value: T, base: UInt32, offset: UInt32) -> Bool {
        let address = UInt64(base) &+ UInt64(offset)
        guard address &+ UInt64(MemoryLayout<T>.size) <= size else { return false }
        let within = Int(address) & (Self.chunkBytes - 1)
        let index = Int(address) >> Self.chunkShift
        guard _fastPath(within &+ MemoryLayout<T>.size <= Self.chunkBytes && table.stamps[index] == table.generation) else {
            return storeChecked(value, at: address)
        }
        UnsafeMutableRawPointer(pointers[index] + within).storeBytes(of: value.littleEndian, as: T.self)
        return true
    }

    /// ``storeIfInBounds(_:at:)`` out of line, so that the interpreter's store stays short.
    @inline(never)
    private mutating func storeChecked<T: FixedWidthInteger & UnsignedInteger>(_ value: T, at address: UInt64) -> Bool {
        storeIfInBounds(value, at: address)
    }
}

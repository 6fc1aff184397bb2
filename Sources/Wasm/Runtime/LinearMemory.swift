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
/// heap changes; ../shared/MODEL.md section 3); ``dirtyChunks`` lists them and
/// ``clearDirtyChunks()`` resets the set.
///
/// Accesses are bounds-checked against the current size: an access that ends past it throws
/// ``MemoryAccessError`` (the interpreter turns it into an out-of-bounds trap).
public struct LinearMemory {
    /// Bytes in a WebAssembly page.
    public static let pageBytes = 65_536
    /// Bytes in a chunk: the unit of sharing and of dirty tracking.
    public static let chunkBytes = 4_096
    /// The most pages a 32-bit memory can have (4 GiB).
    public static let pagesMax: UInt32 = 65_536

    private static let chunksPerPage = pageBytes / chunkBytes

    /// Storage for one chunk; shared between copies of the memory until written.
    private final class Chunk {
        var bytes: [UInt8]

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }
    }

    /// The chunks; `nil` is a chunk of zeros that was never written.
    private var chunks: [Chunk?]
    /// Bit `i % 64` of word `i / 64` is set when chunk `i` was written since the last clear.
    private var dirtyBits: [UInt64]
    /// The current size in pages.
    public private(set) var pageCount: UInt32
    /// The size ``grow(by:)`` may not exceed, in pages.
    public let maximumPages: UInt32

    /// A memory of `minimumPages` zeroed pages that may grow to `maximumPages`.
    /// - Precondition: `minimumPages <= maximumPages <= 65536` (validation guarantees it).
    public init(minimumPages: UInt32, maximumPages: UInt32) {
        precondition(minimumPages <= maximumPages && maximumPages <= Self.pagesMax, "memory limits out of range")
        pageCount = minimumPages
        self.maximumPages = maximumPages
        let chunkCount = Int(minimumPages) * Self.chunksPerPage
        chunks = Array(repeating: nil, count: chunkCount)
        dirtyBits = Array(repeating: 0, count: (chunkCount + 63) / 64)
    }

    /// The current size in bytes.
    public var byteCount: Int { Int(pageCount) * Self.pageBytes }

    /// Grows the memory by `pages` zeroed pages; returns the old size in pages, or -1 (and
    /// leaves the memory unchanged) if the new size would exceed ``maximumPages``.
    public mutating func grow(by pages: UInt32) -> Int32 {
        let old = pageCount
        guard UInt64(old) + UInt64(pages) <= UInt64(maximumPages) else { return -1 }
        pageCount = old + pages
        let chunkCount = Int(pageCount) * Self.chunksPerPage
        chunks += Array(repeating: nil, count: chunkCount - chunks.count)
        dirtyBits += Array(repeating: 0, count: (chunkCount + 63) / 64 - dirtyBits.count)
        return Int32(bitPattern: old)
    }

    // MARK: - Access

    /// Checks that `count` bytes from `address` lie inside the memory.
    @inline(__always)
    private func check(_ address: UInt64, _ count: Int) throws(MemoryAccessError) {
        guard address <= UInt64(byteCount), UInt64(count) <= UInt64(byteCount) - address else {
            throw MemoryAccessError(address: address, count: count, size: byteCount)
        }
    }

    /// The little-endian integer of `T`'s width at `address`.
    public func load<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type = T.self, at address: UInt64) throws(MemoryAccessError) -> T {
        let width = MemoryLayout<T>.size
        try check(address, width)
        var value: T = 0
        let start = Int(address)
        if start % Self.chunkBytes + width <= Self.chunkBytes {
            guard let chunk = chunks[start / Self.chunkBytes] else { return 0 }
            let offset = start % Self.chunkBytes
            for index in 0..<width { value |= T(chunk.bytes[offset + index]) << (8 * index) }
            return value
        }
        for index in 0..<width { value |= T(byte(at: start + index)) << (8 * index) }
        return value
    }

    /// Stores `value` little-endian at `address`, marking the chunks it touches dirty.
    public mutating func store<T: FixedWidthInteger & UnsignedInteger>(_ value: T, at address: UInt64) throws(MemoryAccessError) {
        let width = MemoryLayout<T>.size
        try check(address, width)
        var shifted = value
        forEachSpan(from: Int(address), count: width) { chunk, offset, length in
            for index in offset..<(offset + length) {
                chunk.bytes[index] = UInt8(truncatingIfNeeded: shifted)
                shifted >>= 8
            }
        }
    }

    /// `count` bytes from `address`.
    public func bytes(at address: UInt64, count: Int) throws(MemoryAccessError) -> [UInt8] {
        try check(address, count)
        var result: [UInt8] = []
        result.reserveCapacity(count)
        var index = Int(address)
        let end = index + count
        while index < end {
            let offset = index % Self.chunkBytes
            let length = min(Self.chunkBytes - offset, end - index)
            if let chunk = chunks[index / Self.chunkBytes] {
                result += chunk.bytes[offset..<(offset + length)]
            } else {
                result += repeatElement(0, count: length)
            }
            index += length
        }
        return result
    }

    /// Writes `bytes` at `address`.
    public mutating func write(_ bytes: [UInt8], at address: UInt64) throws(MemoryAccessError) {
        try check(address, bytes.count)
        var source = 0
        forEachSpan(from: Int(address), count: bytes.count) { chunk, offset, length in
            chunk.bytes.replaceSubrange(offset..<(offset + length), with: bytes[source..<(source + length)])
            source += length
        }
    }

    /// Sets `count` bytes from `address` to `value` (`memory.fill`).
    public mutating func fill(at address: UInt64, with value: UInt8, count: Int) throws(MemoryAccessError) {
        try check(address, count)
        forEachSpan(from: Int(address), count: count) { chunk, offset, length in
            for index in offset..<(offset + length) { chunk.bytes[index] = value }
        }
    }

    /// Copies `count` bytes from `source` to `destination`, correctly when they overlap
    /// (`memory.copy`).
    public mutating func copy(from source: UInt64, to destination: UInt64, count: Int) throws(MemoryAccessError) {
        try check(source, count)
        try check(destination, count)
        let copied = try bytes(at: source, count: count)
        try write(copied, at: destination)
    }

    // MARK: - Dirty chunks

    /// Indices of the chunks written since the last ``clearDirtyChunks()``, ascending.
    public var dirtyChunks: [Int] {
        var result: [Int] = []
        for (word, bits) in dirtyBits.enumerated() where bits != 0 {
            var rest = bits
            while rest != 0 {
                result.append(word * 64 + rest.trailingZeroBitCount)
                rest &= rest - 1
            }
        }
        return result
    }

    /// Forgets which chunks were written.
    public mutating func clearDirtyChunks() {
        for index in dirtyBits.indices { dirtyBits[index] = 0 }
    }

    /// The number of chunks holding storage (written at least once, in this copy or one it
    /// shares with): the memory's real footprint is this times 4 KiB.
    public var allocatedChunkCount: Int { chunks.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    // MARK: - Internals

    private func byte(at index: Int) -> UInt8 {
        chunks[index / Self.chunkBytes]?.bytes[index % Self.chunkBytes] ?? 0
    }

    /// Calls `body` with each writable chunk the byte range `start ..< start + count` covers,
    /// the offset in it and the length there, in address order; marks those chunks dirty.
    private mutating func forEachSpan(from start: Int, count: Int, _ body: (Chunk, Int, Int) -> Void) {
        var index = start
        let end = start + count
        while index < end {
            let chunkIndex = index / Self.chunkBytes
            let offset = index % Self.chunkBytes
            let length = min(Self.chunkBytes - offset, end - index)
            let chunk = writableChunk(chunkIndex)
            body(chunk, offset, length)
            dirtyBits[chunkIndex >> 6] |= 1 << UInt64(chunkIndex & 63)
            index += length
        }
    }

    /// Chunk `index`, with storage of its own: a new zero chunk, or a copy of a shared one.
    private mutating func writableChunk(_ index: Int) -> Chunk {
        // Check uniqueness before binding: a bound reference would itself be a second owner.
        if isKnownUniquelyReferenced(&chunks[index]), let chunk = chunks[index] {
            return chunk
        }
        let chunk = Chunk(bytes: chunks[index]?.bytes ?? Array(repeating: 0, count: Self.chunkBytes))
        chunks[index] = chunk
        return chunk
    }
}

/// An access past the end of a linear memory.
public struct MemoryAccessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The first byte accessed.
    public var address: UInt64
    /// The bytes accessed.
    public var count: Int
    /// The memory's size in bytes at the time.
    public var size: Int

    /// `"out of bounds memory access: 4 bytes at 65534 in a memory of 65536 bytes"`.
    public var description: String {
        "out of bounds memory access: \(count) bytes at \(address) in a memory of \(size) bytes"
    }
}

// The interpreter hot loop's view of a 32-bit memory: what its loads and stores read of the
// memory, taken once when the loop starts and held in its registers, instead of read through
// the memory (and its chunk table) at every access.

/// The chunk table of a ``LinearMemory`` as the interpreter's hot loop uses it: where each
/// chunk's bytes are, how many chunks there are, and the stamps that say which chunks may be
/// written directly. Taken by ``LinearMemory/hotView`` when the loop starts; valid while
/// nothing replaces the memory's chunk table, grows it, or starts a new generation (the hot
/// loop does none of these: the checked stores that may, and `memory.grow`, run in the outer
/// loop, which takes a new view each time it re-enters the hot loop).
///
/// An access that does not cross a chunk boundary lies inside the memory exactly when its
/// chunk does, because the size is a whole number of pages and so of chunks: one comparison of
/// the chunk's index bounds it, with no addition of the width.
struct HotMemoryView {
    /// Where each chunk's bytes are (the memory's chunk table).
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>
    /// How many chunks the memory has (its size in bytes over ``LinearMemory/chunkBytes``).
    let chunkCount: UInt64
    /// Per chunk: the generation in which it was last made the table's own and marked dirty.
    let stamps: UnsafeMutablePointer<UInt32>
    /// The current generation: a chunk stamped with it may be written directly.
    let generation: UInt32

    /// The chunk of `address`, and the offset within it, when `width` bytes from `address`
    /// lie in one chunk; `nil` when they cross a chunk boundary.
    @inline(__always)
    private static func place(_ address: UInt64, width: Int) -> (index: UInt64, within: Int)? {
        let within = Int(truncatingIfNeeded: address) & (LinearMemory.chunkBytes - 1)
        guard _fastPath(within &+ width <= LinearMemory.chunkBytes) else { return nil }
        return (address &>> UInt64(LinearMemory.chunkShift), within)
    }

    /// The little-endian integer of `T`'s width at `address` (below 2^33), or `nil` if the
    /// access does not lie inside the memory. An access that crosses a chunk boundary is
    /// read by `memory` (the memory this view was taken of).
    @inline(__always)
    func load<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, at address: UInt64, _ memory: inout LinearMemory) -> T? {
        guard let (index, within) = Self.place(address, width: MemoryLayout<T>.size) else {
            return memory.loadIfInBounds(T.self, at: address)
        }
        guard index < chunkCount else { return nil }
        return T(littleEndian: UnsafeRawPointer(pointers[Int(index)] + within).loadUnaligned(as: T.self))
    }

    /// Stores `value` little-endian at `address` (below 2^33) if its chunk is stamped with the
    /// current generation: `true` if stored, `false` if out of bounds, `nil` (nothing written)
    /// if the store must take ``LinearMemory/storeDirect(_:base:offset:)``'s checked path (a
    /// chunk not yet written in this generation, or an access that crosses a chunk boundary,
    /// which that path also bounds).
    @inline(__always)
    func storeIfStamped<T: FixedWidthInteger & UnsignedInteger>(_ value: T, at address: UInt64) -> Bool? {
        guard let (index, within) = Self.place(address, width: MemoryLayout<T>.size) else { return nil }
        guard index < chunkCount else { return false }
        guard _fastPath(stamps[Int(index)] == generation) else { return nil }
        UnsafeMutableRawPointer(pointers[Int(index)] + within).storeBytes(of: value.littleEndian, as: T.self)
        return true
    }
}

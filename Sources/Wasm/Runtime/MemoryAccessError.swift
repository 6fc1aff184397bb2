/// An access past the end of a linear memory.
public struct MemoryAccessError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The first byte accessed.
    public var address: UInt64
    /// The bytes accessed.
    public var count: Int
    /// The memory's size in bytes at the time.
    public var size: Int

    /// An access of `count` bytes at `address` to a memory of `size` bytes.
    public init(address: UInt64, count: Int, size: Int) {
        self.address = address
        self.count = count
        self.size = size
    }

    /// `"out of bounds memory access: 4 bytes at 65534 in a memory of 65536 bytes"`.
    public var description: String {
        "out of bounds memory access: \(count) bytes at \(address) in a memory of \(size) bytes"
    }
}

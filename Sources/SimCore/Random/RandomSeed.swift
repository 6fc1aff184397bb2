/// A 256-bit seed from which independent, named random streams are derived.
///
/// One root seed drives a whole simulation; each component derives its own seed by name
/// (and optionally an index), so adding a component, or drawing more numbers in one,
/// never shifts the numbers another component sees.
///
/// ```swift
/// let root = RandomSeed(42)
/// var network = root.stream("network")
/// var beacon7 = root.stream("beacon", index: 7)
/// let workload = root.derive("workload")       // a sub-tree of seeds
/// var client3 = workload.stream("client", index: 3)
/// ```
///
/// Specified (Docs/Determinism.md): the root is `SHA-256("ICSim.seed.root.v1" ‖ u64le(seed))`;
/// a child is `SHA-256("ICSim.seed.derive.v1" ‖ parent ‖ u64le(byte count of label) ‖ label
/// (UTF-8) ‖ u8(0))` without an index, or `… ‖ u8(1) ‖ u64le(index)` with one. A stream's
/// xoshiro256** state is the seed's 32 bytes read as four little-endian 64-bit words.
public struct RandomSeed: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes of this seed.
    public let digest: SHA256Digest

    /// The root seed for a simulation run with the user-facing seed `seed`.
    public init(_ seed: UInt64) {
        var hasher = SHA256()
        hasher.update(string: "ICSim.seed.root.v1")
        hasher.update(uint64LittleEndian: seed)
        digest = hasher.finalize()
    }

    /// The seed made of `digest`'s 32 bytes: for randomness that comes from the model itself,
    /// such as consensus's random beacon.
    public init(digest: SHA256Digest) {
        self.digest = digest
    }

    /// The child seed named `label`.
    public func derive(_ label: String) -> RandomSeed {
        derive(label, index: nil)
    }

    /// The child seed named `label` with `index` (for example one per node).
    public func derive(_ label: String, index: UInt64) -> RandomSeed {
        derive(label, index: Optional(index))
    }

    private func derive(_ label: String, index: UInt64?) -> RandomSeed {
        var hasher = SHA256()
        hasher.update(string: "ICSim.seed.derive.v1")
        // The digest's 32 bytes and the one-byte index marker, without building arrays
        // (the same bytes: a subnet's replicas derive a seed per height each).
        hasher.update(digest: digest)
        hasher.update(uint64LittleEndian: UInt64(label.utf8.count))
        hasher.update(string: label)
        if let index {
            withUnsafeBytes(of: UInt8(1)) { hasher.update(bytes: $0) }
            hasher.update(uint64LittleEndian: index)
        } else {
            withUnsafeBytes(of: UInt8(0)) { hasher.update(bytes: $0) }
        }
        return RandomSeed(digest: hasher.finalize())
    }

    /// The random stream seeded directly by this seed.
    public func stream() -> RandomStream {
        RandomStream(generator: Xoshiro256StarStar(
            state0: digest.word64LittleEndian(0), state1: digest.word64LittleEndian(1),
            state2: digest.word64LittleEndian(2), state3: digest.word64LittleEndian(3)))
    }

    /// The stream of the child seed named `label`: `derive(label).stream()`.
    public func stream(_ label: String) -> RandomStream {
        derive(label).stream()
    }

    /// The stream of the child seed named `label` with `index`: `derive(label, index:).stream()`.
    public func stream(_ label: String, index: UInt64) -> RandomStream {
        derive(label, index: index).stream()
    }

    /// The stream of `label` for node `node` (a non-negative node index).
    public func stream(_ label: String, node: Int) -> RandomStream {
        precondition(node >= 0, "node indices are non-negative")
        return derive(label, index: UInt64(node)).stream()
    }

    /// The seed's 64 hex digits.
    public var description: String { digest.description }
}

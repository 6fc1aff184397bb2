import SimCore
import Wasm

/// An incremental digest of a list of leaf digests: each leaf, bound to its index by
/// SHA-256 (unless the leaves name themselves, as canister leaves do with the canister's
/// ID), is read as a 256-bit number, and the digest is SHA-256 of the list's length and
/// the sum of those numbers modulo 2^256 (an additive multiset hash over (index, leaf)
/// pairs). Changing a leaf subtracts its old term and adds its new one, so a state with a few
/// changed pages or canisters costs a hash per change, never a pass over the list. Leaves
/// equal to the list's filler add nothing, so long lists of empty chunks cost nothing either.
/// Any change of a leaf, or of the length, changes the digest (with the probability of a
/// SHA-256 collision); unlike a Merkle tree it yields no membership proofs, which ICSim
/// does not model.
struct IncrementalDigest: Sendable {
    private(set) var leaves: [SHA256Digest] = []
    /// Whether each leaf is hashed with its index (false: leaves already differ by what they
    /// stand for, and the leaf itself is the term).
    let bindsIndex: Bool

    /// An empty list (`bindsIndex`: see ``bindsIndex``).
    init(bindsIndex: Bool = true) {
        self.bindsIndex = bindsIndex
    }
    /// The leaf value that adds nothing (set by the first resize).
    private var filler = SHA256Digest.zero
    /// The sum of the terms, as four 64-bit limbs, least significant first.
    private var sum: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Makes the list `count` leaves long; new leaves are `filler`, which adds nothing.
    mutating func resize(to count: Int, filling filler: SHA256Digest) {
        guard count != leaves.count || leaves.isEmpty else { return }
        if leaves.isEmpty { self.filler = filler }
        if count < leaves.count {
            for index in count..<leaves.count { subtract(term(index, leaves[index])) }
            leaves.removeLast(leaves.count - count)
        } else {
            // New leaves hold this list's filler (which adds nothing) unless `filler` differs.
            let added = count - leaves.count
            let start = leaves.count
            leaves += repeatElement(self.filler, count: added)
            if filler != self.filler { for index in start..<count { set(index, filler) } }
        }
    }

    /// Sets leaf `index` (within the list).
    mutating func set(_ index: Int, _ digest: SHA256Digest) {
        let old = leaves[index]
        guard old != digest else { return }
        subtract(term(index, old))
        add(term(index, digest))
        leaves[index] = digest
    }

    /// The digest of the list.
    func root() -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(string: "ICSim.set.v1")
        hasher.update(uint64LittleEndian: UInt64(leaves.count))
        hasher.update(uint64LittleEndian: sum.0)
        hasher.update(uint64LittleEndian: sum.1)
        hasher.update(uint64LittleEndian: sum.2)
        hasher.update(uint64LittleEndian: sum.3)
        return hasher.finalize()
    }

    /// Leaf `index`'s term: SHA-256 of the index and the leaf (or the leaf), nothing for the
    /// filler.
    func term(_ index: Int, _ leaf: SHA256Digest) -> (UInt64, UInt64, UInt64, UInt64) {
        guard leaf != filler else { return (0, 0, 0, 0) }
        guard bindsIndex else { return (leaf.w3, leaf.w2, leaf.w1, leaf.w0) }
        var hasher = SHA256()
        hasher.update(uint64LittleEndian: UInt64(index))
        hasher.update(digest: leaf)
        let digest = hasher.finalize()
        return (digest.w3, digest.w2, digest.w1, digest.w0)
    }

    private mutating func add(_ term: (UInt64, UInt64, UInt64, UInt64)) {
        var carry: UInt64 = 0
        (sum.0, carry) = Self.add(sum.0, term.0, carry)
        (sum.1, carry) = Self.add(sum.1, term.1, carry)
        (sum.2, carry) = Self.add(sum.2, term.2, carry)
        (sum.3, _) = Self.add(sum.3, term.3, carry)
    }

    private mutating func subtract(_ term: (UInt64, UInt64, UInt64, UInt64)) {
        // Adding the two's complement subtracts modulo 2^256.
        let negated = (~term.0, ~term.1, ~term.2, ~term.3)
        add(negated)
        add((1, 0, 0, 0))
    }

    /// `a + b + carry` and the carry out.
    private static func add(_ a: UInt64, _ b: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
        let (partial, first) = a.addingReportingOverflow(b)
        let (total, second) = partial.addingReportingOverflow(carry)
        return (total, (first ? 1 : 0) + (second ? 1 : 0))
    }
}

/// The digest of a linear memory: one leaf per 4 KiB chunk. Updating it hashes only the
/// chunks written since the last update (the memory's dirty chunks, which it then clears).
struct MemoryDigest: Sendable {
    var tree = IncrementalDigest()
    /// The digest of a chunk of zeros.
    static let zeroChunk: SHA256Digest = SHA256.hash(repeatElement(UInt8(0), count: LinearMemory.chunkBytes))

    /// Brings the digest up to date with `memory` (from scratch when `fresh`: the memory was
    /// replaced, so chunks not written since may differ too) and returns the root, adding the
    /// chunks it hashed to `hashed`.
    mutating func update(_ memory: inout LinearMemory, fresh: Bool, counting hashed: inout UInt64) -> SHA256Digest {
        if fresh { tree = IncrementalDigest() }
        tree.resize(to: memory.chunkCount, filling: Self.zeroChunk)
        let chunks = fresh ? (0..<memory.chunkCount).filter { memory.isChunkAllocated($0) } : memory.dirtyChunks
        hashed += UInt64(chunks.count)
        // Nothing written: leave the memory alone (clearing would copy its chunk table).
        if !fresh && chunks.isEmpty { return tree.root() }
        for chunk in chunks where chunk < memory.chunkCount {
            tree.set(chunk, memory.withChunkBytes(chunk) { bytes in
                var hasher = SHA256()
                hasher.update(bytes: bytes)
                return hasher.finalize()
            })
        }
        memory.clearDirtyChunks()
        return tree.root()
    }
}

/// What a canister's certified leaf is made from (the module hash follows the version).
struct CertifiedLeafInputs: Equatable, Sendable {
    var id: CanisterID
    var version: UInt64
    var controllers: [Principal]
    var certifiedData: [UInt8]
}

/// The digests a replicated state keeps to hash itself incrementally.
struct StateDigests: Sendable {
    /// Per canister position: its heap's and stable memory's digests, and the code version
    /// they were made for (a new version means new memories).
    var heaps: [MemoryDigest] = []
    var stables: [MemoryDigest] = []
    var versions: [UInt64?] = []
    /// Per canister position: what its certified leaf was last made from.
    var certifiedInputs: [CertifiedLeafInputs?] = []
    /// One leaf per canister, in ID order: what the IC certifies of it each round, and all its
    /// metadata with its memories (each leaf holds the canister's ID, so the position is not
    /// hashed in).
    var canisters = IncrementalDigest(bindsIndex: false)
    var canistersWithMemory = IncrementalDigest(bindsIndex: false)
    /// Memory chunks hashed by full digests since ``ReplicatedState/takeChunksWritten()``
    /// last took them: the chunks written since (what a checkpoint writes).
    var chunksHashed: UInt64 = 0
}

extension SHA256Digest {
    /// The digest of no bytes: a placeholder before anything is hashed.
    static let zero = SHA256.hash([UInt8]())
}

extension ReplicatedState {
    /// The state's digest: the round, the cycles burned, the ingress answers so far (folded
    /// in the order they came), the streams, and one leaf per canister. Certified (the
    /// default), a canister's leaf holds what the IC's certified state tree holds of it: its
    /// ID, module hash, controllers and certified data. With `includingMemory` (a
    /// checkpoint's), it holds all its metadata (version, status, cycles, settings, timer, the
    /// sizes of its queue, call contexts and callbacks), its globals and the digests of its
    /// heap and stable memory.
    ///
    /// Both are incremental: only canisters with work since the last hash of that kind are
    /// looked at (a certified leaf is rehashed only if what it holds changed), and only their
    /// memory chunks written since the last hash that included memory (all canisters after
    /// canisters were added).
    public mutating func stateHash(includingMemory: Bool = false) -> SHA256Digest {
        if digests.versions.count != canisters.count {
            digests = StateDigests(heaps: Array(repeating: MemoryDigest(), count: canisters.count),
                                   stables: Array(repeating: MemoryDigest(), count: canisters.count),
                                   versions: Array(repeating: nil, count: canisters.count),
                                   certifiedInputs: Array(repeating: nil, count: canisters.count))
            digests.canisters.resize(to: canisters.count, filling: .zero)
            digests.canistersWithMemory.resize(to: canisters.count, filling: .zero)
            markTouched(canisters.indices)
        }
        let root: SHA256Digest
        if includingMemory {
            _ = touched.take()
            for position in touchedSinceFullHash.take() {
                updateCertifiedLeaf(position)
                digests.canistersWithMemory.set(position, memoryDigest(position, metadata: metadataDigest(position)))
            }
            root = digests.canistersWithMemory.root()
        } else {
            for position in touched.take() { updateCertifiedLeaf(position) }
            root = digests.canisters.root()
        }
        var hasher = SHA256()
        hasher.update(string: includingMemory ? "ICSim.state.full.v1" : "ICSim.state.v1")
        hasher.update(uint64LittleEndian: round)
        hasher.update(cyclesBurned.littleEndianBytes)
        hasher.update(digest: answersDigest)
        hashStreams(into: &hasher)
        hasher.update(digest: root)
        return hasher.finalize()
    }

    /// Rehashes canister `position`'s certified leaf if what it is made from changed.
    mutating func updateCertifiedLeaf(_ position: Int) {
        let inputs = CertifiedLeafInputs(id: canisters[position].state.id, version: canisters[position].state.version,
                                         controllers: canisters[position].state.controllers,
                                         certifiedData: canisters[position].state.certifiedData)
        guard digests.certifiedInputs[position] != inputs else { return }
        digests.certifiedInputs[position] = inputs
        var hasher = SHA256()
        hasher.update(uint64LittleEndian: Self.certifiedTag)
        hasher.update(uint64LittleEndian: inputs.id.index)
        hasher.update(digest: canisters[position].state.installed?.moduleHash ?? .zero)
        for controller in inputs.controllers {
            hasher.update(uint64LittleEndian: UInt64(controller.bytes.count))
            hasher.update(controller.bytes)
        }
        hasher.update(uint64LittleEndian: UInt64(inputs.certifiedData.count))
        hasher.update(inputs.certifiedData)
        digests.canisters.set(position, hasher.finalize())
        // Its ID, module hash, controllers and certified data.
        certifiedChanges.record(bytes: 10 + 32 + inputs.controllers.reduce(0) { $0 + $1.bytes.count } + inputs.certifiedData.count)
    }

    /// What starts a certified leaf ("ICSim.k1" as a number).
    static let certifiedTag: UInt64 = 0x4943_5369_6D2E_6B31

    /// What starts a metadata leaf ("ICSim.c1" as a number: a label shorter to hash than a string).
    static let metadataTag: UInt64 = 0x4943_5369_6D2E_6331

    /// Canister `position`'s metadata leaf (read field by field: copying the canister's state
    /// would retain and release each of its parts).
    func metadataDigest(_ position: Int) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(uint64LittleEndian: Self.metadataTag)
        hasher.update(uint64LittleEndian: canisters[position].state.id.index)
        hasher.update(uint64LittleEndian: canisters[position].state.version)
        hasher.update(digest: canisters[position].state.installed?.moduleHash ?? .zero)
        hasher.update(uint32LittleEndian: canisters[position].state.status.rawValue)
        hasher.update(uint64LittleEndian: canisters[position].state.cycles.low)
        hasher.update(uint64LittleEndian: canisters[position].state.cycles.high)
        hasher.update(uint64LittleEndian: UInt64(canisters[position].state.computeAllocationPercent))
        hasher.update(uint64LittleEndian: canisters[position].state.freezingThresholdSeconds)
        for controller in canisters[position].state.controllers {
            hasher.update(uint64LittleEndian: UInt64(controller.bytes.count))
            hasher.update(controller.bytes)
        }
        hasher.update(uint64LittleEndian: UInt64(canisters[position].state.certifiedData.count))
        hasher.update(canisters[position].state.certifiedData)
        hasher.update(uint64LittleEndian: canisters[position].state.globalTimerNanos)
        // Environment variables enter only when set (so a canister without them hashes as before).
        for (name, value) in canisters[position].state.environmentVariables.entries {
            hasher.update(uint64LittleEndian: UInt64(name.utf8.count))
            hasher.update(Array(name.utf8))
            hasher.update(uint64LittleEndian: UInt64(value.utf8.count))
            hasher.update(Array(value.utf8))
        }
        hasher.update(uint64LittleEndian: UInt64(canisters[position].queue.count))
        hasher.update(uint64LittleEndian: UInt64(canisters[position].callContexts.count))
        hasher.update(uint64LittleEndian: UInt64(canisters[position].callbacks.count))
        hasher.update(uint64LittleEndian: canisters[position].nextIdentifier)
        hashWasmMemorySettings(position, into: &hasher)
        return hasher.finalize()
    }

    /// Canister `position`'s leaf with its memories, bringing their digests up to date.
    mutating func memoryDigest(_ position: Int, metadata: SHA256Digest) -> SHA256Digest {
        let fresh = digests.versions[position] != canisters[position].state.version
        digests.versions[position] = canisters[position].state.version
        var heapRoot = SHA256Digest.zero
        if var heap = canisters[position].state.code?.instance.memory {
            heapRoot = digests.heaps[position].update(&heap, fresh: fresh, counting: &digests.chunksHashed)
            canisters[position].state.code?.instance.memory = heap
        }
        let stableRoot = digests.stables[position].update(&canisters[position].state.stableMemory, fresh: fresh,
                                                          counting: &digests.chunksHashed)
        var hasher = SHA256()
        hasher.update(string: "ICSim.canister.memory.v1")
        hasher.update(digest: metadata)
        for slot in canisters[position].state.code?.instance.globalSlots ?? [] { hasher.update(uint64LittleEndian: slot) }
        hasher.update(digest: heapRoot)
        hasher.update(digest: stableRoot)
        return hasher.finalize()
    }

    /// The 4 KiB memory chunks written since the last call (as full digests found them: take
    /// a full digest first), which a checkpoint writes to disk; the count starts again.
    public mutating func takeChunksWritten() -> UInt64 {
        defer { digests.chunksHashed = 0 }
        return digests.chunksHashed
    }

    /// Bytes of heap and stable memory in use over all canisters (as of the last idle charge,
    /// in 4 KiB chunks): what a checkpoint holds.
    public var memoryBytesInUse: UInt64 {
        canisters.reduce(0) { $0 &+ $1.memoryBytes }
    }

    /// Folds the answer to ingress message `id` into the history digest.
    mutating func foldAnswer(_ id: UInt64, _ status: IngressStatus) {
        var hasher = SHA256()
        hasher.update(digest: answersDigest)
        hasher.update(uint64LittleEndian: id)
        switch status {
        case .processing: hasher.update(uint64LittleEndian: 0)
        case .replied(let bytes): hasher.update(reply: bytes)
        case .rejected(let reject): hasher.update(reject: reject)
        }
        answersDigest = hasher.finalize()
    }
}

extension SHA256 {
    /// Absorbs a reply: the tag 1, then its bytes.
    mutating func update(reply bytes: [UInt8]) {
        update(uint64LittleEndian: 1)
        update(bytes)
    }

    /// Absorbs a reject: 2 plus its code, then its message.
    mutating func update(reject: Reject) {
        update(uint64LittleEndian: 2 + UInt64(reject.code.rawValue))
        update(string: reject.message)
    }
}

import SimCore
import Wasm

/// A two-level Merkle digest over a list of leaf digests: leaves in groups of 256, each group
/// hashed from its leaves, the root from the groups. Changing a leaf rehashes its group and
/// the root only, so a state with a few changed pages or canisters is rehashed in proportion
/// to the change, never in full.
struct IncrementalDigest: Sendable {
    static let groupSize = 256
    private(set) var leaves: [SHA256Digest] = []
    private var groups: [SHA256Digest] = []
    private var dirtyGroups: [Int] = []
    private var isGroupDirty: [Bool] = []

    /// Makes the list `count` leaves long; new leaves are `filler`.
    mutating func resize(to count: Int, filling filler: SHA256Digest) {
        guard count != leaves.count else { return }
        let oldCount = leaves.count
        if count < oldCount { leaves.removeLast(oldCount - count) } else { leaves += repeatElement(filler, count: count - oldCount) }
        let groupCount = (count + Self.groupSize - 1) / Self.groupSize
        groups = Array(groups.prefix(groupCount)) + repeatElement(SHA256Digest.zero, count: max(0, groupCount - groups.count))
        isGroupDirty = Array(isGroupDirty.prefix(groupCount)) + repeatElement(false, count: max(0, groupCount - isGroupDirty.count))
        dirtyGroups.removeAll { $0 >= groupCount }
        // Every group from the first changed leaf on may have changed.
        for group in (min(oldCount, count) / Self.groupSize)..<groupCount { markDirty(group) }
    }

    /// Sets leaf `index` (within the list).
    mutating func set(_ index: Int, _ digest: SHA256Digest) {
        guard leaves[index] != digest else { return }
        leaves[index] = digest
        markDirty(index / Self.groupSize)
    }

    private mutating func markDirty(_ group: Int) {
        guard !isGroupDirty[group] else { return }
        isGroupDirty[group] = true
        dirtyGroups.append(group)
    }

    /// The root, after rehashing the groups that changed.
    mutating func root() -> SHA256Digest {
        for group in dirtyGroups {
            var hasher = SHA256()
            hasher.update(string: "ICSim.group.v1")
            for leaf in leaves[(group * Self.groupSize)..<min(leaves.count, (group + 1) * Self.groupSize)] { hasher.update(leaf.bytes) }
            groups[group] = hasher.finalize()
            isGroupDirty[group] = false
        }
        dirtyGroups = []
        var hasher = SHA256()
        hasher.update(string: "ICSim.root.v1")
        hasher.update(uint64LittleEndian: UInt64(leaves.count))
        for group in groups { hasher.update(group.bytes) }
        return hasher.finalize()
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

/// The digests a replicated state keeps to hash itself incrementally.
struct StateDigests: Sendable {
    /// Per canister position: its heap's and stable memory's digests, and the code version
    /// they were made for (a new version means new memories).
    var heaps: [MemoryDigest] = []
    var stables: [MemoryDigest] = []
    var versions: [UInt64?] = []
    /// One leaf per canister, in ID order: its metadata only, and with its memories.
    var canisters = IncrementalDigest()
    var canistersWithMemory = IncrementalDigest()
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
    /// in the order they came), and one leaf per canister: its ID, version, module, status,
    /// cycles, settings, controllers, certified data, timer and the sizes of its queue, call
    /// contexts and callbacks; with `includingMemory`, also its globals and the roots of its
    /// heap and stable memory.
    ///
    /// Per round the IC certifies such a tree without canister memory; memory is hashed at
    /// checkpoints. Both are incremental: only canisters with work since the last hash of
    /// that kind are rehashed, and only their memory chunks written since the last hash that
    /// included memory (all canisters after canisters were added).
    public mutating func stateHash(includingMemory: Bool = false) -> SHA256Digest {
        if digests.versions.count != canisters.count {
            digests = StateDigests(heaps: Array(repeating: MemoryDigest(), count: canisters.count),
                                   stables: Array(repeating: MemoryDigest(), count: canisters.count),
                                   versions: Array(repeating: nil, count: canisters.count))
            digests.canisters.resize(to: canisters.count, filling: .zero)
            digests.canistersWithMemory.resize(to: canisters.count, filling: .zero)
            markTouched(canisters.indices)
        }
        let root: SHA256Digest
        if includingMemory {
            _ = touched.take()
            for position in touchedSinceFullHash.take() {
                let metadata = metadataDigest(position)
                digests.canisters.set(position, metadata)
                digests.canistersWithMemory.set(position, memoryDigest(position, metadata: metadata))
            }
            root = digests.canistersWithMemory.root()
        } else {
            for position in touched.take() { digests.canisters.set(position, metadataDigest(position)) }
            root = digests.canisters.root()
        }
        var hasher = SHA256()
        hasher.update(string: includingMemory ? "ICSim.state.full.v1" : "ICSim.state.v1")
        hasher.update(uint64LittleEndian: round)
        hasher.update(cyclesBurned.littleEndianBytes)
        hasher.update(answersDigest.bytes)
        hashStreams(into: &hasher)
        hasher.update(root.bytes)
        return hasher.finalize()
    }

    /// Canister `position`'s metadata leaf.
    func metadataDigest(_ position: Int) -> SHA256Digest {
        let canister = canisters[position].state
        var hasher = SHA256()
        hasher.update(string: "ICSim.canister.v1")
        hasher.update(uint64LittleEndian: canister.id.index)
        hasher.update(uint64LittleEndian: canister.version)
        hasher.update((canister.code?.moduleHash ?? .zero).bytes)
        hasher.update(uint32LittleEndian: canister.status.rawValue)
        hasher.update(canister.cycles.littleEndianBytes)
        hasher.update(uint64LittleEndian: UInt64(canister.computeAllocationPercent))
        hasher.update(uint64LittleEndian: canister.freezingThresholdSeconds)
        for controller in canister.controllers { hasher.update(uint64LittleEndian: UInt64(controller.bytes.count)); hasher.update(controller.bytes) }
        hasher.update(uint64LittleEndian: UInt64(canister.certifiedData.count))
        hasher.update(canister.certifiedData)
        hasher.update(uint64LittleEndian: canister.globalTimerNanos)
        hasher.update(uint64LittleEndian: UInt64(canisters[position].queue.count))
        hasher.update(uint64LittleEndian: UInt64(canisters[position].callContexts.count))
        hasher.update(uint64LittleEndian: UInt64(canisters[position].callbacks.count))
        hasher.update(uint64LittleEndian: canisters[position].nextIdentifier)
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
        hasher.update(metadata.bytes)
        for slot in canisters[position].state.code?.instance.globalSlots ?? [] { hasher.update(uint64LittleEndian: slot) }
        hasher.update(heapRoot.bytes)
        hasher.update(stableRoot.bytes)
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
        hasher.update(answersDigest.bytes)
        hasher.update(uint64LittleEndian: id)
        switch status {
        case .processing: hasher.update(uint64LittleEndian: 0)
        case .replied(let bytes):
            hasher.update(uint64LittleEndian: 1)
            hasher.update(bytes)
        case .rejected(let reject):
            hasher.update(uint64LittleEndian: 2 + UInt64(reject.code.rawValue))
            hasher.update(string: reject.message)
        }
        answersDigest = hasher.finalize()
    }
}

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
    /// replaced, so chunks not written since may differ too) and returns the root.
    mutating func update(_ memory: inout LinearMemory, fresh: Bool) -> SHA256Digest {
        if fresh { tree = IncrementalDigest() }
        tree.resize(to: memory.chunkCount, filling: Self.zeroChunk)
        let chunks = fresh ? (0..<memory.chunkCount).filter { memory.isChunkAllocated($0) } : memory.dirtyChunks
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
    /// One leaf per canister, in ID order.
    var canisters = IncrementalDigest()
}

extension SHA256Digest {
    /// The digest of no bytes: a placeholder before anything is hashed.
    static let zero = SHA256.hash([UInt8]())
}

extension ReplicatedState {
    /// The state's digest: the round, the cycles burned, the ingress answers so far, and one
    /// leaf per canister (its ID, version, status, cycles, settings, certified data, timer,
    /// globals, heap and stable memory, and the sizes of its queue and call contexts).
    /// Incremental: only canisters that had work since the last call, and only their memory
    /// chunks written since, are rehashed (all of them after canisters were added).
    public mutating func stateHash() -> SHA256Digest {
        if digests.versions.count != canisters.count {
            digests = StateDigests(heaps: Array(repeating: MemoryDigest(), count: canisters.count),
                                   stables: Array(repeating: MemoryDigest(), count: canisters.count),
                                   versions: Array(repeating: nil, count: canisters.count))
            digests.canisters.resize(to: canisters.count, filling: .zero)
            touched = Array(canisters.indices)
        }
        for position in Set(touched).sorted() { digests.canisters.set(position, canisterDigest(position)) }
        touched = []
        var hasher = SHA256()
        hasher.update(string: "ICSim.state.v1")
        hasher.update(uint64LittleEndian: round)
        hasher.update(cyclesBurned.littleEndianBytes)
        hasher.update(answersDigest.bytes)
        hasher.update(digests.canisters.root().bytes)
        return hasher.finalize()
    }

    /// Canister `position`'s leaf, bringing its memories' digests up to date.
    mutating func canisterDigest(_ position: Int) -> SHA256Digest {
        let fresh = digests.versions[position] != canisters[position].state.version
        digests.versions[position] = canisters[position].state.version
        var heapRoot = SHA256Digest.zero
        if var heap = canisters[position].state.code?.instance.memory {
            heapRoot = digests.heaps[position].update(&heap, fresh: fresh)
            canisters[position].state.code?.instance.memory = heap
        }
        let stableRoot = digests.stables[position].update(&canisters[position].state.stableMemory, fresh: fresh)
        let canister = canisters[position].state
        var hasher = SHA256()
        hasher.update(string: "ICSim.canister.v1")
        hasher.update(uint64LittleEndian: canister.id.index)
        hasher.update(uint64LittleEndian: canister.version)
        hasher.update(uint32LittleEndian: canister.status.rawValue)
        hasher.update(canister.cycles.littleEndianBytes)
        hasher.update(uint64LittleEndian: UInt64(canister.computeAllocationPercent))
        hasher.update(uint64LittleEndian: canister.freezingThresholdSeconds)
        for controller in canister.controllers { hasher.update(uint64LittleEndian: UInt64(controller.bytes.count)); hasher.update(controller.bytes) }
        hasher.update(uint64LittleEndian: UInt64(canister.certifiedData.count))
        hasher.update(canister.certifiedData)
        hasher.update(uint64LittleEndian: canister.globalTimerNanos)
        for slot in canister.code?.instance.globalSlots ?? [] { hasher.update(uint64LittleEndian: slot) }
        hasher.update(heapRoot.bytes)
        hasher.update(stableRoot.bytes)
        hasher.update(uint64LittleEndian: UInt64(canisters[position].queue.count))
        hasher.update(uint64LittleEndian: UInt64(canisters[position].callContexts.count))
        hasher.update(uint64LittleEndian: UInt64(canisters[position].callbacks.count))
        hasher.update(uint64LittleEndian: canisters[position].nextIdentifier)
        return hasher.finalize()
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

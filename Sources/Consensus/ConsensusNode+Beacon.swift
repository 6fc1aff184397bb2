import SimCore

// The random beacon, and the roles (ranked makers, committee) each beacon seeds for the height above it.
extension ConsensusNode {
    /// The beacon of `height` follows from the one before it (a unique threshold signature):
    /// SHA-256 of a label, the previous beacon and the height.
    func beaconValue(after previous: SHA256Digest, height: Height) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(string: "ICSim.beacon.v1")
        hasher.update(digest: previous)
        hasher.update(uint64LittleEndian: height)
        return hasher.finalize()
    }

    /// Makes beacons from f + 1 shares, and accepts received ones that follow a known beacon.
    mutating func acceptBeacons(_ now: SimInstant, _ step: inout ConsensusStep) -> Bool {
        var changed = false
        while let previous = beacons[beaconHeight]?.value {
            let height = beaconHeight + 1
            let shares = pool.read(height, { $0.beaconShares.count })
            guard shares >= configuration.beaconThreshold || pendingBeacons[height] != nil else { break }
            let value = beaconValue(after: previous, height: height)
            if shares >= configuration.beaconThreshold {
                step.outputs.append(.broadcast(.beacon(height: height, value: value)))
            } else if pendingBeacons[height] != value {
                break
            }
            beacons[height] = (value, now)
            beaconHeight = height
            roles[height + 1] = makeRoles(after: value)
            pendingBeacons[height] = nil
            changed = true
        }
        return changed
    }

    /// The roles of the height above a beacon: its f + 1 ranked makers (index = rank), a
    /// prefix of a shuffle of the node list seeded by the beacon; and whether this node is in
    /// its committee (every node when n = 3f + 1, else the first c of another such shuffle).
    func makeRoles(after beacon: SHA256Digest) -> (makers: [NodeID], inCommittee: Bool) {
        let seed = RandomSeed(digest: beacon)
        var stream = seed.stream("block makers")
        var nodes = (0..<configuration.nodeCount).map(NodeID.init)
        stream.shuffle(&nodes)
        let makers = Array(nodes.prefix(configuration.rankedMakers))
        guard configuration.nodeCount != configuration.committeeSize else { return (makers, true) }
        var committeeStream = seed.stream("committee")
        var committee = (0..<configuration.nodeCount).map(NodeID.init)
        committeeStream.shuffle(&committee)
        return (makers, committee.prefix(configuration.committeeSize).contains(id))
    }

    /// The ranked makers of `height`; `nil` until the beacon below it is known.
    @inline(__always)
    func makers(at height: Height) -> [NodeID]? {
        roles[height]?.makers
    }

    /// Whether this node notarizes and finalizes at `height`; `nil` until the beacon below it
    /// is known.
    @inline(__always)
    func isInCommittee(at height: Height) -> Bool? {
        roles[height]?.inCommittee
    }

    /// Signs the beacon share of the current round once the beacon before it and a notarized
    /// block below it are known.
    mutating func signBeaconShare(_ step: inout ConsensusStep) -> Bool {
        let height = round
        guard beacons[height - 1] != nil, beacons[height] == nil, !pool.read(height, { $0.sentBeaconShare }) else { return false }
        pool[height].sentBeaconShare = true
        pool[height].beaconShares.insert(id)
        step.outputs.append(.broadcast(.beaconShare(height: height, signer: id)))
        return true
    }
}

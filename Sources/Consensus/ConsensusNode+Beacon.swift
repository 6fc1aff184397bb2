import SimCore

// The random beacon, and the roles (ranked makers, committee) each beacon seeds for the height above it.
extension ConsensusNode {
    /// The beacon of `height` follows from the one before it (a unique threshold signature):
    /// SHA-256 of a label, the previous beacon and the height (``BeaconMemo``).
    mutating func beaconValue(after previous: SHA256Digest, height: Height) -> SHA256Digest {
        beaconMemo.beacon(after: previous, height: height)
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

    /// The roles of the height above a beacon: its f + 1 ranked makers (index = rank), and
    /// whether this node is in its committee (``BeaconMemo/makeRoles(after:_:)``).
    mutating func makeRoles(after beacon: SHA256Digest) -> (makers: [NodeID], inCommittee: Bool) {
        let roles = beaconMemo.roles(after: beacon, configuration)
        return (roles.makers, roles.committee?.contains(id) ?? true)
    }

    /// Exchanges this node's memo of beacons and roles with `memo`: the subnet shell lends
    /// one memo to each node it steps, so that its replicas compute each height's beacon and
    /// roles once (the memo only saves work; a node computes what it does not find).
    public mutating func exchangeBeaconMemo(_ memo: inout BeaconMemo) {
        swap(&beaconMemo, &memo)
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
        let id = self.id
        pool.modify(height) { pool in
            pool.sentBeaconShare = true
            pool.beaconShares.insert(id)
        }
        step.outputs.append(.broadcast(.beaconShare(height: height, signer: id)))
        return true
    }
}

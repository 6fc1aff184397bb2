import SimCore
import Consensus

/// How the shell spreads ingress and blocks as the IC's P2P layer does (Docs/Model.md,
/// "Dissemination"), as arithmetic on arrival times rather than extra events: a submitted
/// message is validated by the replica it reached and pushed to each peer, which validates it
/// into its pool; a proposal reaches a peer when it arrives (pushed, or advertised and
/// fetched) and the peer has every ingress message it names (from its pool, or fetched from
/// the sender).
extension SubnetSimulation {
    /// The ingress message `submission` reaches its entry replica now: each replica up takes
    /// it for its proposals from when it has it in its pool.
    mutating func gossip(_ submission: SubmittedIngress, _ scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        let item = PayloadItem(id: submission.message.id, sizeBytes: submission.sizeBytes)
        guard configuration.dissemination.gossipsIngress, let entry = entryReplica(of: submission, at: now) else {
            return offer(item, arrivalsRow: nil, &scheduler)
        }
        // Validation is a delay here, not a queue: the uplink and the other processors take
        // work in time order, and this message's arrivals at the peers lie in the future.
        let cost = processing.ingressValidation
        let row = ingressArrivals.startRow(for: item.id, width: replicas.count)
        ingressArrivals[row, entry] = now + cost
        // The shell's reusable arrivals, and the entry's own list of peers when all are up: no
        // array is made per message (the filtered list and the arrivals were two allocations
        // with their growth, about 2,200 instructions a message).
        // (Put back before the offer, whose steps may send.)
        do {
            var arrivals: [NetworkModel.Arrival] = []
            swap(&arrivals, &reusableArrivals)
            defer { swap(&arrivals, &reusableArrivals) }
            network.send(item.sizeBytes, from: entry, to: peersUp(of: entry, at: now), at: now, into: &arrivals)
            for arrival in arrivals where ingressArrivals[row, arrival.peer] == .max {
                ingressArrivals[row, arrival.peer] = arrival.time + cost + cost
            }
        }
        // A peer the gossip missed (lost) has it only by fetching it for a block that names it.
        offer(item, arrivalsRow: row, &scheduler)
    }

    /// The peers of replica `node` that are up at `time`, in index order: its list of peers
    /// itself when every one is up (the common case, which then allocates nothing).
    @inline(__always)  // a call from a mutating method would copy the whole shell
    func peersUp(of node: Int, at time: SimInstant) -> [Int] {
        let peers = replicas[node].peers
        for peer in peers where isDown(peer, at: time) { return peers.filter { !isDown($0, at: time) } }
        return peers
    }

    /// Replica `node` takes `items` for its proposals from `availableAt` (through its
    /// consensus processor).
    mutating func takePayload(_ items: [PayloadItem], node: Int, at availableAt: SimInstant, _ scheduler: inout Scheduler<Event>) {
        run(node, .payload(items, availableAt: availableAt), at: max(scheduler.now, replicas[node].consensusProcessor.busyUntil), &scheduler)
    }

    /// The replica a submission reaches: the one given if it is up, else the first up from
    /// one its ID picks (`nil` if none is up).
    @inline(__always)  // a call from a mutating method copied the whole shell
    func entryReplica(of submission: SubmittedIngress, at time: SimInstant) -> Int? {
        let count = replicas.count
        let first = submission.entryReplica ?? Int(submission.message.id % UInt64(count))
        for offset in 0..<count where !isDown((first + offset) % count, at: time) { return (first + offset) % count }
        return nil
    }

    /// What decides when a proposal is whole at each peer, gathered once per send: whether it
    /// is advertised (a broadcast of rank above 0 at or over the push threshold; the leader's
    /// is latency-sensitive and pushed whatever its size), and, with hashes in blocks, where
    /// the gossip of each of its ingress messages stands (messages without a record every
    /// replica had at once, or a block holding them is already executed): each message's size
    /// and its row in ``ingressArrivals`` (valid while the table is not changed, within one
    /// send).
    struct ProposalDelivery {
        var advertised: Bool
        var gossiped: [(sizeBytes: Int, row: Int)]
    }

    /// The delivery of `block`, sent to several peers (`broadcast`) or one.
    func proposalDelivery(of block: Block, broadcast: Bool) -> ProposalDelivery {
        let dissemination = configuration.dissemination
        let advertised = broadcast && block.rank > 0
            && dissemination.wireBytes(of: .proposal(block), isIngress: Self.isIngress) >= dissemination.pushThresholdBytes
        guard dissemination.hashesInBlocks else { return ProposalDelivery(advertised: advertised, gossiped: []) }
        let gossiped = block.payload.compactMap { item in
            Self.isIngress(item) ? ingressArrivals.row(of: item.id).map { (item.sizeBytes, $0) } : nil
        }
        return ProposalDelivery(advertised: advertised, gossiped: gossiped)
    }

    /// When a proposal sent by `sender` and arriving at `peer` at `arrival` is whole there:
    /// an advertised one is fetched (a round trip more); then every ingress message it names
    /// is in the peer's pool, or fetched from the sender (another round trip and the missing
    /// bytes), whichever comes first.
    func readyTime(_ delivery: ProposalDelivery, sentBy sender: Int, to peer: Int, arrival: SimInstant) -> SimInstant {
        let roundTrip = network.oneWay(from: peer, to: sender) + network.oneWay(from: sender, to: peer)
        let whole = delivery.advertised ? arrival + roundTrip : arrival
        var pooledLast = whole
        var missingBytes = 0
        // `.max`: the gossip never reached this replica.
        for message in delivery.gossiped where ingressArrivals[message.row, peer] > whole {
            pooledLast = max(pooledLast, ingressArrivals[message.row, peer])
            missingBytes += message.sizeBytes
        }
        guard missingBytes > 0 else { return whole }
        return min(pooledLast, whole + roundTrip + network.transmission(missingBytes))
    }

    /// Whether a payload item is an ingress message (not a stream slice).
    static func isIngress(_ item: PayloadItem) -> Bool { item.id < StreamPublication.firstSliceID }
}

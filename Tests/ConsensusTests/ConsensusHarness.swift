import Testing
import SimCore
@testable import Consensus

/// `duration` after time zero.
func at(_ duration: SimDuration) -> SimInstant { .zero + duration }

/// The nodes of one subnet, driven by hand: a test gives a node the artifacts a peer would
/// send, at the time it chooses, and reads the step that comes back. There is no network:
/// whatever a node outputs goes nowhere unless the test delivers it.
struct Harness {
    let configuration: ConsensusConfiguration
    let genesis: Block
    var nodes: [ConsensusNode]

    /// `count` fresh nodes at time zero, with the IC's defaults changed by `adjust`.
    init(nodes count: Int = 4, _ adjust: (inout ConsensusConfiguration) -> Void = { _ in }) {
        var configuration = ConsensusConfiguration(nodeCount: count)
        adjust(&configuration)
        self.configuration = configuration
        let genesis = Block.genesis(subnet: SHA256.hash(string: "ConsensusNodeTests"))
        self.genesis = genesis
        nodes = (0..<count).map { ConsensusNode(id: NodeID($0), configuration: configuration, genesis: genesis) }
    }

    subscript(node: NodeID) -> ConsensusNode { nodes[node.index] }

    var f: Int { configuration.faultsTolerated }
    var threshold: Int { configuration.threshold }

    @discardableResult
    mutating func step(_ node: NodeID, _ input: ConsensusInput, at time: SimInstant) -> ConsensusStep {
        nodes[node.index].handle(input, now: time)
    }

    @discardableResult
    mutating func wake(_ node: NodeID, at time: SimInstant) -> ConsensusStep {
        step(node, .wakeUp, at: time)
    }

    /// `artifacts` reach `node` together, as one message from `sender`.
    @discardableResult
    mutating func deliver(_ artifacts: Artifact..., from sender: NodeID, to node: NodeID, at time: SimInstant) -> ConsensusStep {
        step(node, .artifacts(artifacts, from: sender), at: time)
    }

    /// The first `count` nodes other than `node`, by index.
    func peers(of node: NodeID, _ count: Int) -> [NodeID] {
        Array((0..<nodes.count).map(NodeID.init).filter { $0 != node }.prefix(count))
    }

    /// The ranked makers of `height` (index = rank), as every node derives them from the
    /// beacon chain that starts at the genesis block.
    func makers(at height: Height) -> [NodeID] {
        var scratch = ConsensusNode(id: NodeID(0), configuration: configuration, genesis: genesis)
        var beacon = scratch.beacons[0]!.value
        for previous in 1..<max(height, 1) { beacon = scratch.beaconValue(after: beacon, height: previous) }
        return scratch.makeRoles(after: beacon).makers
    }

    /// The nodes with no rank at `height`.
    func unranked(at height: Height) -> [NodeID] {
        let ranked = makers(at: height)
        return (0..<nodes.count).map(NodeID.init).filter { !ranked.contains($0) }
    }

    /// When the block-maker delay of `rank` runs out in round 1 (which starts at time zero).
    func makerDue(_ rank: Int) -> SimInstant { at(configuration.blockMakerDelay(rank: rank)) }

    /// When the notary delay of `rank` runs out in round 1.
    func notaryDue(_ rank: Int) -> SimInstant { at(configuration.notaryDelay(rank: rank, gap: 0)) }

    /// The lowest-indexed node that is none of `excluded`.
    func someNode(except excluded: [NodeID]) -> NodeID {
        (0..<nodes.count).map(NodeID.init).first { !excluded.contains($0) }!
    }

    /// The block the maker of `rank` at `height` makes on `parent` (the genesis block by
    /// default) with `payload`: what an honest maker with that payload proposes.
    func block(rank: Int, height: Height = 1, parent: SHA256Digest? = nil, payload: [PayloadItem] = []) -> Block {
        Block(height: height, parent: parent ?? genesis.digest, rank: rank, maker: makers(at: height)[rank], payload: payload)
    }

    /// `block`'s notarization by c - f peers of `node`.
    func notarization(of block: Block, for node: NodeID) -> Artifact {
        .notarization(height: block.height, block: block.digest, signers: peers(of: node, threshold))
    }

    /// `block`'s finalization by c - f peers of `node`.
    func finalization(of block: Block, for node: NodeID) -> Artifact {
        .finalization(height: block.height, block: block.digest, signers: peers(of: node, threshold))
    }

    /// f + 1 peers of `node` send it their shares of the beacon of `height`.
    @discardableResult
    mutating func giveBeacon(_ height: Height, to node: NodeID, at time: SimInstant) -> ConsensusStep {
        let shares = peers(of: node, configuration.beaconThreshold).map { Artifact.beaconShare(height: height, signer: $0) }
        return step(node, .artifacts(shares, from: peers(of: node, 1)[0]), at: time)
    }

    /// Takes `node` from its finalized height through `height`, one height per `interval`
    /// after `start`: for each, the beacon below it, then the rank-0 block (empty, so the
    /// same block the node makes if it leads) with its notarization and finalization. The
    /// beacon of `height` itself is not given: tests that need it give it.
    mutating func finalize(_ node: NodeID, through height: Height, from start: SimInstant,
                           every interval: SimDuration = .milliseconds(100)) {
        var time = start
        while self[node].finalizedHeight < height {
            let next = self[node].finalizedHeight + 1
            if next > 1 { giveBeacon(next - 1, to: node, at: time) }
            let block = block(rank: 0, height: next, parent: self[node].finalizedTip)
            deliver(.proposal(block), notarization(of: block, for: node), finalization(of: block, for: node),
                    from: block.maker, to: node, at: time)
            time += interval
        }
    }
}

extension ConsensusStep {
    /// What the step broadcasts, in order.
    var broadcasts: [Artifact] {
        outputs.compactMap { if case .broadcast(let artifact) = $0 { artifact } else { nil } }
    }

    /// What the step sends to `node` alone, in order.
    func sent(to node: NodeID) -> [Artifact] {
        outputs.compactMap { if case .send(let artifact, let to) = $0, to == node { artifact } else { nil } }
    }

    /// The blocks it proposes.
    var proposals: [Block] {
        broadcasts.compactMap { if case .proposal(let block) = $0 { block } else { nil } }
    }

    /// The blocks it advertises.
    var adverts: [SHA256Digest] {
        broadcasts.compactMap { if case .blockAdvert(_, let block, _) = $0 { block } else { nil } }
    }

    /// The blocks it signs notarization shares for.
    var notarizationShares: [SHA256Digest] {
        broadcasts.compactMap { if case .notarizationShare(_, let block, _) = $0 { block } else { nil } }
    }

    /// The notarizations it aggregated.
    var notarizations: [(block: SHA256Digest, signers: [NodeID])] {
        broadcasts.compactMap { if case .notarization(_, let block, let signers) = $0 { (block, signers) } else { nil } }
    }

    /// The blocks it signs finalization shares for.
    var finalizationShares: [SHA256Digest] {
        broadcasts.compactMap { if case .finalizationShare(_, let block, _) = $0 { block } else { nil } }
    }

    /// The finalizations it aggregated.
    var finalizations: [(block: SHA256Digest, signers: [NodeID])] {
        broadcasts.compactMap { if case .finalization(_, let block, let signers) = $0 { (block, signers) } else { nil } }
    }

    /// The heights of the beacon shares it signs.
    var beaconShares: [Height] {
        broadcasts.compactMap { if case .beaconShare(let height, _) = $0 { height } else { nil } }
    }

    /// The beacons it made from shares.
    var beacons: [(height: Height, value: SHA256Digest)] {
        broadcasts.compactMap { if case .beacon(let height, let value) = $0 { (height, value) } else { nil } }
    }

    /// The finalized heights named by the catch-up requests it broadcasts.
    var catchUpRequests: [Height] {
        broadcasts.compactMap { if case .catchUpRequest(let height, _) = $0 { height } else { nil } }
    }

    /// The blocks it finalized, in order.
    var finalized: [Block] {
        outputs.flatMap { output -> [Block] in
            if case .finalized(let blocks) = output { blocks } else { [] }
        }
    }
}

extension Harness {
    /// A script two rules share: a notary outside the makers signs the rank-1 block at its
    /// notary delay, then the leader's block arrives 200 ms later and it signs that one too
    /// (never a higher rank than one signed, a lower one may follow). The notary and the
    /// leader's block.
    mutating func notarySignsRankOneThenALateLeaderBlock() -> (notary: NodeID, leaders: Block) {
        let notary = unranked(at: 1)[0]
        let (leaders, second) = (block(rank: 0), block(rank: 1))
        wake(notary, at: .zero)
        deliver(.proposal(second), from: second.maker, to: notary, at: makerDue(1))
        #expect(wake(notary, at: notaryDue(1)).notarizationShares == [second.digest])
        let late = deliver(.proposal(leaders), from: leaders.maker, to: notary, at: notaryDue(1) + .milliseconds(200))
        #expect(late.notarizationShares == [leaders.digest])
        return (notary, leaders)
    }
}

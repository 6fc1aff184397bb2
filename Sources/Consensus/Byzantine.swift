import SimCore

/// How a Byzantine node deviates. Each wraps an honest ``ConsensusNode`` and rewrites its
/// outputs (and may add its own); honest code never knows.
public enum ByzantineBehavior: Hashable, Sendable {
    /// Says nothing at all (like a crash, but it still receives).
    case silent
    /// Sends no shares (beacon, notarization, finalization), only proposals and aggregates.
    case withholdShares
    /// Never proposes.
    case withholdProposals
    /// As a block maker, sends a different block (another payload) to each group of peers
    /// (a peer in several groups gets several); with no groups, one block to each half.
    case equivocatingMaker(groups: [[Int]])
    /// Signs a notarization share for every valid-looking block it sees, and a finalization
    /// share for every notarized block, conflicts or not.
    case doubleSigner
    /// Sends everything `delay` late.
    case delayer(SimDuration)
    /// Proposes blocks that fail validation (a rank it does not hold).
    case invalidProposer
    /// Talks only to these peers.
    case selective([Int])
    /// Advertises no blocks and answers no block requests (so colluders can keep one side of
    /// a split from learning about the block shown to the other).
    case withholdAdverts
    /// Twins: the node runs as one honest copy of itself per group of peers, each copy
    /// hearing from and talking to its group only (peers in no group belong with the first
    /// copy). Every copy follows the protocol; together they sign conflicting things, as one
    /// identity with split views of the network.
    case twins(groups: [[Int]])

    /// What is wrong with the behaviour in a subnet of `nodeCount` nodes (empty when usable).
    public func problems(nodeCount: Int) -> [String] {
        func missing(_ nodes: [Int]) -> [String] {
            nodes.filter { $0 < 0 || $0 >= nodeCount }.map { "node \($0) does not exist (\(nodeCount) nodes: 0-\(nodeCount - 1))" }
        }
        switch self {
        case .equivocatingMaker(let groups): return missing(groups.flatMap { $0 })
        case .selective(let peers): return missing(peers)
        case .delayer(let delay): return delay < .zero ? ["delayer: the delay is negative (\(delay))"] : []
        case .twins(let groups):
            var problems = missing(groups.flatMap { $0 })
            if groups.count < 2 { problems.append("twins: needs at least two groups, found \(groups.count)") }
            let all = groups.flatMap { $0 }
            for node in Set(all).sorted() where all.filter({ $0 == node }).count > 1 {
                problems.append("twins: node \(node) is in more than one group")
            }
            return problems
        case .silent, .withholdShares, .withholdProposals, .doubleSigner, .invalidProposer, .withholdAdverts: return []
        }
    }

    /// How long its outputs are held back.
    public var outputDelay: SimDuration {
        if case .delayer(let delay) = self { return delay }
        return .zero
    }
}

/// What makes a node Byzantine: it lets the honest node handle each input, then rewrites the
/// honest node's outputs by its behaviours, in order (and a double signer adds shares).
public struct ByzantineWrapper: Sendable {
    /// The deviations.
    public let behaviors: [ByzantineBehavior]
    /// The wrapped node's identity and subnet size (to address peers).
    let id: NodeID
    let nodeCount: Int
    /// Blocks it already double-signed, and heights it finalized-signed (so it sends each
    /// share once).
    var doubleSigned: Set<SHA256Digest> = []
    var finalizationSigned: Set<SHA256Digest> = []
    /// The groups of a twin (empty if it is not one), and its copies beyond the wrapped node
    /// (which serves the first group), made from the wrapped node at the first input.
    let twinGroups: [[Int]]
    var twinCopies: [ConsensusNode] = []

    /// A wrapper for node `id` of a subnet of `nodeCount` nodes, deviating by `behaviors`.
    public init(id: NodeID, nodeCount: Int, behaviors: [ByzantineBehavior]) {
        self.id = id
        self.nodeCount = nodeCount
        self.behaviors = behaviors
        twinGroups = behaviors.lazy.compactMap { behavior -> [[Int]]? in
            if case .twins(let groups) = behavior { return groups }
            return nil
        }.first ?? []
    }

    /// How long its outputs are held back (the longest delay among its behaviours).
    public var outputDelay: SimDuration { behaviors.map(\.outputDelay).max() ?? .zero }

    /// Lets `node` (the honest node inside) handle `input`, then rewrites what it would do.
    public mutating func handle(_ input: ConsensusInput, now: SimInstant, node: inout ConsensusNode) -> ConsensusStep {
        // Artifacts that came together are handled one by one, so each rewrite sees the
        // input that caused it.
        if case .artifacts(let artifacts, let from) = input, !artifacts.isEmpty {
            var step = ConsensusStep()
            for artifact in artifacts {
                let one = handle(.artifact(artifact, from: from), now: now, node: &node)
                step.outputs += one.outputs
                step.wakeUpAt = one.wakeUpAt
            }
            return step
        }
        var step = twinGroups.count > 1 ? handleAsTwins(input, now: now, node: &node) : node.handle(input, now: now)
        if behaviors.contains(.withholdAdverts), case .artifact(.blockRequest, _) = input { step.outputs = [] }
        if behaviors.contains(.doubleSigner), case .artifact(let artifact, _) = input {
            step.outputs += doubleSign(after: artifact, finalizedHeight: node.finalizedHeight)
        }
        for behavior in behaviors {
            step.outputs = step.outputs.flatMap { rewrite($0, behavior) }
        }
        return step
    }

    /// Rewrites outputs the shell makes on the node's behalf (its certification shares) by
    /// the behaviours, in order.
    public func rewrite(_ outputs: [ConsensusOutput]) -> [ConsensusOutput] {
        var outputs = outputs
        for behavior in behaviors { outputs = outputs.flatMap { rewrite($0, behavior) } }
        return outputs
    }

    /// Gives `input` to the copy whose group it comes from (a wake-up or payload to every
    /// copy), and addresses each copy's outputs to its group alone.
    mutating func handleAsTwins(_ input: ConsensusInput, now: SimInstant, node: inout ConsensusNode) -> ConsensusStep {
        if twinCopies.isEmpty { twinCopies = Array(repeating: node, count: twinGroups.count - 1) }
        let targets: [Int]
        switch input {
        case .artifact(_, let from), .artifacts(_, let from): targets = [copy(servingPeer: from.index)]
        case .wakeUp, .payload, .certified: targets = Array(twinGroups.indices)
        }
        var merged = ConsensusStep()
        for copy in targets {
            let step = copy == 0 ? node.handle(input, now: now) : twinCopies[copy - 1].handle(input, now: now)
            merged.outputs += step.outputs.flatMap { addressed($0, toGroupOf: copy) }
            if let wakeUp = step.wakeUpAt { merged.wakeUpAt = min(wakeUp, merged.wakeUpAt ?? wakeUp) }
        }
        // A copy that did not handle this input keeps the wake-up it asked for last.
        for copy in twinGroups.indices where !targets.contains(copy) {
            if let wakeUp = copy == 0 ? node.wakeUpAt : twinCopies[copy - 1].wakeUpAt {
                merged.wakeUpAt = min(wakeUp, merged.wakeUpAt ?? wakeUp)
            }
        }
        return merged
    }

    /// The twin copy that talks with `peer`: the first whose group holds it, else the first.
    func copy(servingPeer peer: Int) -> Int {
        twinGroups.firstIndex { $0.contains(peer) } ?? 0
    }

    /// A twin copy's output, limited to the peers that copy talks with.
    func addressed(_ output: ConsensusOutput, toGroupOf copy: Int) -> [ConsensusOutput] {
        switch output {
        case .broadcast(let artifact):
            return peers().filter { self.copy(servingPeer: $0.index) == copy }.map { .send(artifact, to: $0) }
        case .send(_, let to):
            return self.copy(servingPeer: to.index) == copy ? [output] : []
        case .finalized:
            return copy == 0 ? [output] : []
        }
    }

    func peers() -> [NodeID] {
        (0..<nodeCount).map(NodeID.init).filter { $0 != id }
    }

    /// What the behaviour makes of one honest output.
    func rewrite(_ output: ConsensusOutput, _ behavior: ByzantineBehavior) -> [ConsensusOutput] {
        guard case .broadcast(let artifact) = output else {
            if case .send(let artifact, let to) = output { return rewriteSend(artifact, to, behavior) }
            return [output]
        }
        switch behavior {
        case .silent: return []
        case .withholdShares:
            switch artifact {
            case .beaconShare, .notarizationShare, .finalizationShare, .certificationShare: return []
            default: return [output]
            }
        case .withholdProposals:
            if case .proposal = artifact { return [] }
            return [output]
        case .withholdAdverts:
            if case .blockAdvert = artifact { return [] }
            return [output]
        case .equivocatingMaker(let groups):
            guard case .proposal(let block) = artifact else { return [output] }
            let peers = peers().map(\.index)
            let targets = groups.isEmpty ? [Array(peers.prefix(peers.count / 2)), Array(peers.dropFirst(peers.count / 2))] : groups
            var outputs: [ConsensusOutput] = []
            for (index, group) in targets.enumerated() {
                // Block 0 is the honest one; the others differ by one payload item.
                let variant = index == 0 ? block : Block(
                    height: block.height, parent: block.parent, rank: block.rank, maker: block.maker,
                    payload: block.payload + [PayloadItem(id: UInt64.max - UInt64(index), sizeBytes: 1)])
                outputs += group.filter { $0 != id.index }.map { .send(.proposal(variant), to: NodeID($0)) }
            }
            return outputs
        case .invalidProposer:
            guard case .proposal(let block) = artifact else { return [output] }
            let wrong = Block(height: block.height, parent: block.parent, rank: block.rank + 1, maker: block.maker, payload: block.payload)
            return [.broadcast(.proposal(wrong))]
        case .selective(let allowed):
            return allowed.filter { $0 != id.index }.map { .send(artifact, to: NodeID($0)) }
        case .doubleSigner, .delayer, .twins: return [output]
        }
    }

    func rewriteSend(_ artifact: Artifact, _ to: NodeID, _ behavior: ByzantineBehavior) -> [ConsensusOutput] {
        switch behavior {
        case .silent: return []
        case .selective(let allowed): return allowed.contains(to.index) ? [.send(artifact, to: to)] : []
        default: return [.send(artifact, to: to)]
        }
    }

    /// A double signer's extra shares: a notarization share for every proposal it receives
    /// at a height not yet finalized, and a finalization share for every notarization.
    mutating func doubleSign(after artifact: Artifact, finalizedHeight: Height) -> [ConsensusOutput] {
        switch artifact {
        case .proposal(let block) where block.height > finalizedHeight && !doubleSigned.contains(block.digest):
            doubleSigned.insert(block.digest)
            return [.broadcast(.notarizationShare(height: block.height, block: block.digest, signer: id))]
        case .notarization(let height, let block, _) where height > finalizedHeight && !finalizationSigned.contains(block):
            finalizationSigned.insert(block)
            return [.broadcast(.finalizationShare(height: height, block: block, signer: id))]
        default:
            return []
        }
    }
}

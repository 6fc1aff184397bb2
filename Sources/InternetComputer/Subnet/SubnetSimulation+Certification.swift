import SimCore
import Consensus
import ExecutionLayer

/// How the shell routes certification between the replicas' certifiers: shares and
/// certifications that arrive go to the receiver's certifier; a certification a certifier
/// aggregates goes to its peers; a height certified for the first time makes its answers
/// visible and publishes its stream slices.
extension SubnetSimulation {
    /// Replica `node` signs its certification share of `height` now, outside a step of its
    /// own (it finalized the height before it was executed, or its execution just ended), and
    /// sends it as a message of its own.
    mutating func signLate(_ height: Height, node: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) {
        let share = certificationShare(for: height, node: node, now)
        sendAsStep(share + takeCertifications(of: node, now), node: node, now, &scheduler)
    }

    /// Sends what replica `node` outputs outside a step of its own (already rewritten by its
    /// wrapper, if any) as a step would, leaving at `now`: its broadcasts together, then each
    /// single send.
    mutating func sendAsStep(_ outputs: [ConsensusOutput], node: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) {
        let delay = replicas[node].isHonest ? .zero : replicas[node].outputDelay(at: now)
        var broadcasts: [Artifact] = []
        for output in outputs {
            switch output {
            case .broadcast(let artifact): broadcasts.append(artifact)
            case .send(let artifact, let to):
                send(Message([artifact], from: node, processing: processing, dissemination: configuration.dissemination), from: node, to: [to.index], at: now, after: delay, &scheduler)
            case .finalized: break
            }
        }
        if !broadcasts.isEmpty {
            send(Message(broadcasts, from: node, processing: processing, dissemination: configuration.dissemination), from: node, to: replicas[node].peers, at: now, after: delay, &scheduler)
        }
    }

    /// Removes from ``certificationsToSend`` the certifications replica `index` aggregated, as
    /// its wrapper (if any) makes them.
    mutating func takeCertifications(of index: Int, _ now: SimInstant) -> [ConsensusOutput] {
        guard certificationsToSend.contains(where: { $0.node == index }) else { return [] }
        let mine = certificationsToSend.filter { $0.node == index }.map { ConsensusOutput.broadcast($0.artifact) }
        certificationsToSend.removeAll { $0.node == index }
        return replicas[index].isHonest ? mine : replicas[index].rewrite(mine, at: now)
    }

    /// Replica `index`'s certification share for the state after `height` (which it finalized
    /// and executed), as what it sends: an honest replica broadcasts it; a Byzantine one's
    /// wrapper rewrites it like its other outputs (withheld, sent selectively, ...). The
    /// replica counts its own share if it sends it at all.
    mutating func certificationShare(for height: Height, node index: Int, _ now: SimInstant) -> [ConsensusOutput] {
        guard let digest = replicas[index].ownExecution != nil
                ? replicas[index].ownExecution?.takeDigest(at: height) : execution.stateHash(at: height) else { return [] }
        let share = ConsensusOutput.broadcast(.certificationShare(height: height, state: digest, signer: NodeID(index)))
        let outputs = replicas[index].isHonest ? [share] : replicas[index].rewrite([share], at: now)
        if !outputs.isEmpty { certify(digest, height: height, signer: index, at: index, time: now) }
        return outputs
    }

    /// Replica `node` takes a certification share or a certification from a peer.
    mutating func takeForCertifier(_ artifact: Artifact, at node: Int, time: SimInstant) {
        switch artifact {
        case .certificationShare(let height, let state, let signer):
            certify(state, height: height, signer: signer.index, at: node, time: time)
        case .certification(let height, let state, let signers):
            let before = replicas[node].certifier.certifiedHeight
            guard replicas[node].certifier.accept(certification: state, height: height, signers: signers, time: time) else { return }
            certified(height, digest: state, at: node, time: time, highestBefore: before)
        default:
            break
        }
    }

    /// Replica `node` takes `signer`'s share; when that certifies the height there, it sends
    /// the certification it aggregated to its peers.
    mutating func certify(_ digest: SHA256Digest, height: Height, signer: Int, at node: Int, time: SimInstant) {
        let before = replicas[node].certifier.certifiedHeight
        guard let signers = replicas[node].certifier.add(share: digest, height: height, signer: signer, time: time) else { return }
        certificationsToSend.append((node, .certification(height: height, state: digest, signers: signers)))
        certified(height, digest: digest, at: node, time: time, highestBefore: before)
    }

    /// `height` became certified with `digest` at replica `node`: a replica whose highest
    /// certified height grew learns it after the event, and a height certified first for the
    /// subnet makes that height's answers visible.
    mutating func certified(_ height: Height, digest: SHA256Digest, at node: Int, time: SimInstant, highestBefore: Height) {
        let first = certification.record(height, digest: digest, at: time)
        if replicas[node].certifier.certifiedHeight > highestBefore {
            replicaHealthChanges &+= 1
            if !certifiedNotices.contains(node) { certifiedNotices.append(node) }
            releaseWaits(atReplica: node, time)
        }
        guard first else { return }
        execution.certify(height: height, at: time)
        if execution.state.routing != nil { outbox += execution.publish(through: height) }
    }
}

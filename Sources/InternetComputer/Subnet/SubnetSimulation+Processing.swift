import SimCore
import Consensus

/// How the shell feeds a replica's processors (Docs/Model.md, "Replica processing"): a
/// message that arrives goes to the receiver's certification processor (its certification
/// shares and certifications) and its consensus processor (the rest), each of which takes it
/// when it is free and spends the validation cost on it; a certifier that runs signs the
/// heights its replica executed meanwhile.
extension SubnetSimulation {
    /// The processing costs and rhythm of the subnet's replicas.
    var processing: ProcessingConfiguration {
        @inline(__always) get { configuration.processing }  // read per event; a call would copy the whole shell
    }

    /// `message` from `sender` reaches replica `node` now.
    mutating func deliver(_ message: Message, to node: Int, from sender: Int, _ scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        guard !isDown(node, at: now) else { return metrics.recordDroppedAtDownNode() }
        if !message.forCertifier.isEmpty {
            let time = replicas[node].certificationProcessor.take(arrivingAt: now, cost: message.certificationCost)
            for artifact in message.forCertifier { takeForCertifier(artifact, at: node, time: time) }
            if processing.idlePollInterval > .zero { signExecuted(node: node, time, &scheduler) }
        }
        guard !message.forConsensus.isEmpty else { return }
        let time = replicas[node].consensusProcessor.take(arrivingAt: now, cost: message.consensusCost)
        guard !takeWithoutStep(message, at: node, time) else { return finishUnchangedStep(node, at: time, &scheduler) }
        run(node, .artifacts(message.forConsensus, from: NodeID(sender)), at: time, &scheduler)
    }

    /// Whether replica `node` took `message`'s artifacts for consensus at `time` without a
    /// step, because the step would only have stored them
    /// (``ConsensusNode/takeWithoutStep(_:now:)``): decided for honest replicas only (a
    /// wrapper may act on anything), and only when no certification the replica aggregated
    /// waits to leave with its step's message.
    mutating func takeWithoutStep(_ message: Message, at node: Int, _ time: SimInstant) -> Bool {
        guard skipsUnchangedSteps, replicas[node].isHonest, !certificationsToSend.contains(where: { $0.node == node }) else {
            return false
        }
        // In place (see `ConsensusNode.changesNothing(_:)`), on the node's own clock.
        let local = replicas[node].localTime(time)
        return replicas[node].consensus.takeWithoutStep(message.forConsensus, now: local)
    }

    /// What ``run(_:_:at:_:)`` does after a step of replica `node` at `now` that output
    /// nothing and asked for the wake-up it asked for last: it sends nothing, keeps that
    /// wake-up, and records the round as every step does.
    mutating func finishUnchangedStep(_ node: Int, at now: SimInstant, _ scheduler: inout Scheduler<Event>) {
        setWakeUp(node, replicas[node].consensus.wakeUpAt, &scheduler)
        metrics.recordRound(node: node, height: replicas[node].consensus.notarizedHeight, at: now)
    }

    /// The CPU time of making `artifacts`.
    @inline(__always)  // called per step; a call would copy the whole shell
    func creationCost(of artifacts: [Artifact]) -> SimDuration {
        artifacts.reduce(.zero) { $0 + processing.creationCost(of: $1) }
    }

    /// Replica `node`'s certifier signs `height` now, unless it already did when it ran
    /// earlier (`shareReady` came due after a certification artifact woke it).
    mutating func signAwaited(_ height: Height, node: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) {
        if processing.idlePollInterval > .zero {
            guard let slot = replicas[node].awaitingSignature.firstIndex(where: { $0.height == height }) else { return }
            replicas[node].awaitingSignature.remove(at: slot)
        }
        let time = replicas[node].certificationProcessor.take(arrivingAt: now, cost: .zero)
        signLate(height, node: node, time, &scheduler)
    }

    /// Replica `node`'s certifier runs at `time`: it signs every height its replica finished
    /// executing by then, in height order.
    mutating func signExecuted(node: Int, _ time: SimInstant, _ scheduler: inout Scheduler<Event>) {
        while let first = replicas[node].awaitingSignature.first, first.executedAt <= time {
            replicas[node].awaitingSignature.removeFirst()
            signLate(first.height, node: node, time, &scheduler)
        }
    }
}

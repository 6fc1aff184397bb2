import SimCore
import Consensus
import ExecutionLayer

/// How each replica paces its execution: it executes the heights it finalized in order, each
/// taking its round's duration; a restarted replica reloads its checkpoint and replays; one
/// far behind fetches a checkpoint from its peers (state sync).
extension SubnetSimulation {
    /// Replica `node` executes `height` after what it is executing: whether its certifier
    /// signs it now; if not, it signs when its certifier notices the executed state (when it
    /// next runs: on an arrival, or at its idle poll).
    mutating func executionEnds(_ height: Height, node: Int, _ now: SimInstant, _ scheduler: inout Scheduler<Event>) -> Bool {
        let ready = max(now, replicas[node].executionBusyUntil) + execution.executionDuration(at: height)
        replicas[node].executionBusyUntil = ready
        replicas[node].queuedHeight = max(replicas[node].queuedHeight, height)
        let noticed = replicas[node].certificationProcessor.noticed(ready, interval: processing.idlePollInterval)
        guard noticed > now else { return true }
        if processing.idlePollInterval > .zero { replicas[node].awaitingSignature.append((height, ready)) }
        scheduler.schedule(.shareReady(node: node, height: height), at: noticed)
        return false
    }

    /// A crashed node restarts: its replica loads its last checkpoint from disk and executes
    /// again every height it had finalized since (with per-replica execution, its state goes
    /// back to that checkpoint and replays them); it signs nothing for those heights.
    mutating func restartReplica(_ node: Int, _ now: SimInstant) {
        let queued = replicas[node].queuedHeight
        let checkpoint = queued - queued % execution.checkpointInterval
        var busy = now + execution.checkpointLoadTime(at: checkpoint, sync: false)
        for height in stride(from: checkpoint + 1, through: queued, by: 1) { busy = busy + execution.executionDuration(at: height) }
        replicas[node].executionBusyUntil = busy
        replicas[node].awaitingSignature = []
        replicas[node].consensusProcessor.restart(at: now)
        replicas[node].certificationProcessor.restart(at: now)
        let chain = replicas[node].consensus.finalizedChain
        execution.restart(&replicas[node].ownExecution, node: node, chain: chain)
    }

    /// Replica `node` just finalized up to `top`: when that leaves it more than
    /// `stateSyncLagHeights` heights to execute across a checkpoint height the subnet has
    /// executed, it fetches the latest such checkpoint from its peers instead (state sync) and
    /// executes only what follows it. The height it synced to (0: none).
    mutating func stateSyncIfBehind(_ node: Int, through top: Height, _ now: SimInstant) -> Height {
        let queued = replicas[node].queuedHeight
        let checkpoint = min(top, execution.executedHeight) / execution.checkpointInterval * execution.checkpointInterval
        guard checkpoint > queued, top - queued > configuration.checkpoints.stateSyncLagHeights else { return 0 }
        let peer = replicas.first { $0.index != node && $0.ownExecution?.checkpoint.height == checkpoint }?.ownExecution?.checkpoint
        guard execution.sync(&replicas[node].ownExecution, to: checkpoint, from: peer) else { return 0 }
        replicas[node].executionBusyUntil = max(now, replicas[node].executionBusyUntil) + execution.checkpointLoadTime(at: checkpoint, sync: true)
        replicas[node].queuedHeight = checkpoint
        return checkpoint
    }
}

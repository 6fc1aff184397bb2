import SimCore
import Consensus

/// How the shell gives payload items (gossiped ingress messages, stream slices) to its
/// replicas: recorded once in the ``SharedPayload`` the honest replicas read, and given as a
/// `.payload` input to each replica that keeps a queue of its own (a Byzantine one, or one
/// whose finalized chain left the others').
extension SubnetSimulation {
    /// Gives `item` to each replica that is up, proposable from when gossip put it in its
    /// pool (its instant in row `arrivalsRow` of ``ingressArrivals``), or from now (`nil`).
    mutating func offer(_ item: PayloadItem, arrivalsRow row: Int?, _ scheduler: inout Scheduler<Event>) {
        let now = scheduler.now
        if sharedPayload.isShared, sharedPayload.holds(item.id) { stopSharingPayload() }
        // Every sharing replica's instant is set before any replica takes a step. A gossiped
        // message's row is `.max` where a replica was down (the gossip skipped it), so it is
        // copied whole.
        if sharedPayload.isShared, let row {
            let arrivals = ingressArrivals
            _ = sharedPayload.append(item) { arrivals[row, $0] }
        } else if sharedPayload.isShared {
            let sequence = sharedPayload.append(item)
            for node in replicas.indices where !isDown(node, at: now) { sharedPayload.setAvailable(sequence, replica: node, at: now) }
        }
        // One array for every input (each holds it until its node takes the item).
        var items: [PayloadItem] = []
        for node in replicas.indices where !isDown(node, at: now) {
            guard !sharedPayload.isShared(by: node) else {
                takeSharedPayload(node: node, &scheduler)
                continue
            }
            if items.isEmpty { items = [item] }
            takePayload(items, node: node, at: row.map { ingressArrivals[$0, node] } ?? now, &scheduler)
        }
    }

    /// Replica `node`, which reads the shared payload, has a new item there: what the shell
    /// does after a step on a `.payload` input, without the step (which would only have
    /// queued the item, output nothing and asked for its last wake-up again); a step on an
    /// empty input when a certification it aggregated waits to leave with one.
    mutating func takeSharedPayload(node: Int, _ scheduler: inout Scheduler<Event>) {
        let time = max(scheduler.now, replicas[node].consensusProcessor.busyUntil)
        guard !certificationsToSend.contains(where: { $0.node == node }) else {
            return run(node, .payload([], availableAt: time), at: time, &scheduler)
        }
        finishUnchangedStep(node, at: time, &scheduler)
    }

    /// Every replica stops reading the shared payload and keeps its own queue, holding what
    /// it saw there (before an item ID would be recorded twice, and in the tests that
    /// compare both ways).
    package mutating func stopSharingPayload() {
        for node in replicas.indices where sharedPayload.isShared(by: node) {
            replicas[node].consensus.exchangeSharedPayload(&sharedPayload)
            replicas[node].consensus.stopSharingPayload()
            replicas[node].consensus.exchangeSharedPayload(&sharedPayload)
        }
    }
}

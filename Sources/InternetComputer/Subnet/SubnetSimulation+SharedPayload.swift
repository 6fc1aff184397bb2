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
            _ = arrivals.withRow(row) { sharedPayload.append(item, availability: $0) }
        } else if sharedPayload.isShared {
            let sequence = sharedPayload.append(item)
            for node in replicas.indices where !isDown(node, at: now) { sharedPayload.setAvailable(sequence, replica: node, at: now) }
        }
        // One array for every input (each holds it until its node takes the item).
        var items: [PayloadItem] = []
        for node in replicas.indices where !isDown(node, at: now) {
            guard !sharedPayload.isShared(by: node) else {
                // Checked here first: most replicas are settled (no call, no processor read).
                if !isSettled(node, at: now) { takeSharedPayload(node: node, &scheduler) }
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
        // Most items find the replica as the last one left it: nothing to do.
        if isSettled(node, at: scheduler.now) { return }
        finishUnchangedStep(node, at: time, &scheduler)
        settledReplicas[node] = settledState(of: node, scheduler)
    }

    /// Whether replica `node` is as ``takeSharedPayload(node:_:)`` last left it at `now`, with
    /// no certification of its waiting to leave: taking an item changes nothing then
    /// (``SettledReplica``).
    @inline(__always)  // per replica per item; a call from a mutating method would copy the whole shell
    func isSettled(_ node: Int, at now: SimInstant) -> Bool {
        // (Leaf fields only: passing the replica would copy it.)
        guard skipsUnchangedSteps, certificationsToSend.isEmpty, let settled = settledReplicas[node] else { return false }
        return settled.holds(wakeUp: replicas[node].wakeUp, requested: replicas[node].consensus.wakeUpAt,
                             notarizedHeight: replicas[node].consensus.notarizedHeight, before: now)
    }

    /// Replica `node`'s ``SettledReplica`` state now, if it has one.
    @inline(__always)  // a call from a mutating method copied the whole shell
    func settledState(of node: Int, _ scheduler: borrowing Scheduler<Event>) -> SettledReplica? {
        guard let handle = replicas[node].wakeUp, let requested = replicas[node].consensus.wakeUpAt,
              let time = scheduler.scheduledTime(of: handle), time > scheduler.now, time == replicas[node].virtualTime(ofLocal: requested),
              metrics.notarizedHeights[node] >= replicas[node].consensus.notarizedHeight else { return nil }
        return SettledReplica(wakeUp: handle, requested: requested, notarizedHeight: replicas[node].consensus.notarizedHeight, until: time)
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

/// A replica after ``SubnetSimulation/finishUnchangedStep(_:at:_:)``, kept so that the next
/// item offered can tell that doing it again would change nothing (the offer of each item to
/// each of 13 replicas did both look-ups, about 100 instructions a replica).
///
/// Doing it again at `now` keeps the wake-up if it is pending at the replica's asked time, or
/// now plus a nanosecond if that is later; and records a round if the replica's notarized
/// height rose past the one recorded. So while the replica holds the same wake-up handle,
/// asks for the same (local) time and has the same notarized height, both are no-ops until
/// that wake-up is due: the handle is pending then (it fires only at its time, and only
/// `setWakeUp` cancels, replacing the handle), at the time it would ask for again; and
/// recorded heights never fall.
struct SettledReplica: Sendable {
    /// Its pending wake-up.
    let wakeUp: EventHandle
    /// The (local) time its consensus asked to wake up at.
    let requested: SimInstant
    /// Its notarized height (the metrics had recorded it, or one above it).
    let notarizedHeight: Height
    /// The wake-up's (virtual) time: before it, nothing needs doing.
    let until: SimInstant

    /// Whether the replica is still in this state at `now` (holding wake-up handle `handle`,
    /// asking for `asked`, at notarized height `height`), so that finishing an unchanged step
    /// of it would change nothing.
    @inline(__always)
    func holds(wakeUp handle: EventHandle?, requested asked: SimInstant?, notarizedHeight height: Height, before now: SimInstant) -> Bool {
        now < until && handle == wakeUp && asked == requested && height == notarizedHeight
    }
}

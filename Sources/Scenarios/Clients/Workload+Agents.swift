import SimCore
import ExecutionLayer
import InternetComputer

/// How agents wait for an update call's answer (Docs/Model.md, "Clients"): a synchronous (v3)
/// call waits on its connection while the replica holds it, until the answer is certified
/// there or the replica's timeout (then the agent polls); a polling agent polls `read_state`
/// with backoff.
extension Workload {
    /// Update call `index` reached replica `replica` of `subnet` at `arrival` as a
    /// synchronous call: the replica holds its connection until its answer is certified there,
    /// or until its timeout.
    mutating func wait(_ index: Int, at replica: Int, subnet: Int, arrival: SimInstant,
                       _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: inout InternetComputerSimulation) {
        let client = Int(updates[index].client)
        updates[index].waitingAt = Int32(replica)
        if ic.awaitAnswer(of: updates[index].messageID, onSubnet: subnet, atReplica: replica, token: index) {
            scheduler.schedule(.syncAnswered(call: index), at: arrival, lane: WorkloadLane.syncAnswers)
        }
        // Due a fixed delay after the call's arrival: nearly in time order, so a lane keeps
        // them (thousands pending, each answered long before it fires) out of the tiers.
        scheduler.schedule(.syncTimeout(call: index), at: arrival + specifications[client].syncCallTimeout, lane: WorkloadLane.syncTimeouts)
    }

    /// The replica holding synchronous call `index` answers it now (its answer is certified
    /// there: the status it recorded then, ``heldAnswers``, or else what it tells now); the
    /// answer reaches the user back the two hops. Nothing if the wait already timed out (the
    /// replica no longer holds the connection) or the call ended.
    mutating func syncAnswered(_ index: Int, _ now: SimInstant, _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: borrowing InternetComputerSimulation) {
        let held = heldAnswers.removeValue(forKey: index)
        guard let replica = updates[index].waitingAt, updates[index].end == nil else { return }
        let call = updates[index]
        let status = held ?? ic.readState(requestStatusOf: call.messageID, onSubnet: target(of: call).subnet, atReplica: Int(replica))
        guard let (end, answer) = Self.end(status) else { return }
        updates[index].waitingAt = nil
        let client = Int(call.client)
        finish(index, end, answer, at: now + hop(client, to: Int(replica), onSubnet: target(of: call).subnet, ic) + oneWay(client), &scheduler)
    }

    /// The replica holding synchronous call `index` stops waiting and answers 202 (back the
    /// two hops); the agent then polls.
    mutating func syncTimedOut(_ index: Int, _ now: SimInstant, _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: inout InternetComputerSimulation) {
        guard let replica = updates[index].waitingAt, updates[index].end == nil else { return }
        updates[index].waitingAt = nil
        let client = Int(updates[index].client)
        let back = now + hop(client, to: Int(replica), onSubnet: target(of: updates[index]).subnet, ic) + oneWay(client)
        schedulePoll(index, answeredAt: back, &scheduler, &ic)
    }

    /// The agent of update call `index`, told at `time` that the answer is not there yet,
    /// polls after its current wait, which then grows 1.4 times, up to 1 s (or the client's
    /// first wait, if longer): ic-agent's default backoff. The poll reaches the boundary node,
    /// which routes it (``readRoute(of:toSubnet:at:_:)``), and the first replica of its route.
    mutating func schedulePoll(_ index: Int, answeredAt time: SimInstant, _ scheduler: inout Scheduler<WorkloadEvent>,
                               _ ic: inout InternetComputerSimulation) {
        let client = Int(updates[index].client)
        let wait = updates[index].pollWait
        let longest = max(specifications[client].pollInterval, .seconds(1))
        updates[index].pollWait = min(.nanoseconds(wait.nanoseconds / 10 * 14), longest)
        let subnet = target(of: updates[index]).subnet
        let atEntry = time + wait + oneWay(client)
        let route = readRoute(of: client, toSubnet: subnet, at: atEntry, &ic)
        updates[index].pollRoute = route
        scheduler.schedule(.pollArrives(call: index), at: atEntry + hop(client, to: route.current, onSubnet: subnet, ic))
    }
}

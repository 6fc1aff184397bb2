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
            scheduler.schedule(.syncAnswered(call: index), at: arrival)
        }
        scheduler.schedule(.syncTimeout(call: index), at: arrival + specifications[client].syncCallTimeout)
    }

    /// The replica holding synchronous call `index` answers it now (its answer is certified
    /// there); the answer reaches the user one delay later. Nothing if the wait already timed
    /// out (the replica no longer holds the connection) or the call ended.
    mutating func syncAnswered(_ index: Int, _ now: SimInstant, _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: borrowing InternetComputerSimulation) {
        guard let replica = updates[index].waitingAt, updates[index].end == nil else { return }
        let call = updates[index]
        let status = ic.readState(requestStatusOf: call.messageID, onSubnet: target(of: call).subnet, atReplica: Int(replica))
        guard let (end, answer) = Self.end(status) else { return }
        updates[index].waitingAt = nil
        finish(index, end, answer, at: now + oneWay(Int(call.client)), &scheduler)
    }

    /// The replica holding synchronous call `index` stops waiting and answers 202; the agent
    /// then polls.
    mutating func syncTimedOut(_ index: Int, _ now: SimInstant, _ scheduler: inout Scheduler<WorkloadEvent>) {
        guard updates[index].waitingAt != nil, updates[index].end == nil else { return }
        updates[index].waitingAt = nil
        schedulePoll(index, answeredAt: now + oneWay(Int(updates[index].client)), &scheduler)
    }

    /// The agent of update call `index`, told at `time` that the answer is not there yet,
    /// polls after its current wait, which then grows 1.4 times, up to 1 s (or the client's
    /// first wait, if longer): ic-agent's default backoff.
    mutating func schedulePoll(_ index: Int, answeredAt time: SimInstant, _ scheduler: inout Scheduler<WorkloadEvent>) {
        let client = Int(updates[index].client)
        let wait = updates[index].pollWait
        let longest = max(specifications[client].pollInterval, .seconds(1))
        updates[index].pollWait = min(.nanoseconds(wait.nanoseconds / 10 * 14), longest)
        scheduler.schedule(.pollArrives(call: index), at: time + wait + oneWay(client))
    }
}

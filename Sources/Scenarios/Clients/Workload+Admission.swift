import SimCore
import InternetComputer

extension Workload {
    /// Client `client`'s user `user` learns at `time` that its update call (sent at `sentAt`;
    /// step `step` of a scripted client) was refused before it reached the ingress pool: the
    /// call ends at once as a reject whose reason is the HTTP status (``CallRefusal/reason``),
    /// counted in ``ClientStatistics/refused``, and the user goes on.
    mutating func refused(_ client: Int, user: Int, _ refusal: CallRefusal, step: Int?, sentAt: SimInstant, at time: SimInstant,
                          _ scheduler: inout Scheduler<WorkloadEvent>) {
        statistics[client].refused += 1
        record(.rejected(reason: refusal.reason), client: client, latency: time - sentAt, at: time)
        record(.refused(httpStatus: refusal.httpStatus, errorCode: refusal.errorCode, message: refusal.message), client: client, step: step,
               sentAt: sentAt, at: time)
        nextCall(after: time, client: client, user: user, &scheduler)
    }

    /// Update calls client `client` made that were refused (none of them is in ``updates``).
    public func refusedCalls(ofClient client: Int) -> UInt64 {
        statistics[client].refused
    }
}

import SimCore
import ExecutionLayer
import InternetComputer

/// Queries (Docs/Model.md, "Clients" and "Query capacity"): a query reaches the replica of its
/// route's current try; a replica that refuses it (HTTP 429) or cannot be reached sends the
/// boundary node on to the route's next replica, a round trip of it later; the answer goes
/// back the two hops to the user.
extension Workload {
    /// A query reaches replica `route.current`: its query service refuses it (HTTP 429) or
    /// answers it from its cache or by running it against the state it has certified, once a
    /// query thread is free for it.
    mutating func query(_ client: Int, user: Int, sentAt: SimInstant, number: UInt64, route: BoundaryNodeRoute, _ now: SimInstant,
                        _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: inout InternetComputerSimulation) {
        let target = plannedCall(client, number: number)
        let step = target.step.map(Int.init)
        guard let node = route.current else {
            // The boundary node found no healthy replica (or, bypassing it, none is up).
            return finishQuery(client, user: user, (.rejected(reason: "no replica up"), Self.noReplicaUp), step: step, sentAt: sentAt,
                               at: now + oneWay(client), &scheduler)
        }
        let hop = hop(client, to: node, onSubnet: target.subnet, ic)
        var response: QueryResponse?
        if !ic.isDown(node, onSubnet: target.subnet, at: now) {
            let request = QueryRequest(canister: target.canister, method: target.method,
                                       argument: argument(client, number: number), sender: sender(client: client, user: user, number: number))
            response = ic.query(request, onSubnet: target.subnet, atReplica: node, at: now)
        }
        let answeredAt = response?.answeredAt ?? now
        // Retriable at the boundary node: a 429, or a replica it cannot reach.
        // (Read in place: `map` over the optional copied the response.)
        if (response?.httpStatus ?? 429) == 429, throughBoundaryNode(client), let next = route.next {
            let retry = answeredAt + hop + self.hop(client, to: next.current, onSubnet: target.subnet, ic)
            scheduleQuery(.queryArrives(client: Int32(client), user: Int32(user), sentAt: sentAt, number: number, route: next), at: retry,
                          toReplica: next.current, &scheduler)
            return
        }
        let back = answeredAt + hop + oneWay(client)
        guard let response else {
            return finishQuery(client, user: user, (.rejected(reason: "no replica up"), Self.noReplicaUp), step: step, sentAt: sentAt, at: back, &scheduler)
        }
        guard response.httpStatus == 200 else {
            // Refused, as a refused update call is: counted refused, the HTTP status its reason.
            let message = if case .failure(let reject) = response.result { reject.message } else { "" }
            statistics[client].refused += 1
            statistics[client].queriesRefused += 1
            let answer = CallAnswer.refused(httpStatus: response.httpStatus, errorCode: nil, message: message)
            return finishQuery(client, user: user, (.rejected(reason: "HTTP \(response.httpStatus)"), answer), step: step, sentAt: sentAt, at: back, &scheduler)
        }
        let end: (CallEnd, CallAnswer) = switch response.result {
        case .success(let bytes): (.replied, .replied(bytes))
        case .failure(let reject): (.rejected(reason: Self.reason(reject)), CallAnswer(reject))
        }
        finishQuery(client, user: user, end, step: step, sentAt: sentAt, at: back, &scheduler)
    }

    /// Schedules `event`, a query reaching replica `node` at `time`, in that replica's lane.
    func scheduleQuery(_ event: WorkloadEvent, at time: SimInstant, toReplica node: Int?, _ scheduler: inout Scheduler<WorkloadEvent>) {
        if let lane = WorkloadLane.queries(toReplica: node) {
            scheduler.schedule(event, at: time, lane: lane)
        } else {
            scheduler.schedule(event, at: time)
        }
    }

    /// A query of client `client`'s user `user` ended `end`, its user learning it at `time`.
    mutating func finishQuery(_ client: Int, user: Int, _ end: (CallEnd, CallAnswer), step: Int?, sentAt: SimInstant, at time: SimInstant,
                              _ scheduler: inout Scheduler<WorkloadEvent>) {
        record(end.0, client: client, latency: time - sentAt, at: time)
        record(end.1, client: client, step: step, sentAt: sentAt, at: time)
        statistics[client].queriesEnded += 1
        nextCall(after: time, client: client, user: user, &scheduler)
    }
}

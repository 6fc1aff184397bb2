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
        let (subnet, step) = queryTarget(client, number: number)
        guard let node = route.current else {
            // The boundary node found no healthy replica (or, bypassing it, none is up).
            return finishQuery(client, user: user, (.rejected(reason: "no replica up"), Self.noReplicaUp), step: step, sentAt: sentAt,
                               at: now + oneWay(client), &scheduler)
        }
        let hop = hop(client, to: node, onSubnet: subnet, ic)
        guard !ic.isDown(node, onSubnet: subnet, at: now) else {
            // Retriable at the boundary node, as a 429 is: a replica it cannot reach.
            if retry(client, user: user, sentAt: sentAt, number: number, route: route, from: node, at: now, onSubnet: subnet, &scheduler, ic) { return }
            return finishQuery(client, user: user, (.rejected(reason: "no replica up"), Self.noReplicaUp), step: step, sentAt: sentAt,
                               at: now + hop + oneWay(client), &scheduler)
        }
        // The response is a constant read in place (optional bindings and copies of it cost
        // about 250 instructions a query).
        let response = ic.query(preparedQuery(client, user: user, number: number), onSubnet: subnet, atReplica: node, at: now)
        if response.httpStatus == 429,
           retry(client, user: user, sentAt: sentAt, number: number, route: route, from: node, at: response.answeredAt, onSubnet: subnet, &scheduler, ic) {
            return
        }
        let back = response.answeredAt + hop + oneWay(client)
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

    /// The boundary node sends a query that replica `node` refused (HTTP 429) or that could
    /// not reach it at `time` on to its route's next replica, a round trip of it later:
    /// whether it did (a client bypassing it, or a route at its end, is not retried).
    mutating func retry(_ client: Int, user: Int, sentAt: SimInstant, number: UInt64, route: BoundaryNodeRoute, from node: Int, at time: SimInstant,
                        onSubnet subnet: Int, _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: borrowing InternetComputerSimulation) -> Bool {
        guard throughBoundaryNode(client), let next = route.next else { return false }
        let retry = time + hop(client, to: node, onSubnet: subnet, ic) + hop(client, to: next.current, onSubnet: subnet, ic)
        scheduleQuery(.queryArrives(client: Int32(client), user: Int32(user), sentAt: sentAt, number: number, route: next), at: retry,
                      toReplica: next.current, &scheduler)
        return true
    }

    /// The subnet and the step (scripted clients only) of client `client`'s query number
    /// `number` (its planned call without the method's text: no reference counting).
    func queryTarget(_ client: Int, number: UInt64) -> (subnet: Int, step: Int?) {
        guard specifications[client].steps != nil else { return (targets[client].subnet, nil) }
        let target = plannedCall(client, number: number)
        return (target.subnet, target.step.map(Int.init))
    }

    /// The request of client `client`'s user `user`'s query number `number`, prepared: made
    /// once per user for a client whose requests do not change from call to call (no steps,
    /// a fixed argument), and made afresh otherwise (drawing a random argument from the
    /// client's stream, as before).
    mutating func preparedQuery(_ client: Int, user: Int, number: UInt64) -> PreparedQuery {
        guard specifications[client].steps == nil, specifications[client].argument.isConstant else {
            return PreparedQuery(queryRequest(client, user: user, number: number))
        }
        while preparedQueries[client].count <= user {
            // A constant argument draws nothing from the stream, for this user or an earlier one.
            preparedQueries[client].append(PreparedQuery(queryRequest(client, user: preparedQueries[client].count, number: number)))
        }
        return preparedQueries[client][user]
    }

    /// The request of client `client`'s user `user`'s query number `number`.
    mutating func queryRequest(_ client: Int, user: Int, number: UInt64) -> QueryRequest {
        let target = plannedCall(client, number: number)
        return QueryRequest(canister: target.canister, method: target.method, argument: argument(client, number: number),
                            sender: sender(client: client, user: user, number: number))
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

extension ArgumentGenerator {
    /// Whether every call gets the same argument (drawing nothing from the client's stream).
    var isConstant: Bool {
        switch self {
        case .fixed, .candid: true
        case .sequence, .random: false
        }
    }
}

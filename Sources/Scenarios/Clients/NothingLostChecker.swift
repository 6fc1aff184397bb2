import SimCore
import ExecutionLayer
import InternetComputer

/// The "nothing lost" checker: at the end of a run, every call a client made is accounted for
/// exactly once, and the clients' view agrees with the subnets' records. It sits outside the
/// clients and the nodes, and reads both.
///
/// - An update call that ended replied or rejected was answered so by its subnet.
/// - An update call that ended expired had no answer its subnet certified in time for the
///   user's polls to see it (at least a poll interval and a round trip before its expiry).
/// - An update call still waiting at the end has not passed its expiry by more than a poll
///   interval and a round trip (its user would have given up).
/// - Queries sent equal queries ended plus those still on their way at the end.
/// - Every client-made message the subnets answered belongs to a call.
/// - Every call a client sent was admitted (and is among its update calls) or refused (and
///   counted), or is a query; the subnets' admissions accepted exactly the clients' update
///   calls and refused exactly the calls the clients counted refused.
public enum NothingLostChecker {
    /// The problems found (empty when nothing was lost), each naming a call; at most
    /// `limit` of each kind are listed, with a count of the rest.
    public static func problems(_ workload: Workload, _ ic: InternetComputerSimulation, end: SimInstant, limit: Int = 5) -> [String] {
        var problems: [String] = []
        var counts: [String: Int] = [:]
        func report(_ kind: String, _ text: @autoclosure () -> String) {
            counts[kind, default: 0] += 1
            if counts[kind, default: 0] <= limit { problems.append(text()) }
        }
        for call in workload.updates {
            if let problem = problem(with: call, workload, ic, end: end) { report(problem.kind, problem.text) }
        }
        for (client, specification) in workload.specifications.enumerated() where specification.call == .query {
            let sent = workload.queriesSent[client]
            let ended = workload.statistics[client].queriesEnded
            if ended > sent { report("queries", "client \"\(specification.name)\": \(ended) queries ended but only \(sent) were sent") }
        }
        var answered = 0
        for subnet in ic.subnets.indices { answered += ic.answeredCount(onSubnet: subnet) }
        let made = workload.updates.count
        if answered > made { report("phantom", "the subnets answered \(answered) client messages, but the clients made \(made) update calls") }
        for problem in admissionProblems(workload, ic) { report("refused", problem) }
        for kind in counts.keys.sorted() where counts[kind, default: 0] > limit {
            problems.append("... and \(counts[kind, default: 0] - limit) more of kind \"\(kind)\"")
        }
        return problems
    }

    /// What is wrong with update call `call`, if anything.
    static func problem(with call: UpdateCall, _ workload: Workload, _ ic: InternetComputerSimulation, end: SimInstant) -> (kind: String, text: String)? {
        let client = Int(call.client)
        let specification = workload.specifications[client]
        let subnet = workload.target(of: call).subnet
        let outcome = ic.ingressOutcome(call.messageID, onSubnet: subnet, certifiedAt: 0).outcome
        // The agent's longest wait between polls, and a poll's round trip and the answer's way
        // back: to the boundary node and on to a replica, with its retries at two more.
        let hopMax = workload.throughBoundaryNode(client) ? ic.boundaryNode(ofSubnet: subnet).replicaDelays.max() ?? .zero : .zero
        let slack = max(specification.pollInterval, .seconds(1)) + (specification.networkDelay + specification.networkJitter) * 3
            + hopMax * Int64(2 + 2 * BoundaryNodeConfiguration.retryCount)
        // Built only for a problem: most calls have none, and the text costs more than the check.
        var name: String { "update call \(call.messageID) of client \"\(specification.name)\" (sent at \(call.sentAt))" }
        switch call.end {
        case .replied?:
            guard case .replied? = outcome?.status else { return ("replied", "\(name) ended replied, but its subnet has no reply for it") }
        case .rejected?:
            guard case .rejected? = outcome?.status else { return ("rejected", "\(name) ended rejected, but its subnet has no reject for it") }
        case .expired?:
            // Expired is wrong if the replica the last poll reached had the answer certified
            // then: that poll should have returned it. (Another replica having it is not
            // enough: under a partition the replica polled may be on the side that lags.) What
            // the replica had certified just before the poll, as a certification at the poll's
            // very instant may come after it.
            if let poll = call.lastPoll, let node = poll.node, let height = outcome?.height, outcome?.certifiedAt != nil,
               ic.certifiedHeight(atNode: Int(node), onSubnet: subnet, at: poll.at - .nanoseconds(1)) >= height {
                return ("expired", "\(name) ended expired, but replica \(node), which its last poll reached at \(poll.at), "
                        + "had certified its answer (height \(height))")
            }
            if SubnetExecution.timeNanos(call.lastPoll?.at ?? .zero) < call.expiryNanos {
                return ("expired", "\(name) ended expired before its expiry (its last poll was at \(call.lastPoll.map { "\($0.at)" } ?? "no time"))")
            }
        case nil:
            if SubnetExecution.timeNanos(end) > call.expiryNanos + UInt64(slack.nanoseconds) {
                return ("waiting", "\(name) is still waiting at the end, past its expiry: its user never learned how it ended")
            }
        }
        return nil
    }
}

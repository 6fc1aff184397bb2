import SimCore
import ExecutionLayer
import InternetComputer

/// What happens to the clients, in virtual time.
public enum WorkloadEvent: Sendable, Equatable {
    /// An open-loop client's next call starts.
    case arrival(client: Int32)
    /// A closed-loop user starts its next call.
    case userReady(client: Int32, user: Int32)
    /// A `read_state` poll for update call `call` (its index among all update calls) reaches a
    /// replica (the current try of the call's poll route).
    case pollArrives(call: Int)
    /// A query reaches a replica, the current try of `route` (sent at `sentAt`; `number` is
    /// the client's call number).
    case queryArrives(client: Int32, user: Int32, sentAt: SimInstant, number: UInt64, route: BoundaryNodeRoute)
    /// The time-series sample of bucket `index` is due.
    case sample(index: Int32)
    /// The replica holding synchronous update call `call` (its index among all update calls)
    /// has its answer certified, and answers on the call's connection.
    case syncAnswered(call: Int)
    /// The replica holding synchronous update call `call` stops waiting (202): the agent polls.
    case syncTimeout(call: Int)
}

/// The event queue's lanes the clients' events nearly in time order go to
/// (``Scheduler/schedule(_:at:lane:)``: they run exactly as if scheduled plainly).
enum WorkloadLane {
    /// Synchronous calls' timeouts: each a client's fixed timeout after the call's arrival.
    static let syncTimeouts = 0
    /// Synchronous calls' answers: when the replica holding the call certified its answer.
    static let syncAnswers = 1
    /// Open-loop clients' next calls (one pending per client).
    static let arrivals = 2
    /// The first of the lanes of queries reaching a replica, one per replica (each a client's
    /// network delay, jitter and the boundary node's fixed delay to that replica ahead).
    static let firstQueryLane = 3

    /// The lane of a query reaching replica `node` (`nil`: schedule it plainly).
    static func queries(toReplica node: Int?) -> Int? {
        guard let node, node < 64 - firstQueryLane else { return nil }
        return firstQueryLane + node
    }
}

/// How a call ended, as its user saw it.
public enum CallEnd: Hashable, Sendable {
    /// With a reply.
    case replied
    /// With a reject, for this reason (an IC error code such as `IC0503`, or the reject
    /// code's name for a canister's own reject).
    case rejected(reason: String)
    /// No certified answer by the message's expiry (update calls only).
    case expired
}

/// An update call a client made, and what became of it.
public struct UpdateCall: Sendable {
    /// The client (index into the scenario's clients).
    public var client: Int32
    /// The client's user that made it.
    public var user: Int32
    /// The ingress message's ID.
    public var messageID: UInt64
    /// When the user sent it.
    public var sentAt: SimInstant
    /// Its expiry (IC time, nanoseconds since 1970): the submission's time plus the subnet's
    /// ingress time to live.
    public var expiryNanos: UInt64
    /// When the user learned how it ended (`nil` while waiting).
    public var endedAt: SimInstant?
    /// How it ended (`nil` while waiting).
    public var end: CallEnd?
    /// When its last `read_state` poll reached a replica, and that replica (`nil` when none
    /// was up); `nil` before the first poll.
    public var lastPoll: (node: Int32?, at: SimInstant)?
    /// The replicas its poll under way is tried at (the boundary node's route).
    public var pollRoute = BoundaryNodeRoute.empty
    /// The step it is of its scripted client (`nil` for the other clients' calls).
    public var step: Int32?
    /// The replica holding its connection while it is a synchronous call waiting for its
    /// certified answer (`nil`: it polls, or never waited).
    public var waitingAt: Int32?
    /// The agent's wait before its next poll (it grows after each poll).
    public var pollWait: SimDuration = .zero
}

/// The clients of a scenario as a state machine over the simulated IC: open-loop arrivals and
/// closed-loop users make calls; an update call reaches the subnet's replicas through a
/// boundary node and is then polled (`read_state`) at a replica the boundary node picks until
/// its answer is certified there or it expires; a query runs at one replica against the state
/// it has and returns. Every call is recorded, so that none can be lost unseen.
public struct Workload: Sendable {
    /// The clients, as configured.
    public let specifications: [ClientSpecification]
    /// Each client's subnet and target canister (a scripted client's default target, or its
    /// first step's).
    package let targets: [(subnet: Int, canister: CanisterID)]
    /// Each scripted client's steps' subnets and target canisters (empty for the others).
    package let stepTargets: [[(subnet: Int, canister: CanisterID)]]
    /// Each client's random stream (arguments, Poisson arrivals, replica choice).
    var streams: [RandomStream]
    /// Calls each client started (its next call number).
    var callsStarted: [UInt64]
    /// Every update call, in the order made.
    public internal(set) var updates: [UpdateCall] = []
    /// Queries sent and ended, per client (a query in flight is the difference).
    public private(set) var queriesSent: [UInt64]
    /// What each client's calls came to.
    public package(set) var statistics: [ClientStatistics]
    /// The distinct replies and rejects each client received, with counts.
    public internal(set) var answers: [ClientAnswers]
    /// What each step of each scripted client came to, in order (empty for the others).
    public internal(set) var stepOutcomes: [[StepOutcome]]
    /// The time series: bucket width, and the run's end.
    public let bucket: SimDuration
    let end: SimInstant
    /// The next ingress message ID (unique across subnets; below 2^63).
    var nextMessageID: UInt64 = 1
    /// Each client's users' principals, by user number.
    var senders: [[Principal]]
    /// Each client's next replica in turn, for clients that bypass the boundary node.
    var entryTurns: [Int]
    /// Each client's queries' requests by user number, prepared once (``preparedQuery(_:user:number:)``;
    /// empty for clients whose requests change from call to call).
    var preparedQueries: [[PreparedQuery]]
    /// The answers replicas holding synchronous calls sent when the answers became visible,
    /// by update call, until the call handles them (``syncAnswered(_:_:_:_:)``; only looked up).
    var heldAnswers: [Int: RequestStatus] = [:]

    /// The clients of `scenario`, on the subnets `configuration` describes.
    init(scenario: Scenario, configuration: InternetComputerConfiguration) {
        specifications = scenario.clients
        let root = RandomSeed(scenario.seed).derive("workload")
        targets = scenario.clients.map { client in
            scenario.target(ofCanisterNamed: client.steps.map { client.canister.isEmpty ? $0.first?.canister ?? "" : client.canister } ?? client.canister)
        }
        stepTargets = scenario.clients.map { client in
            (client.steps ?? []).map { scenario.target(ofCanisterNamed: $0.canister ?? client.canister) }
        }
        answers = Array(repeating: ClientAnswers(), count: scenario.clients.count)
        stepOutcomes = Array(repeating: [], count: scenario.clients.count)
        streams = scenario.clients.indices.map { root.stream("client", index: UInt64($0)) }
        callsStarted = Array(repeating: 0, count: scenario.clients.count)
        queriesSent = Array(repeating: 0, count: scenario.clients.count)
        senders = Array(repeating: [], count: scenario.clients.count)
        entryTurns = Array(repeating: 0, count: scenario.clients.count)
        preparedQueries = Array(repeating: [], count: scenario.clients.count)
        end = .zero + scenario.duration
        bucket = Self.bucketWidth(for: scenario.duration)
        let buckets = Int(scenario.duration.nanoseconds / bucket.nanoseconds) + 1
        statistics = scenario.clients.map { _ in ClientStatistics(buckets: buckets) }
    }

    /// At most 300 buckets, each a whole number of seconds (at least one).
    static func bucketWidth(for duration: SimDuration) -> SimDuration {
        let seconds = max((duration.nanoseconds + 299_999_999_999) / 300_000_000_000, 1)
        return .seconds(seconds)
    }

    /// The first events: each client's first call (or each user's).
    func start(_ scheduler: inout Scheduler<WorkloadEvent>) {
        for (index, client) in specifications.enumerated() {
            let at = SimInstant.zero + client.from
            guard at < activeEnd(index) else { continue }
            switch client.load {
            case .openLoop: scheduler.schedule(.arrival(client: Int32(index)), at: at)
            case .closedLoop(let users, _):
                for user in 0..<users { scheduler.schedule(.userReady(client: Int32(index), user: Int32(user)), at: at) }
            case .scripted(let steps) where !steps.isEmpty: scheduler.schedule(.userReady(client: Int32(index), user: 0), at: at)
            case .scripted: break
            }
        }
    }

    /// When client `index` stops starting calls.
    package func activeEnd(_ index: Int) -> SimInstant {
        min(SimInstant.zero + (specifications[index].until ?? end - .zero), end)
    }

    /// Handles `event` against the simulated IC.
    mutating func handle(_ event: WorkloadEvent, _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: inout InternetComputerSimulation) {
        let now = scheduler.now
        switch event {
        case .arrival(let client):
            startCall(Int(client), user: 0, now, &scheduler, &ic)
            scheduleArrival(after: now, client: Int(client), &scheduler)
        case .userReady(let client, let user):
            startCall(Int(client), user: Int(user), now, &scheduler, &ic)
        case .pollArrives(let call):
            poll(call, now, &scheduler, &ic)
        case .queryArrives(let client, let user, let sentAt, let number, let route):
            query(Int(client), user: Int(user), sentAt: sentAt, number: number, route: route, now, &scheduler, &ic)
        case .syncAnswered(let call):
            syncAnswered(call, now, &scheduler, ic)
        case .syncTimeout(let call):
            syncTimedOut(call, now, &scheduler, &ic)
        case .sample:
            preconditionFailure("samples are the run's (FinalizedHeightSampler), not the clients'")
        }
    }

    /// Schedules an open-loop client's next arrival, if it comes before the client stops.
    mutating func scheduleArrival(after now: SimInstant, client: Int, _ scheduler: inout Scheduler<WorkloadEvent>) {
        guard case .openLoop(let rate, let poisson) = specifications[client].load else { return }
        let next: SimInstant
        if poisson {
            next = now + streams[client].exponential(mean: .nanoseconds(max(Int64(1e9 / rate), 1)))
        } else {
            // The k-th call at from + k / rate exactly, so rounding never accumulates.
            let count = Double(callsStarted[client])
            next = SimInstant.zero + specifications[client].from + .nanoseconds(Int64(count * 1e9 / rate))
        }
        if max(next, now) < activeEnd(client) { scheduler.schedule(.arrival(client: Int32(client)), at: max(next, now), lane: WorkloadLane.arrivals) }
    }

    /// The argument of client `client`'s call number `number`.
    mutating func argument(_ client: Int, number: UInt64) -> [UInt8] {
        if let steps = specifications[client].steps { return Self.stepArgument(steps, number: number) }
        switch specifications[client].argument {
        case .fixed(let bytes): return bytes
        case .candid: return []  // encoded before the run (``CandidBridge/encodingArguments(of:)``)
        case .sequence(let prefix, let modulo):
            let value = modulo.map { number % max($0, 1) } ?? number
            return prefix + (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
        case .random(let prefix, let count):
            var bytes = prefix
            bytes.reserveCapacity(prefix.count + count)
            while bytes.count < prefix.count + count {
                let word = streams[client].next()
                for shift in stride(from: 0, to: 64, by: 8) where bytes.count < prefix.count + count { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
            }
            return bytes
        }
    }

    /// The user's principal: a self-authenticating principal of the client and user number
    /// (computed once per user: it takes a SHA-256).
    mutating func sender(client: Int, user: Int) -> Principal {
        if let caller = specifications[client].caller { return caller }
        while senders[client].count <= user { senders[client].append(.user(UInt64(client) << 24 | UInt64(senders[client].count))) }
        return senders[client][user]
    }

    /// Client `client`'s user `user` makes a call now.
    mutating func startCall(_ client: Int, user: Int, _ now: SimInstant, _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: inout InternetComputerSimulation) {
        if let steps = specifications[client].steps, callsStarted[client] >= UInt64(steps.count) { return }
        let number = callsStarted[client]
        callsStarted[client] += 1
        // A query's target without the planned call's method (its text's reference counting
        // and the planned call's copies were about 150 instructions a query).
        switch plannedKind(client, number: number) {
        case .query:
            queriesSent[client] += 1
            let subnet = queryTarget(client, number: number).subnet
            let atEntry = now + oneWay(client)
            let route = readRoute(of: client, toSubnet: subnet, at: atEntry, &ic)
            scheduleQuery(.queryArrives(client: Int32(client), user: Int32(user), sentAt: now, number: number, route: route),
                          at: atEntry + hop(client, to: route.current, onSubnet: subnet, ic), toReplica: route.current, &scheduler)
        case .update:
            let specification = specifications[client]
            let target = plannedCall(client, number: number)
            let message = IngressMessage(id: nextMessageID, sender: sender(client: client, user: user, number: number), receiver: target.canister,
                                         method: target.method, argument: argument(client, number: number))
            nextMessageID += 1
            // To the boundary node (which routes it there and then) and on to the replica.
            let atEntry = now + oneWay(client)
            let node = entryReplica(forCallOf: client, toSubnet: target.subnet, at: atEntry, &ic)
            let hop = hop(client, to: node, onSubnet: target.subnet, ic)
            let arrival = atEntry + hop
            let receipt: CallReceipt
            switch ic.call(message, toSubnet: target.subnet, atReplica: node, at: arrival, throughBoundaryNode: throughBoundaryNode(client)) {
            case .success(let accepted): receipt = accepted
            case .failure(let refusal):
                // Refused at once (by the boundary node, or by the replica one hop further):
                // not kept in `updates` (counted), so refused calls hold no memory.
                let back = refusal.node == nil ? atEntry : arrival + hop
                refused(client, user: user, refusal, step: target.step.map(Int.init), sentAt: now, at: back + oneWay(client), &scheduler)
                statistics[client].sent += 1
                return
            }
            updates.append(UpdateCall(client: Int32(client), user: Int32(user), messageID: message.id, sentAt: now,
                                      expiryNanos: receipt.expiryNanos, step: target.step, pollWait: specification.pollInterval))
            let index = updates.count - 1
            if specification.agent == .synchronous, let replica = receipt.replica {
                wait(index, at: replica, subnet: target.subnet, arrival: arrival, &scheduler, &ic)
            } else {
                // The replica answers 202 at once (back the two hops); the agent then polls.
                schedulePoll(index, answeredAt: arrival + hop + oneWay(client), &scheduler, &ic)
            }
        }
        statistics[client].sent += 1
    }

    /// One message's delay between client `client` and the boundary node (or a replica, for a
    /// client that bypasses it): the network delay plus jitter from the client's stream.
    mutating func oneWay(_ client: Int) -> SimDuration {
        let jitter = specifications[client].networkJitter.nanoseconds
        guard jitter > 0 else { return specifications[client].networkDelay }
        return specifications[client].networkDelay + .nanoseconds(Int64(streams[client].uniform(below: UInt64(jitter))))
    }

    /// A poll for update call `index` reaches the replica of its route's current try: a
    /// replica down sends the boundary node on to the route's next replica (a round trip of
    /// it later); else the certified answer goes back to the user; else, past the expiry, the
    /// call has expired; else the user polls again.
    mutating func poll(_ index: Int, _ now: SimInstant, _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: inout InternetComputerSimulation) {
        let call = updates[index]
        let client = Int(call.client)
        let subnet = target(of: call).subnet
        let route = call.pollRoute
        var node = route.current
        if let down = node, ic.isDown(down, onSubnet: subnet, at: now) {
            if throughBoundaryNode(client), let next = route.next {
                updates[index].pollRoute = next
                let retry = now + hop(client, to: down, onSubnet: subnet, ic) + hop(client, to: next.current, onSubnet: subnet, ic)
                scheduler.schedule(.pollArrives(call: index), at: retry)
                return
            }
            node = nil  // no replica answers: the agent polls again
        }
        statistics[client].polls += 1
        let back = now + hop(client, to: node, onSubnet: subnet, ic) + oneWay(client)
        updates[index].lastPoll = (node.map(Int32.init), now)
        if let node, let (end, answer) = Self.end(ic.readState(requestStatusOf: call.messageID, onSubnet: subnet, atReplica: node)) {
            return finish(index, end, answer, at: back, &scheduler)
        }
        guard SubnetExecution.timeNanos(now) < call.expiryNanos else { return finish(index, .expired, .expired, at: back, &scheduler) }
        schedulePoll(index, answeredAt: back, &scheduler, &ic)
    }

    /// How a call ended, and what its user received, if `status` says it did.
    static func end(_ status: RequestStatus) -> (CallEnd, CallAnswer)? {
        switch status {
        case .replied(let bytes): (.replied, .replied(bytes))
        case .rejected(let reject): (.rejected(reason: reason(reject)), CallAnswer(reject))
        case .pending: nil
        }
    }

    /// A reject's reason for reports: its IC error code, or the reject code's name.
    static func reason(_ reject: Reject) -> String {
        reject.errorCode.map(\.description) ?? reject.code.description
    }

    /// Update call `index` ended `end`, its user learning it (`answer`) at `time`.
    mutating func finish(_ index: Int, _ end: CallEnd, _ answer: CallAnswer, at time: SimInstant, _ scheduler: inout Scheduler<WorkloadEvent>) {
        updates[index].end = end
        updates[index].endedAt = time
        let call = updates[index]
        record(end, client: Int(call.client), latency: time - call.sentAt, at: time)
        record(answer, client: Int(call.client), step: call.step.map(Int.init), sentAt: call.sentAt, at: time)
        nextCall(after: time, client: Int(call.client), user: Int(call.user), &scheduler)
    }

    /// A closed-loop user thinks, then calls again (if its client is still active).
    func nextCall(after time: SimInstant, client: Int, user: Int, _ scheduler: inout Scheduler<WorkloadEvent>) {
        if let steps = specifications[client].steps {
            // A scripted user makes its next step at once, while it has steps and time.
            guard callsStarted[client] < UInt64(steps.count), time < activeEnd(client) else { return }
            scheduler.schedule(.userReady(client: Int32(client), user: Int32(user)), at: time)
            return
        }
        guard case .closedLoop(_, let thinkTime) = specifications[client].load, time + thinkTime < activeEnd(client) else { return }
        scheduler.schedule(.userReady(client: Int32(client), user: Int32(user)), at: time + thinkTime)
    }

    /// Counts a call that ended.
    mutating func record(_ end: CallEnd, client: Int, latency: SimDuration, at time: SimInstant) {
        let bucketIndex = Int(max(time - .zero, .zero).nanoseconds / bucket.nanoseconds)
        statistics[client].record(end, latency: latency, bucket: bucketIndex)
    }
}

/// What one client's calls came to.
public struct ClientStatistics: Sendable, Equatable {
    /// Calls sent.
    public internal(set) var sent: UInt64 = 0
    /// Calls replied.
    public internal(set) var replied: UInt64 = 0
    /// Calls rejected.
    public internal(set) var rejected: UInt64 = 0
    /// Update calls expired.
    public internal(set) var expired: UInt64 = 0
    /// Calls refused with an HTTP status (429 or 503): update calls before they reached the
    /// ingress pool, and queries the replicas' HTTP handlers refused at every try (counted
    /// among the rejected too, with their HTTP status as the reason).
    public internal(set) var refused: UInt64 = 0
    /// The queries among ``refused``.
    public internal(set) var queriesRefused: UInt64 = 0
    /// `read_state` polls sent for update calls.
    public internal(set) var polls: UInt64 = 0
    /// Queries that ended (all of them ended one of the three ways above).
    public package(set) var queriesEnded: UInt64 = 0
    /// Rejects by reason.
    public internal(set) var rejectReasons: [String: UInt64] = [:]
    /// From sending to learning the answer, over replied and rejected calls.
    public internal(set) var latency = LatencyHistogram()
    /// Per time bucket: calls that ended with an answer.
    public internal(set) var answeredPerBucket: [UInt64]
    /// Per time bucket: the sum of their latencies, in nanoseconds.
    public internal(set) var latencySumPerBucket: [Int64]
    /// Per time bucket: the largest latency, in nanoseconds.
    public internal(set) var latencyMaxPerBucket: [Int64]
    /// Per time bucket: calls that ended with a reply.
    public internal(set) var repliedPerBucket: [UInt64]
    /// Per time bucket: update calls whose users learned they expired.
    public internal(set) var expiredPerBucket: [UInt64]
    /// Per reject reason: the calls rejected for it, per time bucket.
    public internal(set) var rejectedPerBucket: [String: [UInt64]] = [:]
    /// Per time bucket: the latencies of the calls answered, for quantiles over time.
    public internal(set) var latencySketch: BucketedLatencySketch

    init(buckets: Int) {
        answeredPerBucket = Array(repeating: 0, count: buckets)
        latencySumPerBucket = Array(repeating: 0, count: buckets)
        latencyMaxPerBucket = Array(repeating: 0, count: buckets)
        repliedPerBucket = Array(repeating: 0, count: buckets)
        expiredPerBucket = Array(repeating: 0, count: buckets)
        latencySketch = BucketedLatencySketch(buckets: buckets)
    }

    mutating func record(_ end: CallEnd, latency duration: SimDuration, bucket: Int) {
        let inRange = answeredPerBucket.indices.contains(bucket)
        switch end {
        case .replied:
            replied += 1
            if inRange { repliedPerBucket[bucket] += 1 }
        case .rejected(let reason):
            rejected += 1
            rejectReasons[reason, default: 0] += 1
            if inRange {
                rejectedPerBucket[reason, default: Array(repeating: 0, count: answeredPerBucket.count)][bucket] += 1
            }
        case .expired:
            expired += 1
            if inRange { expiredPerBucket[bucket] += 1 }
            return
        }
        latency.record(duration)
        guard inRange else { return }
        latencySketch.record(duration, bucket: bucket)
        answeredPerBucket[bucket] += 1
        latencySumPerBucket[bucket] += duration.nanoseconds
        latencyMaxPerBucket[bucket] = max(latencyMaxPerBucket[bucket], duration.nanoseconds)
    }
}

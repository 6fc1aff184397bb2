import Testing
@testable import ExecutionLayer

/// Bounded-wait calls between two subnets' states, with streams driven by hand: the caller's
/// callback expires at its deadline whether or not the request has left, a request inducted
/// after its deadline is dropped without running, and a reply that comes back after the
/// deadline is dropped (also when it lands behind the queued expiry); a reply already waiting
/// in the queue when the deadline passes is delivered; a guaranteed-response call still waits.
@Suite("Bounded-wait calls between subnets")
struct BoundedWaitStreamTests {
    static let callerID = BoundedWaitTests.callerID
    static let counterID = CanisterID(500)
    static let executor = RoundExecutorTests.executor
    static let second = BoundedWaitTests.second
    static let start = 1_000 * second

    /// Subnet 0 with the caller, subnet 1 with the counter.
    static func subnets() throws -> (ReplicatedState, ReplicatedState) {
        let routing = RoutingTable(canistersBySubnet: [[callerID], [counterID]])
        var first = ReplicatedState()
        first.add(try RoundExecutorTests.canister("boundedwait", callerID))
        first.connect(subnet: 0, routing: routing)
        var second = ReplicatedState()
        second.add(try RoundExecutorTests.canister("counter", counterID))
        second.connect(subnet: 1, routing: routing)
        return (first, second)
    }

    static func counterValue(_ state: ReplicatedState) throws -> CallOutcome {
        CanisterExecutor().query("get", argument: [], caller: .user(1), timeNanos: start, on: try #require(state.canister(counterID))).outcome
    }

    @Test func aRequestInductedAfterItsDeadlineIsDroppedAndTheCallerHearsSysUnknown() throws {
        var (first, second) = try Self.subnets()
        let call = BoundedWaitTests.message(1, "call_bounded", BoundedWaitTests.call(timeout: 1, Self.counterID, "inc"))
        _ = Self.executor.executeRound(ingress: [call], timeNanos: Self.start, on: &first)
        let request = StreamTests.slice(first, to: 1, from: 0, signals: 0)
        #expect(request.messageCount == 1)
        // Deadline 1,001 s: at 1,002 s the caller stops waiting, though the request never arrived.
        _ = Self.executor.executeRound(ingress: [], timeNanos: Self.start + 2 * Self.second, on: &first)
        #expect(first.ingressHistory[1] == BoundedWaitTests.expired)
        // The request reaches the other subnet late: it is dropped, never run, and nothing comes back.
        _ = Self.executor.executeRound(ingress: [], slices: [request], timeNanos: Self.start + 3 * Self.second, on: &second)
        #expect(second.inducted(from: 0) == 1, "inducted (and signalled), then dropped")
        #expect(try Self.counterValue(second) == .replied(RoundExecutorTests.le64(0)))
        #expect(second.streamMessageCount == 0 && second.entry(Self.counterID)?.openCallContexts == 0)
    }

    @Test func aReplyThatComesBackAfterTheDeadlineIsDropped() throws {
        var (first, second) = try Self.subnets()
        let call = BoundedWaitTests.message(1, "call_bounded", BoundedWaitTests.call(timeout: 10, Self.counterID, "inc"))
        _ = Self.executor.executeRound(ingress: [call], timeNanos: Self.start, on: &first)
        let request = StreamTests.slice(first, to: 1, from: 0, signals: 0)
        _ = Self.executor.executeRound(ingress: [], slices: [request], timeNanos: Self.start + Self.second, on: &second)
        #expect(try Self.counterValue(second) == .replied(RoundExecutorTests.le64(1)), "the request came in time and ran")
        let reply = StreamTests.slice(second, to: 0, from: 0, signals: second.inducted(from: 0))
        #expect(reply.messageCount == 1)
        // The request and its response both carry the call's deadline.
        guard case .request(let sent) = request.messages.first, case .response(let answer) = reply.messages.first else {
            Issue.record("expected a request and a response")
            return
        }
        #expect(sent.deadlineNanos == Self.start + 10 * Self.second && answer.deadlineNanos == sent.deadlineNanos)
        // The reply is held up past the 1,010 s deadline: the caller gives up at 1,011 s.
        _ = Self.executor.executeRound(ingress: [], timeNanos: Self.start + 11 * Self.second, on: &first)
        #expect(first.ingressHistory[1] == BoundedWaitTests.expired)
        _ = Self.executor.executeRound(ingress: [], slices: [reply], timeNanos: Self.start + 12 * Self.second, on: &first)
        #expect(first.ingressHistory[1] == BoundedWaitTests.expired, "the late reply changes nothing")
        #expect(first.entry(Self.callerID)?.callbacks.isEmpty == true && first.entry(Self.callerID)?.openCallContexts == 0)
    }

    /// An executor that runs nothing (no iteration): messages are inducted and wait.
    static var idle: RoundExecutor {
        var configuration = RoundExecutorTests.free
        configuration.iterationsMax = 0
        return RoundExecutor(configuration: configuration)
    }

    @Test func aReplyWaitingInTheQueueAtTheDeadlineIsStillDelivered() throws {
        var (first, second) = try Self.subnets()
        let call = BoundedWaitTests.message(1, "call_bounded", BoundedWaitTests.call(timeout: 10, Self.counterID, "inc"))
        _ = Self.executor.executeRound(ingress: [call], timeNanos: Self.start, on: &first)
        _ = Self.executor.executeRound(ingress: [], slices: [StreamTests.slice(first, to: 1, from: 0, signals: 0)],
                                       timeNanos: Self.start + Self.second, on: &second)
        let reply = StreamTests.slice(second, to: 0, from: 0, signals: second.inducted(from: 0))
        // The reply is inducted in time but the caller does not run before the deadline passes.
        _ = Self.idle.executeRound(ingress: [], slices: [reply], timeNanos: Self.start + 5 * Self.second, on: &first)
        #expect(first.ingressHistory[1] == .processing)
        _ = Self.executor.executeRound(ingress: [], timeNanos: Self.start + 11 * Self.second, on: &first)
        #expect(first.ingressHistory[1] == BoundedWaitTests.replied(RoundExecutorTests.le64(1)), "it had arrived: no SYS_UNKNOWN")
    }

    @Test func aReplyInductedAfterTheExpiryWasQueuedIsDropped() throws {
        var (first, second) = try Self.subnets()
        let call = BoundedWaitTests.message(1, "call_bounded", BoundedWaitTests.call(timeout: 10, Self.counterID, "inc"))
        _ = Self.executor.executeRound(ingress: [call], timeNanos: Self.start, on: &first)
        _ = Self.executor.executeRound(ingress: [], slices: [StreamTests.slice(first, to: 1, from: 0, signals: 0)],
                                       timeNanos: Self.start + Self.second, on: &second)
        let reply = StreamTests.slice(second, to: 0, from: 0, signals: second.inducted(from: 0))
        // The expiry is queued at 1,011 s but not run; the reply comes in behind it.
        _ = Self.idle.executeRound(ingress: [], timeNanos: Self.start + 11 * Self.second, on: &first)
        #expect(first.entry(Self.callerID)?.callbacks.values.first?.expired == true)
        _ = Self.executor.executeRound(ingress: [], slices: [reply], timeNanos: Self.start + 12 * Self.second, on: &first)
        #expect(first.ingressHistory[1] == BoundedWaitTests.expired)
        #expect(first.entry(Self.callerID)?.callbacks.isEmpty == true && first.entry(Self.callerID)?.openCallContexts == 0)
    }

    @Test func aReplyInTimeIsDeliveredAndAGuaranteedCallWaits() throws {
        var (first, second) = try Self.subnets()
        let bounded = BoundedWaitTests.message(1, "call_bounded", BoundedWaitTests.call(timeout: 10, Self.counterID, "inc"))
        let guaranteed = BoundedWaitTests.message(2, "call_guaranteed", BoundedWaitTests.call(timeout: 10, Self.counterID, "inc"))
        _ = Self.executor.executeRound(ingress: [bounded, guaranteed], timeNanos: Self.start, on: &first)
        let requests = StreamTests.slice(first, to: 1, from: 0, signals: 0)
        _ = Self.executor.executeRound(ingress: [], slices: [requests], timeNanos: Self.start + Self.second, on: &second)
        let replies = StreamTests.slice(second, to: 0, from: 0, signals: second.inducted(from: 0))
        _ = Self.executor.executeRound(ingress: [], slices: [replies], timeNanos: Self.start + 2 * Self.second, on: &first)
        #expect(first.ingressHistory[1] == BoundedWaitTests.replied(RoundExecutorTests.le64(1)))
        #expect(first.ingressHistory[2] == BoundedWaitTests.replied(RoundExecutorTests.le64(2)))
        // A guaranteed-response call whose reply comes an hour later is still answered.
        let late = BoundedWaitTests.message(3, "call_guaranteed", BoundedWaitTests.call(timeout: 1, Self.counterID, "inc"))
        _ = Self.executor.executeRound(ingress: [late], timeNanos: Self.start + 3 * Self.second, on: &first)
        let request = StreamTests.slice(first, to: 1, from: 2, signals: first.inducted(from: 1))
        _ = Self.executor.executeRound(ingress: [], slices: [request], timeNanos: Self.start + 3_600 * Self.second, on: &second)
        let reply = StreamTests.slice(second, to: 0, from: 2, signals: second.inducted(from: 0))
        _ = Self.executor.executeRound(ingress: [], slices: [reply], timeNanos: Self.start + 3_601 * Self.second, on: &first)
        #expect(first.ingressHistory[3] == BoundedWaitTests.replied(RoundExecutorTests.le64(3)))
    }
}

import Testing
@testable import ExecutionLayer

/// Bounded-wait calls (`ic0.call_with_best_effort_response`, `ic0.msg_deadline`): a call
/// answered in time, one whose callee takes too long (`SYS_UNKNOWN` once the deadline passed,
/// the late reply dropped), the deadline the callee sees, the clamped timeout, the contexts
/// and misuses that trap, and expiry across subnets (a request past its deadline is dropped,
/// a reply that comes back too late is dropped).
@Suite("Bounded-wait calls")
struct BoundedWaitTests {
    static let callerID = CanisterID(20)
    static let calleeID = CanisterID(21)
    static let counterID = RoundExecutorTests.counterID
    static let executor = RoundExecutorTests.executor
    /// 1,000.5 s after 1970: deadlines are whole seconds, so the half second is rounded away.
    static let startNanos: UInt64 = 1_000_500_000_000
    static let second: UInt64 = 1_000_000_000

    /// The caller (the boundedwait canister), a second boundedwait canister and the counter.
    static func subnet() throws -> ReplicatedState {
        var state = ReplicatedState()
        state.add(try RoundExecutorTests.canister("boundedwait", callerID))
        state.add(try RoundExecutorTests.canister("boundedwait", calleeID))
        state.add(try RoundExecutorTests.canister("counter", counterID))
        return state
    }

    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }

    /// The argument of the caller's calling methods.
    static func call(timeout: UInt32, _ callee: CanisterID, _ method: String) -> [UInt8] {
        le32(timeout) + RoundExecutorTests.target(callee, method)
    }

    static func message(_ id: UInt64, _ method: String, _ argument: [UInt8], to receiver: CanisterID = callerID) -> IngressMessage {
        RoundExecutorTests.message(id, receiver, method, argument)
    }

    /// What the caller replies when its call was rejected with `code` and `message`.
    static func rejected(_ code: RejectCode, _ message: String) -> IngressStatus {
        .replied(Array("reject:".utf8) + [UInt8(code.rawValue)] + Array(message.utf8))
    }

    static func replied(_ bytes: [UInt8]) -> IngressStatus { .replied(Array("reply:".utf8) + bytes) }

    static let expired = rejected(.systemUnknown, RoundExecutor.deadlineExpiredMessage)

    @Test func aCalleeThatAnswersInTimeIsHeard() throws {
        var state = try Self.subnet()
        _ = Self.executor.executeRound(ingress: [Self.message(1, "call_bounded", Self.call(timeout: 5, Self.counterID, "inc"))],
                                       timeNanos: Self.startNanos, on: &state)
        #expect(state.ingressHistory[1] == Self.replied(RoundExecutorTests.le64(1)))
        #expect(state.entry(Self.callerID)?.callbacks.isEmpty == true && state.entry(Self.callerID)?.openCallContexts == 0)
    }

    @Test func theCalleeSeesTheDeadlineOfTheCallInWholeSeconds() throws {
        var state = try Self.subnet()
        let ingress = [
            Self.message(1, "call_bounded", Self.call(timeout: 5, Self.calleeID, "deadline")),
            Self.message(2, "call_guaranteed", Self.call(timeout: 5, Self.calleeID, "deadline")),
            Self.message(3, "deadline", [], to: Self.calleeID),
            Self.message(4, "call_bounded", Self.call(timeout: 1_000_000, Self.calleeID, "deadline")),
            Self.message(5, "call_bounded", Self.call(timeout: 5, Self.calleeID, "deadline_in_query")),
        ]
        _ = Self.executor.executeRound(ingress: ingress, timeNanos: Self.startNanos, on: &state)
        #expect(state.ingressHistory[1] == Self.replied(RoundExecutorTests.le64(1_005 * Self.second)), "1,000.5 s + 5 s, rounded down")
        #expect(state.ingressHistory[2] == Self.replied(RoundExecutorTests.le64(0)), "a guaranteed-response call has no deadline")
        #expect(state.ingressHistory[3] == .replied(RoundExecutorTests.le64(0)), "nor has an ingress message")
        #expect(SystemAPI.callTimeoutSecondsMax == 300)
        #expect(state.ingressHistory[4] == Self.replied(RoundExecutorTests.le64(1_300 * Self.second)), "clamped to 300 s")
        #expect(state.ingressHistory[5] == Self.replied(RoundExecutorTests.le64(0)), "a query method sees 0 even when run as an update")
        #expect(SystemAPI.deadlineNanos(callTimeNanos: .max, timeoutSeconds: 300) == .max - .max % Self.second, "saturates")
    }

    @Test func aCallNotAnsweredByItsDeadlineGetsSysUnknownAndTheLateReplyIsDropped() throws {
        var configuration = RoundExecutorTests.free
        configuration.sliceInstructions = 1_000_000
        let executor = RoundExecutor(configuration: configuration)
        var state = try Self.subnet()
        // The callee loops for many slices, one per round; the caller waits 2 s at most.
        let busy = Self.call(timeout: 2, Self.calleeID, "busy")
        _ = executor.executeRound(ingress: [Self.message(1, "call_bounded", busy)], timeNanos: Self.startNanos, on: &state)
        #expect(state.ingressHistory[1] == .processing)
        // The deadline is 1,002 s: at 1,002.9 s it has not passed (whole seconds), at 1,003 s it has.
        _ = executor.executeRound(ingress: [], timeNanos: 1_002_900_000_000, on: &state)
        #expect(state.ingressHistory[1] == .processing)
        #expect(state.entry(Self.calleeID)?.paused != nil, "the callee is still busy")
        _ = executor.executeRound(ingress: [], timeNanos: 1_003 * Self.second, on: &state)
        #expect(state.ingressHistory[1] == Self.expired)
        #expect(state.entry(Self.callerID)?.openCallContexts == 0)
        // The callee finishes later; its reply finds no one waiting and changes nothing.
        var time = 1_004 * Self.second
        while state.entry(Self.calleeID)?.paused != nil, time < 1_500 * Self.second {
            _ = executor.executeRound(ingress: [], timeNanos: time, on: &state)
            time += Self.second
        }
        _ = executor.executeRound(ingress: [], timeNanos: time, on: &state)
        #expect(state.entry(Self.calleeID)?.paused == nil && state.entry(Self.calleeID)?.openCallContexts == 0)
        let hits = CanisterExecutor().query("hits", argument: [], caller: .user(1), timeNanos: time, on: try #require(state.canister(Self.calleeID)))
        #expect(hits.outcome == .replied(RoundExecutorTests.le64(1)), "the callee did run the call")
        #expect(state.ingressHistory[1] == Self.expired, "the late reply was dropped")
        #expect(state.entry(Self.callerID)?.callbacks.isEmpty == true)
    }

    @Test func aGuaranteedResponseCallWaitsAsLongAsItTakes() throws {
        var configuration = RoundExecutorTests.free
        configuration.sliceInstructions = 1_000_000
        let executor = RoundExecutor(configuration: configuration)
        var state = try Self.subnet()
        let busy = Self.call(timeout: 2, Self.calleeID, "busy")
        _ = executor.executeRound(ingress: [Self.message(1, "call_guaranteed", busy)], timeNanos: Self.startNanos, on: &state)
        var time = 1_001 * Self.second
        while state.ingressHistory[1] == .processing, time < 1_500 * Self.second {
            _ = executor.executeRound(ingress: [], timeNanos: time, on: &state)
            time += Self.second
        }
        #expect(time > 1_004 * Self.second, "it took longer than the 2 s a bounded-wait call would wait")
        #expect(state.ingressHistory[1] == Self.replied(RoundExecutorTests.le64(0)))
    }

    @Test func misusesAndWrongContextsTrap() throws {
        var state = try Self.subnet()
        let ingress = [
            Self.message(1, "timeout_twice", Self.call(timeout: 5, Self.counterID, "inc")),
            Self.message(2, "timeout_without_call", []),
        ]
        _ = Self.executor.executeRound(ingress: ingress, timeNanos: Self.startNanos, on: &state)
        guard case .rejected(let twice) = state.ingressHistory[1], case .rejected(let withoutCall) = state.ingressHistory[2] else {
            Issue.record("not rejected: \(String(describing: state.ingressHistory[1])), \(String(describing: state.ingressHistory[2]))")
            return
        }
        #expect(twice.errorCode == .canisterTrapped && twice.message.contains("ic0.call_with_best_effort_response: the call already has a timeout"))
        #expect(withoutCall.errorCode == .canisterTrapped && withoutCall.message.contains("no call is being assembled"))
        let query = CanisterExecutor().query("timeout_in_query", argument: [], caller: .user(1),
                                             timeNanos: Self.startNanos, on: try #require(state.canister(Self.callerID)))
        guard case .rejected(let inQuery) = query.outcome else { Issue.record("not rejected"); return }
        #expect(inQuery.message.contains("ic0.call_with_best_effort_response cannot be executed in non-replicated query mode"))
        // The spec's contexts: U CQ Ry Rt CRy CRt T for the timeout, U Q CQ Ry Rt CRy CRt for the deadline.
        let timeoutContexts = SystemAPIContext.allCases.filter { SystemAPI.allows("call_with_best_effort_response", in: $0) == true }
        #expect(Set(timeoutContexts.map(\.rawValue)) == ["U", "CQ", "Ry", "Rt", "CRy", "CRt", "T"])
        let deadlineContexts = SystemAPIContext.allCases.filter { SystemAPI.allows("msg_deadline", in: $0) == true }
        #expect(Set(deadlineContexts.map(\.rawValue)) == ["U", "RQ", "NRQ", "CQ", "Ry", "Rt", "CRy", "CRt"])
    }
}

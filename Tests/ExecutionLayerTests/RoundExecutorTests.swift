import Testing
@testable import ExecutionLayer

/// Rounds on a subnet's replicated state: ingress induction and its rejects, calls between
/// canisters of the subnet within one round (replies, rejects, missing callees, cycles and
/// refunds, a callback that traps and its cleanup, a reply before the callback), long messages
/// sliced across rounds while other canisters keep running, and fair scheduling.
@Suite("Execution rounds")
struct RoundExecutorTests {
    static let counterID = CanisterID(1)
    static let callerID = CanisterID(2)
    static let primesID = CanisterID(3)
    static let le64 = CanisterExecutorTests.le64

    /// Round parameters without fees (the fee tests use the IC's).
    static var free: RoundConfiguration {
        var configuration = RoundConfiguration()
        configuration.fees = .free
        return configuration
    }

    /// A round executor without fees.
    static var executor: RoundExecutor { RoundExecutor(configuration: free) }

    static func canister(_ name: String, _ id: CanisterID, cycles: UInt64 = 10_000) throws -> CanisterState {
        var canister = CanisterState(id: id, controllers: [CanisterExecutorTests.controller], cycles: Cycles(cycles))
        let result = CanisterExecutor().install(.install, wasm: try CanisterExecutorTests.wasm(name), argument: [],
                                                caller: CanisterExecutorTests.controller, timeNanos: 0, on: &canister)
        if case .failure(let reject) = result { Issue.record("install: \(reject)") }
        return canister
    }

    static func subnet() throws -> ReplicatedState {
        var state = ReplicatedState()
        state.add(try canister("counter", counterID))
        state.add(try canister("caller", callerID))
        state.add(try canister("primes", primesID))
        return state
    }

    static func message(_ id: UInt64, _ receiver: CanisterID, _ method: String, _ argument: [UInt8] = []) -> IngressMessage {
        IngressMessage(id: id, sender: .user(1), receiver: receiver, method: method, argument: argument)
    }

    /// The argument of the caller canister's methods: callee and method.
    static func target(_ callee: CanisterID, _ method: String) -> [UInt8] {
        let principal = callee.principal.bytes
        return [UInt8(principal.count)] + principal + Array(method.utf8)
    }

    @Test func anExpiredMessageIsDroppedAtInduction() throws {
        var state = try Self.subnet()
        var expired = Self.message(1, Self.counterID, "inc")
        expired.expiryNanos = 999
        var current = Self.message(2, Self.counterID, "inc")
        current.expiryNanos = 1_000
        let report = Self.executor.executeRound(ingress: [expired, current], timeNanos: 1_000, on: &state)
        #expect(report.expired == [1])
        #expect(state.ingressHistory[1] == nil, "never inducted: its status stays unknown")
        #expect(state.ingressHistory[2] == .replied(Self.le64(1)), "a message expiring at the block's time still runs")
    }

    @Test func ingressRunsInOrderAndIsAnswered() throws {
        var state = try Self.subnet()
        let report = Self.executor.executeRound(
            ingress: (1...3).map { Self.message($0, Self.counterID, "inc") } + [Self.message(4, CanisterID(99), "inc")],
            timeNanos: 1_000, on: &state)
        #expect(report.answered.map(\.id) == [4, 1, 2, 3], "the missing canister's reject comes at induction")
        #expect(state.ingressHistory[3] == .replied(Self.le64(3)))
        guard case .rejected(let missing) = state.ingressHistory[4] else { Issue.record("no reject"); return }
        #expect(missing.errorCode == .canisterNotFound && missing.code == .destinationInvalid)
        #expect(report.messagesExecuted == 3)
        #expect(report.durationNanos > 0)
    }

    /// Ingress is not bounded by the input queue's capacity (the IC's ingress queue has none).
    @Test func ingressIsNotBoundedByTheQueueCapacity() throws {
        var state = try Self.subnet()
        var configuration = Self.free
        configuration.queueCapacity = 2
        _ = RoundExecutor(configuration: configuration).executeRound(
            ingress: (1...3).map { Self.message($0, Self.counterID, "inc") }, timeNanos: 1, on: &state)
        #expect(state.ingressHistory[3] == .replied(Self.le64(3)))
    }

    /// A request from another canister into a full input queue is rejected (SYS_TRANSIENT,
    /// IC0201), and the caller's reject callback runs.
    @Test func aFullQueueRejectsARequestFromACanister() throws {
        var state = try Self.subnet()
        var configuration = Self.free
        configuration.queueCapacity = 0
        _ = RoundExecutor(configuration: configuration).executeRound(
            ingress: [Self.message(1, Self.callerID, "call", Self.target(Self.counterID, "inc"))], timeNanos: 1, on: &state)
        guard case .replied(let bytes) = state.ingressHistory[1] else { Issue.record("no reply"); return }
        #expect(bytes.starts(with: Array("reject:".utf8) + [UInt8(RejectCode.systemTransient.rawValue)]))
        #expect(String(decoding: bytes.dropFirst(8), as: UTF8.self).contains("is full"))
    }

    @Test func aCallWithinTheSubnetCompletesInOneRound() throws {
        var state = try Self.subnet()
        let report = Self.executor.executeRound(
            ingress: [Self.message(1, Self.callerID, "call", Self.target(Self.counterID, "inc"))], timeNanos: 5, on: &state)
        #expect(state.ingressHistory[1] == .replied(Array("reply:".utf8) + Self.le64(1)))
        #expect(report.iterations >= 3, "request, callee, response: \(report.iterations) iterations")
        #expect(state.entry(Self.callerID)?.openCallContexts == 0)
        #expect(state.entry(Self.counterID)?.openCallContexts == 0)
    }

    @Test func rejectsReachTheRejectCallback() throws {
        var state = try Self.subnet()
        _ = Self.executor.executeRound(ingress: [
            Self.message(1, Self.callerID, "call", Self.target(Self.counterID, "reject")),
            Self.message(2, Self.callerID, "call", Self.target(Self.counterID, "nope")),
            Self.message(3, Self.callerID, "call", Self.target(CanisterID(42), "inc")),
            Self.message(4, Self.callerID, "call", Self.target(Self.counterID, "inc_then_trap")),
        ], timeNanos: 5, on: &state)
        #expect(state.ingressHistory[1] == .replied(Array("reject:".utf8) + [4] + Array("no thanks".utf8)))
        guard case .replied(let missingMethod) = state.ingressHistory[2] else { Issue.record("no answer"); return }
        #expect(Array(missingMethod.prefix(8)) == Array("reject:".utf8) + [5])
        guard case .replied(let missingCanister) = state.ingressHistory[3] else { Issue.record("no answer"); return }
        #expect(Array(missingCanister.prefix(8)) == Array("reject:".utf8) + [3])
        guard case .replied(let trapped) = state.ingressHistory[4] else { Issue.record("no answer"); return }
        #expect(String(decoding: trapped.dropFirst(8), as: UTF8.self).hasSuffix("trapped explicitly: changed my mind"))
    }

    @Test func aReplyBeforeTheCallbackAndALateCallback() throws {
        var state = try Self.subnet()
        _ = Self.executor.executeRound(
            ingress: [Self.message(1, Self.callerID, "call_reply_now", Self.target(Self.counterID, "inc"))], timeNanos: 5, on: &state)
        #expect(state.ingressHistory[1] == .replied(Array("early".utf8)))
        let counters = try #require(state.canister(Self.callerID))
        let result = CanisterExecutor().query("counters", argument: [], caller: .anonymous, timeNanos: 6, on: counters)
        #expect(result.outcome == .replied(Self.le64(1) + Self.le64(0)), "the callback ran after the reply")
        #expect(state.canister(Self.counterID).map { CanisterExecutor().query("get", argument: [], caller: .anonymous, timeNanos: 6, on: $0).outcome }
                == .replied(Self.le64(1)))
    }

    @Test func aTrappingCallbackRunsItsCleanupAndTheCallerGetsTheTrap() throws {
        var state = try Self.subnet()
        _ = Self.executor.executeRound(
            ingress: [Self.message(1, Self.callerID, "call_then_trap_in_callback", Self.target(Self.counterID, "inc"))],
            timeNanos: 5, on: &state)
        guard case .rejected(let reject) = state.ingressHistory[1] else { Issue.record("no reject"); return }
        #expect(reject.errorCode == .canisterCalledTrap, "\(reject)")
        let caller = try #require(state.canister(Self.callerID))
        let counters = CanisterExecutor().query("counters", argument: [], caller: .anonymous, timeNanos: 6, on: caller)
        #expect(counters.outcome == .replied(Self.le64(0) + Self.le64(1)), "the cleanup ran once")
    }

    @Test func cyclesTravelWithACallAndTheRestComesBack() throws {
        var state = try Self.subnet()
        _ = Self.executor.executeRound(
            ingress: [Self.message(1, Self.callerID, "call_with_cycles", Self.target(Self.counterID, "accept"))], timeNanos: 5, on: &state)
        #expect(state.ingressHistory[1] == .replied(Cycles(700).littleEndianBytes), "the callee kept 300 of 1,000")
        #expect(state.canister(Self.callerID)?.cycles == Cycles(9_700))
        #expect(state.canister(Self.counterID)?.cycles == Cycles(10_300))
    }

    @Test func twoCallsBothAnswer() throws {
        var state = try Self.subnet()
        _ = Self.executor.executeRound(
            ingress: [Self.message(1, Self.callerID, "call_twice", Self.target(Self.counterID, "inc"))], timeNanos: 5, on: &state)
        #expect(state.ingressHistory[1] == .replied(Self.le64(1) + Self.le64(2)))
    }

    @Test func aLongMessageRunsAcrossRoundsWhileOthersKeepRunning() throws {
        var state = try Self.subnet()
        var configuration = Self.free
        configuration.sliceInstructions = 1_000_000
        configuration.roundInstructionsPerCore = 20_000_000
        configuration.cores = 2
        let executor = RoundExecutor(configuration: configuration)
        var report = executor.executeRound(ingress: [Self.message(1, Self.primesID, "primes", Self.le64(20_000))], timeNanos: 1, on: &state)
        var rounds = 1
        var counterAnswers = 0
        while state.ingressHistory[1] == .processing, rounds < 100 {
            #expect(report.messagesPaused == 1)
            report = executor.executeRound(ingress: [Self.message(100 + UInt64(rounds), Self.counterID, "inc")], timeNanos: 1, on: &state)
            if case .replied = state.ingressHistory[100 + UInt64(rounds)] { counterAnswers += 1 }
            rounds += 1
        }
        #expect(state.ingressHistory[1] == .replied(Self.le64(2_262)))
        #expect(rounds > 5, "the message took \(rounds) rounds")
        #expect(counterAnswers == rounds - 1, "the counter answered in every round meanwhile")
    }

    @Test func aStoppingCanisterFinishesItsCallsThenStops() throws {
        var state = try Self.subnet()
        var configuration = Self.free
        configuration.sliceInstructions = 1_000_000
        configuration.execution.updateInstructionsMax = 4_000_000
        let executor = RoundExecutor(configuration: configuration)
        // The caller calls the counter's endless loop, which runs a slice a round until its
        // limit: the caller's call context stays open meanwhile.
        _ = executor.executeRound(ingress: [Self.message(1, Self.callerID, "call", Self.target(Self.counterID, "spin"))], timeNanos: 1, on: &state)
        #expect(state.entry(Self.callerID)?.openCallContexts == 1)
        state.stopCanister(Self.callerID)
        #expect(state.canister(Self.callerID)?.status == .stopping)
        _ = executor.executeRound(ingress: [Self.message(2, Self.callerID, "call", Self.target(Self.counterID, "inc"))], timeNanos: 2, on: &state)
        guard case .rejected(let refused) = state.ingressHistory[2] else { Issue.record("no reject"); return }
        #expect(refused.errorCode == .canisterStopping)
        var rounds = 2
        while state.canister(Self.callerID)?.status == .stopping, rounds < 20 {
            _ = executor.executeRound(ingress: [], timeNanos: 3, on: &state)
            rounds += 1
        }
        #expect(state.canister(Self.callerID)?.status == .stopped, "stopped once its call was answered")
        guard case .replied(let answer) = state.ingressHistory[1] else { Issue.record("the first call was not answered"); return }
        #expect(Array(answer.prefix(8)) == Array("reject:".utf8) + [5], "the callback ran while stopping: the loop hit its limit")
        _ = executor.executeRound(ingress: [Self.message(3, Self.callerID, "call", Self.target(Self.counterID, "inc"))], timeNanos: 4, on: &state)
        guard case .rejected(let stopped) = state.ingressHistory[3] else { Issue.record("no reject"); return }
        #expect(stopped.errorCode == .canisterStopped)
        state.startCanister(Self.callerID)
        _ = executor.executeRound(ingress: [Self.message(4, Self.callerID, "call", Self.target(Self.counterID, "inc"))], timeNanos: 5, on: &state)
        #expect(state.ingressHistory[4] == .replied(Array("reply:".utf8) + Self.le64(1)))
    }

    @Test func busyCanistersShareTheCoresFairly() throws {
        var state = ReplicatedState()
        let ids = (10..<14).map { CanisterID(UInt64($0)) }
        for id in ids { state.add(try Self.canister("primes", id)) }
        var probe = try #require(state.canister(ids[0]))
        let cost = CanisterExecutor().update("primes", argument: Self.le64(500), caller: .anonymous, timeNanos: 0, on: &probe).instructions
        var configuration = Self.free
        configuration.cores = 1
        configuration.roundInstructionsPerCore = cost + configuration.overheadPerMessage + configuration.overheadPerCanister
        let executor = RoundExecutor(configuration: configuration)
        var ingress: [IngressMessage] = []
        for (index, id) in ids.enumerated() {
            for message in 0..<20 { ingress.append(Self.message(UInt64(index * 100 + message), id, "primes", Self.le64(500))) }
        }
        _ = executor.executeRound(ingress: ingress, timeNanos: 1, on: &state)
        for _ in 1..<12 { _ = executor.executeRound(ingress: [], timeNanos: 1, on: &state) }
        let answered = ids.indices.map { index in
            (0..<20).filter { state.ingressHistory[UInt64(index * 100 + $0)] != .processing }.count
        }
        #expect(answered == [3, 3, 3, 3], "12 rounds of one message each, shared round-robin: \(answered)")
    }
}

import Testing
@testable import ExecutionLayer

/// How long a round takes: the IC's round limit and overheads (per execution, per canister run,
/// finalization per canister of the subnet after each iteration), the busiest core of each
/// iteration as the critical path, induction per message, and hashing what changed in the
/// certified state.
@Suite("Round time")
struct RoundTimeTests {
    typealias Fixture = RoundExecutorTests

    /// The instructions canister `id` executes for one `method` call with `argument` on `state`.
    static func cost(_ method: String, _ argument: [UInt8] = [], of id: CanisterID, in state: ReplicatedState) throws -> UInt64 {
        var probe = try #require(state.canister(id))
        return CanisterExecutor().update(method, argument: argument, caller: .anonymous, timeNanos: 0, on: &probe).instructions
    }

    @Test func theDefaultsAreTheApplicationSubnetsOfTheSchedulerConfig() {
        let configuration = RoundConfiguration()
        #expect(configuration.roundInstructionsPerCore == 7_000_000_000, "MAX_INSTRUCTIONS_PER_ROUND = 7 B")
        #expect(configuration.overheadPerMessage == 2_000_000 && configuration.overheadPerCanister == 8_000_000)
        #expect(configuration.overheadPerCanisterForFinalization == 12_000)
        #expect(configuration.nanos(2_000_000_000) == 1_000_000_000, "2 B instructions a second per core")
    }

    @Test func theOverheadsPerExecutionAndPerCanisterTakeTime() throws {
        var state = try Fixture.subnet()
        let cost = try Self.cost("inc", of: Fixture.counterID, in: state)
        var configuration = Fixture.free
        configuration.cores = 1
        let report = RoundExecutor(configuration: configuration).executeRound(
            ingress: [Fixture.message(1, Fixture.counterID, "inc")], timeNanos: 1, on: &state)
        #expect(report.instructionsPerCore == [cost + 2_000_000 + 8_000_000])
        #expect(report.time.executionNanos == configuration.nanos(cost + 10_000_000), "about 5 ms: \(report.time.executionNanos) ns")
        // One iteration ran (the next found nothing to run): its finalization covers all
        // three canisters of the subnet, not only the one that ran.
        #expect(report.time.finalizationNanos == configuration.nanos(3 * 12_000))
    }

    @Test func finalizationFollowsEveryIterationThatRan() throws {
        var state = try Fixture.subnet()
        let report = Fixture.executor.executeRound(
            ingress: [Fixture.message(1, Fixture.callerID, "call", Fixture.target(Fixture.counterID, "inc"))], timeNanos: 5, on: &state)
        #expect(report.iterations == 4, "request, callee, response, then nothing left")
        #expect(report.time.finalizationNanos == Fixture.free.nanos(3 * 3 * 12_000))
    }

    @Test func theCriticalPathIsEachIterationsBusiestCore() throws {
        var state = try Fixture.subnet()
        let argument = Fixture.le64(300)
        let cost = try Self.cost("primes", argument, of: Fixture.primesID, in: state)
        let counter = try Self.cost("inc", of: Fixture.counterID, in: state)
        var configuration = Fixture.free
        configuration.cores = 2
        let report = RoundExecutor(configuration: configuration).executeRound(
            ingress: [Fixture.message(1, Fixture.primesID, "primes", argument), Fixture.message(2, Fixture.counterID, "inc")],
            timeNanos: 1, on: &state)
        #expect(report.instructionsPerCore.sorted() == [counter + 10_000_000, cost + 10_000_000].sorted())
        #expect(report.time.executionNanos == configuration.nanos(max(cost, counter) + 10_000_000),
                "the two canisters ran side by side: the round lasts as long as the busier core")
    }

    @Test func theRoundLimitBoundsTheCriticalPathNotEachCore() throws {
        // Room for one counter message in the round: its core uses the limit in the first
        // iteration, and the other core gets nothing more in later ones.
        var state = try Fixture.subnet()
        let counter = try Self.cost("inc", of: Fixture.counterID, in: state)
        var configuration = Fixture.free
        configuration.cores = 2
        configuration.roundInstructionsPerCore = counter + 10_000_000
        let report = RoundExecutor(configuration: configuration).executeRound(
            ingress: [Fixture.message(1, Fixture.counterID, "inc"),
                      Fixture.message(2, Fixture.callerID, "call", Fixture.target(Fixture.counterID, "inc"))],
            timeNanos: 1, on: &state)
        #expect(state.ingressHistory[1] == .replied(Fixture.le64(1)))
        #expect(state.ingressHistory[2] == .processing, "the caller's call waits for the next round")
        #expect(report.iterations == 1)
    }

    @Test func inductionTakesTimePerMessage() throws {
        var state = try Fixture.subnet()
        var configuration = Fixture.free
        configuration.time.inductionNanosPerMessage = 7_000
        let report = RoundExecutor(configuration: configuration).executeRound(
            ingress: (1...3).map { Fixture.message($0, Fixture.counterID, "inc") }, timeNanos: 1, on: &state)
        #expect(report.messagesInducted == 3)
        #expect(report.time.inductionNanos == 21_000)
        #expect(report.durationNanos == report.time.inductionNanos + report.time.executionNanos + report.time.finalizationNanos)
    }

    @Test func hashingCountsWhatChangedInTheCertifiedState() throws {
        var state = try Fixture.subnet()
        _ = state.stateHash()
        let genesis = state.takeCertifiedChanges()
        #expect(genesis.entries == 3, "every canister's certified leaf is hashed once at first")
        _ = Fixture.executor.executeRound(ingress: (1...3).map { Fixture.message($0, Fixture.counterID, "inc") }, timeNanos: 1, on: &state)
        _ = state.stateHash()
        let changes = state.takeCertifiedChanges()
        // Three statuses "processing" (a 32-byte key each), then three replies of 8 bytes.
        #expect(changes == CertifiedChanges(entries: 6, bytes: 3 * 32 + 3 * (32 + 8)))
        let time = RoundTimeConfiguration()
        #expect(time.hashingNanos(changes) == 6 * 1_000 + (3 * 32 + 3 * 40) * 1_000_000_000 / 400_000_000)
        _ = Fixture.executor.executeRound(ingress: [], timeNanos: 2, on: &state)
        _ = state.stateHash()
        #expect(state.takeCertifiedChanges() == CertifiedChanges(), "an idle round changes nothing certified")
    }

    @Test func aCertifiedDataChangeIsHashed() throws {
        var state = try Fixture.subnet()
        _ = state.stateHash()
        _ = state.takeCertifiedChanges()
        _ = Fixture.executor.executeRound(ingress: [Fixture.message(1, Fixture.counterID, "certify", [1, 2, 3, 4])], timeNanos: 1, on: &state)
        _ = state.stateHash()
        let changes = state.takeCertifiedChanges()
        #expect(changes.entries == 3, "processing, the reply, and the canister's certified data: \(changes)")
    }
}

import Testing
import SimCore
import Consensus
import ExecutionLayer
@testable import InternetComputer

/// A round's whole time (induction, execution, finalization, hashing the certified state, a
/// checkpoint's write) passes before a replica signs the height's certification share; heavier
/// rounds hold certification back, and through the backlog delay, consensus.
@Suite("Round time and certification")
struct RoundTimeCertificationTests {
    typealias Fixture = SubnetExecutionTests

    @Test func everyPartOfTheRoundPassesBeforeItsHeightIsCertified() throws {
        var configuration = try Fixture.configuration(nodes: 4, messages: 120, every: .milliseconds(25), seed: 8)
        configuration.checkpoints.intervalHeights = 6
        configuration.round.time.inductionNanosPerMessage = 2_000_000
        let subnet = Fixture.run(configuration, seconds: 10)
        let execution = subnet.execution
        #expect(execution.outcomes.count == 120)
        var checkedHeights = 0
        for (index, time) in execution.roundTimes.enumerated() {
            let height = Height(index + 1)
            #expect(execution.executionDuration(at: height) == .nanoseconds(time.totalNanos))
            #expect(time.inductionNanos % 2_000_000 == 0, "2 ms per message inducted")
            #expect(time.executionNanos > 0 || time.inductionNanos == 0, "height \(height): \(time)")
            #expect((time.checkpointNanos >= 0) && (height % 6 == 0 || time.checkpointNanos == 0))
            guard let certified = subnet.certification.firstCertification[height]?.time else { continue }
            #expect(certified - execution.executionTimes[index] >= .nanoseconds(time.totalNanos), "height \(height)")
            checkedHeights += 1
        }
        #expect(checkedHeights >= 10)
        let total = execution.roundTimeTotal
        #expect(total.hashingNanos > 0 && total.finalizationNanos > 0 && total.inductionNanos == 120 * 2_000_000)
    }

    @Test func heavierRoundsHoldBackCertificationAndSlowConsensus() throws {
        // 400 increments, 20 a second: inducting a message takes 100 ms in the heavy subnet, so
        // a round of ten messages takes a second, longer than a block.
        let light = try Fixture.configuration(nodes: 4, messages: 400, every: .milliseconds(50), seed: 9)
        var heavy = light
        heavy.round.time.inductionNanosPerMessage = 100_000_000
        try Fixture.expectSlowRoundsThrottleConsensus(fast: light, slow: heavy)
    }
}

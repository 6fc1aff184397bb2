import Testing
import SimCore
import InternetComputer
@testable import Scenarios

/// Agents: the synchronous (v3) call answered on its connection, its timeout and the polls
/// after it, and the polling (v2) agent's backoff.
@Suite("Agents")
struct AgentCallModeTests {
    /// One client of 5 update calls a second to the counter for 10 s, with `keys` added.
    static func run(_ keys: String) throws -> ScenarioSimulation {
        let text = #"{"name": "agents", "duration": "14s", "canisters": [{"name": "c", "wasm": "builtin:counter"}], "#
            + #""workload": [{"name": "u", "canister": "c", "method": "inc", "rate": 5, "until": "10s"\#(keys)}]}"#
        let scenario = try ScenarioLoader.load(text)
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        return simulation
    }

    @Test func aSynchronousCallIsAnsweredOnItsConnectionWithoutPolling() throws {
        let simulation = try Self.run("")
        let statistics = simulation.workload.statistics[0]
        #expect(statistics.replied == 50)
        #expect(statistics.polls == 0)
        #expect(simulation.workload.updates.allSatisfy { $0.waitingAt == nil && $0.end == .replied })
    }

    @Test func aTimedOutSynchronousCallPolls() throws {
        let simulation = try Self.run(#", "syncCallTimeout": "100ms""#)
        let statistics = simulation.workload.statistics[0]
        #expect(statistics.replied == 50)
        #expect(statistics.polls >= 50, "every call timed out before its answer and polled at least once")
    }

    /// Polling answers no sooner than waiting on the connection: the first poll comes 500 ms
    /// after the 202, and later ones back off.
    @Test func pollingIsSlowerThanWaiting() throws {
        let waiting = try #require(Self.run("").workload.statistics[0].latency.quantile(1, 2))
        let polling = try #require(Self.run(#", "agent": "v2""#).workload.statistics[0].latency.quantile(1, 2))
        #expect(polling > waiting)
    }

    @Test func thePollingAgentBacksOffToOneSecond() throws {
        let simulation = try Self.run(#", "agent": "v2""#)
        var workload = simulation.workload
        var ic = simulation.internetComputer
        var scheduler = Scheduler<WorkloadEvent>()
        var waits: [SimDuration] = []
        workload.updates[0].pollWait = workload.specifications[0].pollInterval  // as when the call started
        for _ in 0..<5 {
            waits.append(workload.updates[0].pollWait)
            workload.schedulePoll(0, answeredAt: .zero, &scheduler, &ic)
        }
        #expect(waits == [.milliseconds(500), .milliseconds(700), .milliseconds(980), .seconds(1), .seconds(1)])
    }

    @Test func theAgentKeysAreReadAndWrittenBack() throws {
        let text = #"{"name": "a", "canisters": [{"name": "c", "wasm": "builtin:counter"}], "#
            + #""workload": [{"name": "u", "canister": "c", "method": "inc", "rate": 5, "agent": "v2", "syncCallTimeout": "3s"}]}"#
        let scenario = try ScenarioLoader.load(text)
        #expect(scenario.clients[0].agent == .polling)
        #expect(scenario.clients[0].syncCallTimeout == .seconds(3))
        #expect(try ScenarioLoader.load(scenario.json) == scenario)
        let bad = ScenarioLoaderTests.problems(text.replacingOccurrences(of: #""v2""#, with: #""v4""#))
        #expect(bad == [#"workload[0].agent: expected "v3" (the synchronous call) or "v2" (call, then poll read_state), found "v4""#])
    }
}

import Testing
@testable import ICSim
@testable import InternetComputer
@testable import Scenarios
@testable import ScenarioReports
@testable import ICSimTesting
import ICSimTestSupport

/// `icsim shrink`'s search: on bugs planted in the client model (each needing a combination
/// of faults) it keeps exactly the faults that trigger them and drops everything else; on
/// the f+1 fork it finds a smaller fork.
@Suite("Shrinking failing scenarios")
struct ShrinkTests {
    /// Whether `scenario` fails `check` with `bugs` planted.
    static func failing(with bugs: [PlantedBug]) -> (Scenario, String) -> Bool {
        { scenario, check in
            guard let modules = try? scenario.modules(readFile: { _ in nil }),
                  var simulation = try? ScenarioSimulation(scenario: scenario, modules: modules) else { return false }
            simulation.plant(bugs)
            simulation.run()
            return ScenarioReport(simulation).checks.contains { $0.name == check && !$0.passed }
        }
    }

    /// Seven nodes, three clients, two canisters and six faults of different kinds.
    static func busyScenario() throws -> Scenario {
        var scenario = Scenario(name: "busy")
        scenario.seed = 5
        scenario.duration = .seconds(50)
        scenario.subnets = [ScenarioSubnet(name: "app", nodes: 7)]
        scenario.subnets[0].ingressTimeToLive = .seconds(10)
        scenario.subnets[0].unitDelay = .milliseconds(600)
        scenario.canisters = [ScenarioCanister(name: "counter", wasm: .builtin("counter")), ScenarioCanister(name: "kv", wasm: .builtin("kv"))]
        scenario.clients = [
            ClientSpecification(name: "updates", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 4, poisson: false)),
            ClientSpecification(name: "reads", call: .query, canister: "counter", method: "get", load: .closedLoop(users: 2, thinkTime: .milliseconds(500))),
            ClientSpecification(name: "more-updates", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 2, poisson: true)),
        ]
        // The planted bug loses polls: the update clients' agents poll (v2).
        for index in [0, 2] { scenario.clients[index].agent = .polling }
        scenario.faults = [
            ScenarioFault(.crash(nodes: [1]), at: .seconds(4), until: .seconds(12)),
            ScenarioFault(.extraDelay(.milliseconds(30)), at: .zero, until: .seconds(20)),
            ScenarioFault(.duplication(try .perMillion(100_000)), at: .seconds(8), until: .seconds(22)),
            ScenarioFault(.clockDrift(nodes: [4], numerator: 11, denominator: 10), at: .zero, until: .seconds(25)),
            ScenarioFault(.loss(try .perMillion(50_000)), at: .seconds(24), until: .seconds(30)),
            ScenarioFault(.pause(nodes: [2]), at: .seconds(14), until: .seconds(18)),
        ]
        return scenario
    }

    @Test func aPlantedPollBugShrinksToADownNodeAndDuplication() throws {
        let scenario = try Self.busyScenario()
        #expect(!Shrinker.failedChecks(scenario).contains("nothingLost"), "without the bug, nothing is lost")
        let fails = Self.failing(with: [.pollDroppedWhileNodeDownAndDuplicating])
        let result = try #require(Shrinker.shrink(scenario, check: "nothingLost", runsMax: 80, fails: fails))
        let shrunk = result.shrunk
        #expect(fails(shrunk, "nothingLost"))
        let kinds = shrunk.faults.map(\.kindName).sorted()
        #expect(kinds == ["crash", "duplication"] || kinds == ["duplication", "pause"], "\(kinds): the trigger, nothing else; \(result.steps)")
        #expect(shrunk.clients.count == 1 && shrunk.clients[0].call == .update, "one update client is enough")
        #expect(shrunk.canisters.count == 1, "the kv canister nobody calls is gone")
        #expect(shrunk.duration < scenario.duration && shrunk.subnets[0].nodeCount < 7)
        #expect(shrunk.subnets[0].ingressTimeToLive == .seconds(10), "the short expiry is what lets the checker see the wait")
    }

    /// A predicate standing in for a simulation (failing while a crash and the loss are both
    /// there): the search reaches the same minimum and never runs one candidate twice.
    @Test func noCandidateIsRunTwice() throws {
        var tried: [Scenario] = []
        let fails: (Scenario, String) -> Bool = { scenario, _ in
            tried.append(scenario)
            let kinds = scenario.faults.map(\.kindName)
            return kinds.contains("crash") && kinds.contains("loss")
        }
        let result = try #require(Shrinker.shrink(try Self.busyScenario(), check: "nothingLost", runsMax: 500, fails: fails))
        #expect(result.shrunk.faults.map(\.kindName).sorted() == ["crash", "loss"], "\(result.steps)")
        #expect(!result.stoppedAtBudget && result.runs == tried.count)
        #expect(Set(tried).count == tried.count, "\(tried.count) runs, \(Set(tried).count) different scenarios")
    }

    @Test func aPlantedQueryBugShrinksToLossAlone() throws {
        let fails = Self.failing(with: [.queryCountedTwiceDuringLoss])
        let result = try #require(Shrinker.shrink(try Self.busyScenario(), check: "nothingLost", runsMax: 80, fails: fails))
        #expect(result.shrunk.faults.map(\.kindName) == ["loss"], "\(result.steps)")
        #expect(result.shrunk.clients.map(\.call) == [.query])
        #expect(fails(result.shrunk, "nothingLost"))
    }

    @Test func theFPlusOneForkShrinksToASmallerFork() throws {
        var fork = try ScenarioLoader.load(Array(try Fixture.bytes("Scenarios/f-plus-one-fork.json")))
        fork.duration = .seconds(20)  // the fork happens early; shorter runs keep the debug build's test quick
        let result = try #require(Shrinker.shrink(fork, check: "safety", runsMax: 25))
        #expect(result.shrunk.subnets[0].nodeCount < 13 && result.shrunk.duration <= fork.duration, "\(result.steps)")
        #expect(result.shrunk.expectations.safety, "the shrunk scenario fails safety when run")
        #expect(Shrinker.failedChecks(result.shrunk).contains("safety"))
    }

    @Test func aPassingScenarioHasNothingToShrink() throws {
        var scenario = try Self.busyScenario()
        scenario.duration = .seconds(10)
        #expect(Shrinker.shrink(scenario, check: "safety", runsMax: 5) == nil)
    }
}

/// A check that becomes vacuous while shrinking (the calls it bounds all removed) does not
/// count as still failing: the shrunk scenario keeps calls that break the bound.
@Suite("Shrinking keeps what a bound is about")
struct VacuousCheckShrinkTests {
    /// One subnet, an update client and a query client; a latency bound on the updates that
    /// no subnet can meet (p50 under 1 ms), and a throughput bound no client can reach.
    static func scenario() -> Scenario {
        var scenario = Scenario(name: "impossible-bounds")
        scenario.seed = 3
        scenario.duration = .seconds(8)
        scenario.subnets = [ScenarioSubnet(name: "app", nodes: 4)]
        scenario.canisters = [ScenarioCanister(name: "counter", wasm: .builtin("counter"))]
        scenario.clients = [
            ClientSpecification(name: "updates", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 4, poisson: false)),
            ClientSpecification(name: "reads", call: .query, canister: "counter", method: "get", load: .openLoop(ratePerSecond: 4, poisson: false)),
        ]
        scenario.expectations.latency = [LatencyBound(calls: .kind(.update), perMille: 500, maximum: .milliseconds(1))]
        scenario.expectations.throughput = [ThroughputBound(calls: .client("reads"), minimumPerSecond: 1_000)]
        return scenario
    }

    @Test(arguments: ["latency[0]", "throughput[0]"])
    func aBoundStillFailsOnRealCallsAfterShrinking(check: String) throws {
        let scenario = Self.scenario()
        #expect(Shrinker.failedChecks(scenario).contains(check))
        let result = try #require(Shrinker.shrink(scenario, check: check, runsMax: 40))
        let outcome = SwarmGenerator.run(result.shrunk)
        let failed = try #require(outcome.failedChecks.first { $0.name == check }, "the shrunk scenario fails \(check)")
        #expect(!failed.isVacuous, "judged on real calls: \(failed.detail)")
        let kept = check == "latency[0]" ? "updates" : "reads"
        #expect(result.shrunk.clients.contains { $0.name == kept }, "the client the bound is about stays")
    }

    @Test func aCheckWithNoCallsIsVacuous() {
        var scenario = Self.scenario()
        scenario.clients.removeAll { $0.call == .update }
        let outcome = SwarmGenerator.run(scenario)
        let latency = outcome.failedChecks.first { $0.name == "latency[0]" }
        #expect(latency?.isVacuous == true, "\(latency?.detail ?? "passed")")
        #expect(!Shrinker.failedChecks(scenario).contains("latency[0]"))
    }
}

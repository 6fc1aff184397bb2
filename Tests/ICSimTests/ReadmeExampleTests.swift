import Foundation
import Testing
import ICSim
import ICSimTestSupport

/// The library example from README.md, kept compiling and checked.
struct PingPong: SimulationModel {
    var stream = RandomSeed(42).stream("pingpong")
    var volleys = 0

    mutating func handle(_ player: Int, scheduler: inout Scheduler<Int>) {
        volleys += 1
        let delay = stream.exponential(mean: .milliseconds(20))
        scheduler.schedule(1 - player, after: delay)
    }

    func traceRecord(for player: Int) -> TraceRecord {
        TraceRecord(kind: EventKind(code: 1, name: "volley"), actor: UInt32(player), payloadDigest: 0)
    }
}

@Suite("README example")
struct ReadmeExampleTests {
    @Test func pingPongRunsForTenVirtualSeconds() {
        var simulation = Simulation(model: PingPong())
        simulation.scheduler.schedule(0, at: .zero)
        let result = simulation.run(.until(.zero + .seconds(10)))
        #expect(result.stopReason == .timeLimit)
        #expect(result.now == .zero + .seconds(10))
        // About 10 s / 20 ms = 500 volleys; allow 5 standard deviations of a Poisson count.
        #expect(abs(simulation.model.volleys - 500) < 5 * 23)
        #expect(simulation.traceHash.eventCount == result.eventsProcessed)
    }

    /// The subnet example, with the counter canister of the execution tests.
    @Test func aSubnetAnswersEveryIncrement() throws {
        var configuration = SubnetConfiguration(nodeCount: 13, seed: 1)
        let counter = CanisterID(1)
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ExecutionLayerTests/Fixtures/c/counter.wasm")
        let wasm = Array(try Data(contentsOf: url))
        configuration.canisters = [CanisterSetup(id: counter, wasm: wasm)]
        configuration.ingress = (1...100).map { index in
            SubmittedIngress(at: .zero + .milliseconds(100 * Int64(index)),
                             IngressMessage(id: UInt64(index), sender: .user(1), receiver: counter, method: "inc", argument: []))
        }
        #expect(configuration.problems().isEmpty)
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + .seconds(30)))
        let execution = simulation.model.execution
        #expect(execution.outcomes.count == 100)
        #expect(try #require(execution.ingress.latency.quantile(99, 100)) < .seconds(3))
    }

    /// The call API example (the module read from the shared material instead of a file
    /// beside the test).
    @Test func theCounterCountsThroughACrash() throws {
        var ic = try SimulatedInternetComputer(subnetCount: 1, nodeCount: 13, seed: 1)
        let wasm = try SharedMaterial.bytes("canisters/motoko-counter.wasm")
        let counter = try ic.deploy(wasm: wasm, initArgument: "()", controller: .user(1))
        ic.crash(node: 3)
        for _ in 1...5 { _ = try ic.update(counter, "inc", candid: "()") }
        let read = try ic.query(counter, "read", candid: "()")
        #expect(read.description == "(5 : nat)")
        #expect(try read.equals("(5)"))
        do {
            _ = try ic.update(counter, "greet", candid: "(42)")
            Issue.record("42 is not a text")
        } catch {
            guard case .candid = error else { Issue.record("a Candid error, not \(error)"); return }
        }
        ic.restart(node: 3)
        ic.injectNetworkFault(.split(groups: [Array(0..<7), Array(7..<13)]))
        #expect(throws: CallFailure.expired) { _ = try ic.update(counter, "inc", candid: "()") }
        ic.healNetwork()
        ic.advanceTime(by: .seconds(10))
        let after = try ic.update(counter, "inc_read", candid: "()")
        #expect(try after.equals("(6)"), "the expired increment never executed (no block inducted it before its expiry): \(after)")
    }

    /// The scenario example.
    @Test func aScenarioBuiltInSwiftRuns() throws {
        var scenario = Scenario(name: "mine")
        scenario.canisters = [ScenarioCanister(name: "counter", wasm: .builtin("counter"))]
        scenario.clients = [ClientSpecification(name: "inc", call: .update, canister: "counter", method: "inc",
                                                load: .openLoop(ratePerSecond: 50, poisson: true))]
        scenario.faults = [ScenarioFault(.crash(nodes: [3]), at: .seconds(5), until: .seconds(15))]
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        let report = ScenarioReport(simulation)
        #expect(report.passed, "\(report.text)")
        #expect(report.clients[0].statistics.replied > 2_500)
    }

    /// The output README.md shows for `swift run icsim` is what the default scenario prints:
    /// its heading, its clients' lines and its trace hash.
    @Test func theReadmeShowsTheDefaultScenariosOutput() throws {
        let readme = String(decoding: try Fixture.bytes("README.md"), as: UTF8.self)
        var simulation = try ScenarioSimulation(scenario: .builtinDefault, modules: try Scenario.builtinDefault.modules { _ in nil })
        simulation.run()
        let lines = ScenarioReport(simulation).text.split(separator: "\n").map(String.init)
        for line in lines[1...5] {
            #expect(readme.contains(line), "README.md should show: \(line)")
        }
        let hash = try #require(lines.last)
        #expect(readme.contains(hash), "README.md should show: \(hash)")
    }
}

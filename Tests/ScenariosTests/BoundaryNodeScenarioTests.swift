import Testing
import ICSim
import SimCore
@testable import InternetComputer
@testable import Scenarios

/// Clients through the boundary node (Docs/Model.md, "Clients"): its two hops, queries retried
/// at other replicas after a 429 and refused after three tries, clients that bypass it
/// (`"entry": "roundRobin"`), and its scenario keys.
@Suite("Boundary node in scenarios")
struct BoundaryNodeScenarioTests {
    /// Runs `subnet` (a subnet object's members after its name) with a counter and `client`
    /// (a client object's members after its name and canister) for `duration`.
    static func run(subnet: String = "", client: String, duration: String = "3s") throws -> ScenarioSimulation {
        let text = #"{"name": "bn", "duration": "\#(duration)", "subnets": [{"name": "app"\#(subnet)}], "#
            + #""canisters": [{"name": "c", "wasm": "builtin:counter"}], "workload": [{"name": "u", "canister": "c"\#(client)}]}"#
        let scenario = try ScenarioLoader.load(text)
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        #expect(NothingLostChecker.problems(simulation.workload, simulation.internetComputer, end: simulation.now).isEmpty)
        return simulation
    }

    /// One scripted query of `get` and one update `inc`, 40 ms each way to the entry, no jitter.
    static let scripted = #", "networkJitter": "0ms", "calls": [{"method": "get", "call": "query"}, {"method": "inc"}]"#

    /// How long each of the scripted client's steps took, in order.
    static func stepLatencies(_ simulation: ScenarioSimulation) -> [SimDuration] {
        simulation.workload.stepOutcomes[0].map { $0.endedAt - $0.sentAt }
    }

    @Test func aQueryTakesBothHopsEachWay() throws {
        let direct = try Self.stepLatencies(Self.run(subnet: #", "nodes": 4"#, client: Self.scripted + #", "entry": "roundRobin""#))
        let through = try Self.stepLatencies(Self.run(subnet: #", "nodes": 4, "boundaryNode": {"replicaDelay": "10ms"}"#, client: Self.scripted))
        // The same query on the same state: 10 ms more each way.
        #expect(through[0] - direct[0] == .milliseconds(20), "\(through) \(direct)")
        #expect(direct[0] >= .milliseconds(80) && direct[0] < .milliseconds(82))
    }

    @Test func withDataCentresTheHopIsTheTablesDelay() throws {
        // One node in Tokyo, the boundary node in Zurich: 230 ms round trip between them.
        let subnet = #", "nodes": 1, "dataCentres": ["Tokyo", "Zurich"], "boundaryNode": {"region": "Zurich"}"#
        let direct = try Self.stepLatencies(Self.run(subnet: subnet, client: Self.scripted + #", "entry": "roundRobin""#))
        let through = try Self.stepLatencies(Self.run(subnet: subnet, client: Self.scripted))
        #expect(through[0] - direct[0] == .milliseconds(230), "\(through) \(direct)")
        #expect(through[1] > direct[1], "the update call takes the hops too")
    }

    /// A 3-node subnet whose replicas hold one query at a time for a second, offered 10
    /// queries within 100 ms: each replica serves one, every other query is refused.
    static func overloaded(_ entry: String) throws -> ScenarioSimulation {
        try run(subnet: #", "nodes": 3, "queries": {"concurrentMax": 1, "overhead": "1s"}, "boundaryNode": {"replicaDelay": "10ms"}"#,
                client: #", "call": "query", "method": "get", "rate": 100, "until": "100ms", "networkJitter": "0ms""# + entry)
    }

    @Test func aRefusedQueryIsRetriedAtTheOtherReplicasAndRefusedAfterThreeTries() throws {
        let simulation = try Self.overloaded("")
        let statistics = simulation.workload.statistics[0]
        #expect(statistics.replied == 3 && statistics.refused == 7 && statistics.queriesRefused == 7)
        #expect(statistics.rejectReasons == ["HTTP 429": 7])
        // Refused at all three replicas: 40 ms to the boundary node and back, three round trips of 20 ms.
        #expect(statistics.latency.minimum == .milliseconds(140))
        let tries = simulation.internetComputer.queryServices[0].reduce(UInt64(0)) { $0 + $1.refused }
        #expect(tries > 21, "each refused query tried thrice, and a served one was refused first and replied elsewhere: \(tries)")
        #expect(simulation.workload.answers[0].rejects.map(\.answer) == [.refused(httpStatus: 429, errorCode: nil, message: "The service is overloaded.")])
        let report = ScenarioReport(simulation)
        #expect(report.text.contains("rejected (7 refused)"), "\(report.text)")
    }

    @Test func aClientBypassingTheBoundaryNodeIsNotRetried() throws {
        let simulation = try Self.overloaded(#", "entry": "roundRobin""#)
        let statistics = simulation.workload.statistics[0]
        #expect(statistics.replied == 3 && statistics.refused == 7)
        let services = simulation.internetComputer.queryServices[0]
        #expect(services.map(\.refused).reduce(0, +) == 7, "one try each")
        // In turn: queries 0-2 to replicas 0-2, then 3, 6, 9 to replica 0 and so on.
        #expect(services.map(\.admitted) == [1, 1, 1] && services.map(\.refused) == [3, 2, 2])
        #expect(statistics.latency.minimum == .milliseconds(80))
    }

    @Test func roundRobinReachesEveryReplicaInTurnAndSkipsOneDown() throws {
        let faults = #"], "faults": [{"kind": "crash", "nodes": [2], "at": "0s"}]"#
        let text = #"{"name": "rr", "duration": "2s", "subnets": [{"name": "app", "nodes": 4}], "canisters": [{"name": "c", "wasm": "builtin:counter"}], "#
            + #""workload": [{"name": "u", "canister": "c", "method": "inc", "rate": 60, "until": "100ms", "networkJitter": "0ms", "entry": "roundRobin"}"# + faults + "}"
        let scenario = try ScenarioLoader.load(text)
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        // Six calls, 1/60 s apart, arriving 40 ms after they leave: replicas 0, 1, 3, 0, 1, 3.
        let admission = simulation.internetComputer.ingressAdmission(ofSubnet: 0)
        let arrival = { (call: Int64) in SimInstant.zero + .milliseconds(40) + .nanoseconds(call * 1_000_000_000 / 60) }
        #expect(admission.replicas.map(\.handlingStarts) == [[arrival(0), arrival(3)], [arrival(1), arrival(4)], [], [arrival(2), arrival(5)]])
        #expect(NothingLostChecker.problems(simulation.workload, simulation.internetComputer, end: simulation.now).isEmpty)
    }

    @Test func pollingThroughAFarBoundaryNodeLosesNothing() throws {
        // A v2 agent whose polls cross 230 ms each way between the boundary node and the
        // replica, and calls that expire while two of four replicas are down (no finalization).
        // A call sent at s reaches its replica at s + 270 ms and expires 1,050 ms later, just
        // after its first poll (s + 1.31 s); its next poll comes at s + 2.55 s. So at the end
        // some calls are still polling, past their expiry by more than the slack of a network
        // without the hops (1 s and three 40 ms delays); the checker's slack covers them.
        let subnet = #", "nodes": 4, "boundaryNode": {"replicaDelay": "230ms"}, "ingressTimeToLive": "1050ms""#
        let text = #"{"name": "far", "duration": "8s", "subnets": [{"name": "app"\#(subnet)}], "canisters": [{"name": "c", "wasm": "builtin:counter"}], "#
            + #""workload": [{"name": "u", "canister": "c", "method": "inc", "rate": 10, "until": "6s", "agent": "v2", "networkJitter": "0ms"}], "#
            + #""faults": [{"kind": "crash", "nodes": [2, 3], "at": "200ms"}], "expectations": {"liveness": false}}"#
        let scenario = try ScenarioLoader.load(text)
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        let statistics = simulation.workload.statistics[0]
        #expect(statistics.expired > 0 && statistics.replied == 0 && statistics.polls > 0)
        #expect(NothingLostChecker.problems(simulation.workload, simulation.internetComputer, end: simulation.now).isEmpty)
        let slackWithoutHops = UInt64((SimDuration.seconds(1) + SimDuration.milliseconds(40) * 3).nanoseconds)
        let late = simulation.workload.updates.filter { $0.end == nil && SubnetExecution.timeNanos(simulation.now) > $0.expiryNanos + slackWithoutHops }
        #expect(!late.isEmpty, "calls still polling past the slack a network without the hops allows")
    }

    @Test func theKeysAreReadCheckedAndWrittenBack() throws {
        let text = #"{"name": "k", "subnets": [{"name": "app", "dataCentres": true, "boundaryNode": {"region": "Tokyo"}}], "#
            + #""canisters": [{"name": "c", "wasm": "builtin:counter"}], "workload": [{"name": "u", "canister": "c", "method": "inc", "rate": 5, "entry": "roundRobin"}]}"#
        let scenario = try ScenarioLoader.load(text)
        #expect(scenario.clients[0].entry == .roundRobin && scenario.subnets[0].boundaryNode == .region("Tokyo"))
        #expect(try ScenarioLoader.load(scenario.json) == scenario)
        let configuration = scenario.configuration(modules: [[]])
        #expect(configuration.boundaryNodes[0].placement == .region(LatencyMatrix.icDataCentreNames.firstIndex(of: "Tokyo") ?? -1))
        // Unset: with data centres, the first node's; otherwise the uniform default.
        var unset = scenario
        unset.subnets[0].boundaryNode = nil
        #expect(unset.configuration(modules: [[]]).boundaryNodes[0].placement == .region(configuration.subnets[0].network.placement[0]))
        unset.subnets[0].network = .cloudRegions(nil)
        #expect(unset.configuration(modules: [[]]).boundaryNodes[0] == BoundaryNodeConfiguration())
        let minimal = try ScenarioLoader.load(ScenarioLoaderTests.minimal)
        #expect(scenario.json.contains("\"entry\": \"roundRobin\"") && !minimal.json.contains("entry"), "the default is not written")
    }

    @Test func badValuesNameTheirPath() {
        let problems = ScenarioLoaderTests.problems(
            #"{"name": "k", "subnets": [{"name": "app", "boundaryNode": {"region": "Mars"}}, {"name": "b", "boundaryNode": {"region": "us-east", "replicaDelay": "1ms"}}, {"name": "c", "boundaryNode": {"replicaDelay": "2m"}}], "#
            + #""canisters": [{"name": "c", "wasm": "builtin:counter"}], "workload": [{"name": "u", "canister": "c", "method": "inc", "rate": 5, "entry": "direct"}]}"#)
        #expect(problems.contains { $0.hasPrefix("workload[0].entry: expected \"boundaryNode\"") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("subnets[0].boundaryNode.region: \"Mars\" is not a region") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("subnets[1].boundaryNode.replicaDelay: give either") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("subnets[2].boundaryNode.replicaDelay:") }, "\(problems)")
    }
}

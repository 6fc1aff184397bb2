import Testing
import ICSim
@testable import InternetComputer
@testable import Scenarios
import ICSimTestSupport

/// A subnet's `ingressAdmission` in scenario files (Docs/Scenarios.md, "Ingress admission"):
/// read with typed errors, written back in full, carried into the subnet's configuration; and
/// a flooded subnet refuses the excess with the replica's statuses, which the clients, the
/// reports and the nothing-lost checker all count.
@Suite("Ingress admission in scenarios")
struct IngressAdmissionScenarioTests {
    /// The minimal scenario with one subnet whose `ingressAdmission` is `object`.
    static func scenario(admission object: String) -> String {
        ScenarioLoaderTests.minimal(adding: #""subnets": [{"name": "app", "nodes": 4, "ingressAdmission": "# + object + "}]")
    }

    @Test func aPartialObjectKeepsTheICsValuesAndIsWrittenBackInFull() throws {
        let scenario = try ScenarioLoader.load(Self.scenario(admission: #"{"ingressPoolCountMax": 7, "callHandlingTime": "3ms"}"#))
        var expected = IngressAdmissionConfiguration()
        expected.ingressPoolMessagesMax = 7
        expected.callHandlingDuration = .milliseconds(3)
        #expect(scenario.subnets[0].ingressAdmission == expected)
        #expect(scenario.subnets[0].configuration(seed: 1).ingressAdmission == expected, "the subnet runs with it")
        let written = scenario.json
        for key in ScenarioReader.ingressAdmissionKeys { #expect(written.contains("\"\(key)\""), "\(key) is written") }
        let reread = try ScenarioLoader.load(written)
        #expect(reread == scenario && reread.json == written)
        #expect(try ScenarioLoader.load(ScenarioLoaderTests.minimal).subnets[0].ingressAdmission == nil, "left out: the IC's limits")
    }

    @Test func everyKeyRoundTrips() throws {
        let text = #"{"enabled": false, "callConcurrentRequestsMax": 9, "callHandlingTime": "250us", "ingressPoolCountMax": 0, "#
            + #""ingressPoolBytesMax": "4MiB", "boundaryNodeCallsPerSecond": 300}"#
        let scenario = try ScenarioLoader.load(Self.scenario(admission: text))
        let admission = try #require(scenario.subnets[0].ingressAdmission)
        #expect(!admission.isEnabled && admission.callConcurrentRequestsMax == 9 && admission.callHandlingDuration == .microseconds(250))
        #expect(admission.ingressPoolMessagesMax == 0 && admission.ingressPoolBytesMax == 4 << 20 && admission.boundaryNodeCallsPerSecondMax == 300)
        #expect(try ScenarioLoader.load(scenario.json) == scenario)
        let unlimited = try ScenarioLoader.load(Self.scenario(admission: #"{"boundaryNodeCallsPerSecond": null}"#))
        #expect(unlimited.subnets[0].ingressAdmission?.boundaryNodeCallsPerSecondMax == nil)
    }

    @Test(arguments: [
        (#"{"callConcurrentRequestsMax": 0}"#, "subnets[0].ingressAdmission.callConcurrentRequestsMax: expected an integer from 1 to 1000000, found 0 (out of range)"),
        (#"{"callHandlingTime": "2m"}"#, "subnets[0].ingressAdmission.callHandlingTime: \"2m\" is longer than the most allowed here"),
        (#"{"ingressPoolCountMax": -1}"#, "subnets[0].ingressAdmission.ingressPoolCountMax: expected an integer from 0 to 1000000000, found -1"),
        (#"{"ingressPoolBytesMax": 100}"#, "subnets[0].ingressAdmission.ingressPoolBytesMax: expected a size with a unit"),
        (#"{"boundaryNodeCallsPerSecond": 0}"#, "subnets[0].ingressAdmission.boundaryNodeCallsPerSecond: expected an integer from 1 to 1000000000"),
        (#"{"enabled": "no"}"#, "subnets[0].ingressAdmission.enabled: expected true or false, found a string"),
        (#"{"ingressPoolCount": 5}"#, "subnets[0].ingressAdmission.ingressPoolCount: unknown key"),
        (#""off""#, "subnets[0].ingressAdmission: expected an object"),
    ])
    func mistakesAreReportedWithTheirPath(object: String, expected: String) {
        let problems = ScenarioLoaderTests.problems(Self.scenario(admission: object))
        #expect(problems.contains { $0.hasPrefix(expected) }, "\(problems)")
    }

    @Test func theOverloadBenchmarkScenarioLoads() throws {
        // Run in release by CI (.ci/run, "overload"): too slow for the debug suite.
        let scenario = try ScenarioLoader.load(try Fixture.bytes("Benchmarks/scenarios/overload-1m-calls.json"))
        #expect(scenario.clients.map(\.load) == [.openLoop(ratePerSecond: 1_000_000, poisson: false)] && scenario.duration == .seconds(10))
        #expect(scenario.subnets.allSatisfy { $0.ingressAdmission == nil && $0.nodeCount == 13 }, "the IC's limits")
    }

    @Test func theSchemaNamesTheAdmissionKeys() throws {
        let schema = try JSONParser.parse(try Fixture.bytes("Docs/scenario.schema.json"))
        let properties = schema["$defs"]?["subnet"]?["properties"]?["ingressAdmission"]?["properties"]
        #expect(Set(ScenarioSchemaTests.keys(properties)) == Set(ScenarioReader.ingressAdmissionKeys))
    }

    /// Runs a 4-node subnet with a counter, flooded by one client at `rate` calls a second
    /// for a second, under `admission`.
    static func flood(rate: Int, admission: String) throws -> ScenarioSimulation {
        let text = #"{"name": "flood", "duration": "3s", "subnets": [{"name": "app", "nodes": 4, "ingressAdmission": "# + admission + "}], "
            + #""canisters": [{"name": "c", "wasm": "builtin:counter"}], "#
            + #""workload": [{"name": "u", "canister": "c", "method": "inc", "rate": "# + "\(rate)" + #", "until": "1s"}]}"#
        let scenario = try ScenarioLoader.load(text)
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        return simulation
    }

    @Test func aFloodedSubnetRefusesTheExcessAndEveryRefusalIsCounted() throws {
        let simulation = try Self.flood(rate: 4_000, admission: #"{"callConcurrentRequestsMax": 2, "callHandlingTime": "2ms", "ingressPoolCountMax": 100}"#)
        let statistics = simulation.workload.statistics[0]
        let reasons = statistics.rejectReasons
        let busy = reasons["HTTP 429"] ?? 0, full = reasons["HTTP 503"] ?? 0
        #expect(busy > 0 && full > 0, "\(reasons)")
        #expect(statistics.refused == busy + full && statistics.sent == 4_000)
        #expect(UInt64(simulation.workload.updates.count) + statistics.refused == statistics.sent, "a refused call is only counted")
        // At most 101 messages per replica's pool at once, refilled as blocks execute theirs.
        let admission = simulation.internetComputer.ingressAdmission(ofSubnet: 0)
        #expect(admission.accepted == UInt64(simulation.workload.updates.count) && admission.refusedTotal == statistics.refused)
        #expect(NothingLostChecker.problems(simulation.workload, simulation.internetComputer, end: simulation.now).isEmpty)
        let answers = simulation.workload.answers[0].rejects.map(\.answer)
        #expect(answers.contains(.refused(httpStatus: 503, errorCode: nil, message: "Service is overloaded, try again later.")))
        #expect(answers.contains(.refused(httpStatus: 429, errorCode: nil, message: "The service is overloaded.")))
        let report = ScenarioReport(simulation)
        #expect(report.text.contains("rejected (\(statistics.refused) refused)"), "\(report.text)")
        #expect(report.json.contains("\"refused\": \(statistics.refused)"))
        #expect(report.json.contains("\"code\": \"HTTP 503\""))
        #expect(report.passed, "\(report.text)")
    }

    @Test func theBoundaryNodesRateLimitLetsItsRateThrough() throws {
        let simulation = try Self.flood(rate: 1_000, admission: #"{"boundaryNodeCallsPerSecond": 100}"#)
        let statistics = simulation.workload.statistics[0]
        // A burst of 100, then one call every 10 ms of the second the calls arrive in.
        let accepted = simulation.workload.updates.count
        #expect((195...201).contains(accepted), "\(accepted) accepted")
        #expect(statistics.refused == 1_000 - UInt64(accepted) && statistics.rejectReasons["HTTP 429"] == statistics.refused)
        let answers = simulation.workload.answers[0].rejects.map(\.answer)
        #expect(answers == [.refused(httpStatus: 429, errorCode: nil, message: "Rate limit exceeded. Please slow down requests and try again later.")])
        #expect(NothingLostChecker.problems(simulation.workload, simulation.internetComputer, end: simulation.now).isEmpty)
    }
}

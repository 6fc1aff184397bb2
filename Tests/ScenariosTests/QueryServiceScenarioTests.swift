import Testing
import SimCore
@testable import InternetComputer
@testable import Scenarios

/// A subnet's `queries` object and a throughput bound's `max`: read over the IC's defaults,
/// every mistake reported with its path, written back only where they differ from the
/// defaults, and passed to the simulated replicas.
@Suite("Scenario query service keys")
struct QueryServiceScenarioTests {
    static func scenario(subnet: String, throughput: String = "") -> String {
        #"{"name": "q", "subnets": [{"name": "app", "#.appending(subnet).appending(#"}], "canisters": [{"name": "c", "wasm": "builtin:counter"}], "#)
            .appending(#""workload": [{"name": "reads", "call": "query", "canister": "c", "method": "get", "rate": 5}]"#)
            .appending(throughput.isEmpty ? "}" : #", "expectations": {"throughput": ["#.appending(throughput).appending("]}}"))
    }

    @Test func theMembersSetOverTheDefaults() throws {
        let text = Self.scenario(subnet: #""queries": {"threads": 8, "threadsPerCanister": 3, "overhead": "300us", "concurrentMax": 50, "cacheBytes": "1MiB", "cacheExpiry": "2m", "cacheDataCertificateExpiry": "10s"}"#)
        let scenario = try ScenarioLoader.load(text)
        let queries = scenario.subnets[0].queries
        #expect(queries.threads == 8 && queries.threadsPerCanister == 3 && queries.overhead == .microseconds(300))
        #expect(queries.concurrentMax == 50 && queries.cacheBytes == 1 << 20)
        #expect(queries.cacheExpiry == .seconds(120) && queries.cacheDataCertificateExpiry == .seconds(10))
        let configuration = scenario.configuration(modules: try scenario.modules { _ in nil })
        #expect(configuration.queryService(ofSubnet: 0) == queries)
        // Only what is set changes; the rest keeps the IC's defaults.
        let partial = try ScenarioLoader.load(Self.scenario(subnet: #""queries": {"threads": 2}"#)).subnets[0].queries
        var expected = QueryServiceConfiguration()
        expected.threads = 2
        #expect(partial == expected)
        #expect(try ScenarioLoader.load(Self.scenario(subnet: #""nodes": 4"#)).subnets[0].queries == QueryServiceConfiguration())
    }

    @Test(arguments: [
        (#""queries": {"threads": 0}"#, "subnets[0].queries.threads: expected an integer from 1 to 1024, found 0 (out of range)"),
        (#""queries": {"threadsPerCanister": 2000}"#, "subnets[0].queries.threadsPerCanister: expected an integer from 1 to 1024, found 2000 (out of range)"),
        (#""queries": {"overhead": 5}"#, "subnets[0].queries.overhead: expected a duration with a unit"),
        (#""queries": {"overhead": "11s"}"#, "subnets[0].queries.overhead: \"11s\" is longer than the most allowed here"),
        (#""queries": {"concurrentMax": 0}"#, "subnets[0].queries.concurrentMax: expected an integer from 1 to 1000000, found 0 (out of range)"),
        (#""queries": {"cacheBytes": 5}"#, "subnets[0].queries.cacheBytes: expected a size with a unit"),
        (#""queries": {"cacheBytes": "2000GiB"}"#, "subnets[0].queries.cacheBytes: \"2000GiB\" is more than the most allowed here"),
        (#""queries": {"cacheExpiry": "25h"}"#, "subnets[0].queries.cacheExpiry: \"25h\" is longer than the most allowed here"),
        (#""queries": {"treads": 4}"#, "subnets[0].queries.treads: unknown key (did you mean \"threads\"?)"),
        (#""queries": [4]"#, "subnets[0].queries: expected an object, found an array"),
    ])
    func eachMistakeIsReportedWithItsPath(fragment: String, expected: String) {
        let problems = ScenarioLoaderTests.problems(Self.scenario(subnet: fragment))
        #expect(problems.contains { $0.contains(expected) }, "\(expected) not among \(problems)")
    }

    @Test func aThroughputMaximumBelowTheMinimumIsAnError() throws {
        let problems = ScenarioLoaderTests.problems(Self.scenario(subnet: #""nodes": 4"#, throughput: #"{"calls": "query", "min": 10, "max": 5}"#))
        #expect(problems == [#"expectations.throughput[0].max: expected at least "min" (10), found 5"#])
        let bound = try ScenarioLoader.load(Self.scenario(subnet: #""nodes": 4"#, throughput: #"{"calls": "query", "min": 10, "max": 20.5}"#))
            .expectations.throughput[0]
        #expect(bound == ThroughputBound(calls: .kind(.query), minimumPerSecond: 10, maximumPerSecond: 20.5))
    }

    @Test func aScenarioWithQuerySettingsWrittenOutReadsBackEqual() throws {
        var scenario = Scenario.builtinDefault
        scenario.subnets[0].queries.threads = 16
        scenario.subnets[0].queries.overhead = .microseconds(250)
        scenario.subnets[0].queries.cacheBytes = 0
        scenario.subnets[0].queries.cacheDataCertificateExpiry = .seconds(5)
        scenario.expectations.throughput.append(ThroughputBound(calls: .kind(.query), minimumPerSecond: 1, maximumPerSecond: 2.5))
        let reread = try ScenarioLoader.load(scenario.json)
        #expect(reread == scenario)
        #expect(reread.json == scenario.json)
        #expect(scenario.json.contains(#""overhead": "250us""#) && scenario.json.contains(#""cacheBytes": "0B""#))
        // Defaults are not written: the file says only what differs.
        #expect(!Scenario.builtinDefault.json.contains(#""queries""#))
    }
}

import Testing
import SimCore
@testable import Scenarios

/// A latency quantile's range (`{"min", "max"}`), the form a calibration's tolerance takes:
/// read and written back, and refused when malformed.
@Suite("Latency range expectations, loading")
struct LatencyRangeLoaderTests {
    static func scenario(_ bound: String) -> String {
        ScenarioLoaderTests.minimal(adding: #""expectations": {"latency": [\#(bound)]}"#)
    }

    @Test func aRangeIsReadAndWrittenBack() throws {
        let scenario = try ScenarioLoader.load(Self.scenario(#"{"calls": "query", "p50": {"min": "100ms", "max": "200ms"}, "p99": "1s"}"#))
        #expect(scenario.expectations.latency == [
            LatencyBound(calls: .kind(.query), perMille: 500, maximum: .milliseconds(200), minimum: .milliseconds(100)),
            LatencyBound(calls: .kind(.query), perMille: 990, maximum: .seconds(1)),
        ])
        #expect(try ScenarioLoader.load(scenario.json) == scenario)
    }

    @Test func badRangesAreReportedWhereTheyAre() {
        #expect(ScenarioLoaderTests.problems(Self.scenario(#"{"calls": "query", "p50": {"min": "300ms", "max": "200ms"}}"#))
            == ["expectations.latency[0].p50: expected min at most max, found 300 ms above 200 ms"])
        #expect(ScenarioLoaderTests.problems(Self.scenario(#"{"calls": "query", "p50": {"min": "100ms"}}"#)).count == 1)
        #expect(ScenarioLoaderTests.problems(Self.scenario(#"{"calls": "query", "p50": {"min": "1ms", "max": "2ms", "mean": "1ms"}}"#)).count == 1)
    }
}

import Testing
import SimCore
@testable import Scenarios
@testable import ScenarioReports

/// A latency quantile's range is checked on both sides.
@Suite("Latency range expectations")
struct LatencyRangeExpectationTests {
    /// One query client of a 4-node subnet: its median is about the two hops each way
    /// (2 x (40 + 37.7) ms plus jitter and service), so a range around it passes and ranges
    /// above or below it fail.
    @Test func aRangeFailsOnEitherSide() throws {
        var scenario = ScenarioReportTests.counterScenario
        scenario.duration = .seconds(4)
        scenario.clients = [ClientSpecification(name: "reads", call: .query, canister: "counter", method: "get",
                                                load: .openLoop(ratePerSecond: 20, poisson: false))]
        let ranges: [(SimDuration, SimDuration, Bool)] = [
            (.milliseconds(100), .milliseconds(300), true), (.milliseconds(300), .milliseconds(400), false),
            (.milliseconds(10), .milliseconds(100), false),
        ]
        scenario.expectations.latency = ranges.map { LatencyBound(calls: .kind(.query), perMille: 500, maximum: $0.1, minimum: $0.0) }
        let (report, _) = try ScenarioReportTests.run(scenario)
        for (index, range) in ranges.enumerated() {
            let check = report.checks.first { $0.name == "latency[\(index)]" }
            #expect(check?.passed == range.2, "\(check?.detail ?? "no check")")
            #expect(check?.detail.hasPrefix("p50 of all query calls at least ") == true)
        }
    }
}

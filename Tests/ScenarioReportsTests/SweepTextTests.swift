import Testing
@testable import ScenarioReports

/// The sweep's text: every value in its unit, counts grouped, and the seeds behind each
/// metric's minimum and maximum named.
@Suite("Sweep report text")
struct SweepTextTests {
    static func outcome(_ seed: UInt64, latencyNanos: Int64, events: Int64, passed: Bool = true) -> SeedOutcome {
        SeedOutcome(seed: seed, passed: passed, failedChecks: passed ? [] : ["liveness"], traceHash: "0",
                    metrics: [("eventsProcessed", events), ("client.reads.latencyP50Nanos", latencyNanos)])
    }

    @Test func valuesHaveUnitsAndExtremesNameTheirSeeds() {
        let report = SweepReport(scenarioName: "s", scenarioHash: "h", seedRange: 1...3, outcomes: [
            Self.outcome(2, latencyNanos: 1_250_000_000, events: 1_234_567),
            Self.outcome(1, latencyNanos: 84_000_000, events: 2_000_001, passed: false),
            Self.outcome(3, latencyNanos: 310_500_000, events: 999),
        ])
        let lines = report.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "ICSim sweep of scenario \"s\": 3 seeds, 1 failed (seeds 1)")
        #expect(lines.contains("  client.reads.latencyP50: 84 ms (seed 1) / 310.5 ms / 1.250 s / 1.250 s (seed 2), mean 548.167 ms"),
                "\(lines)")
        #expect(lines.contains("  eventsProcessed: 999 (seed 3) / 1,234,567 / 2,000,001 / 2,000,001 (seed 1), mean 1,078,522"), "\(lines)")
    }

    @Test(arguments: [(Int64(0), "0"), (999, "999"), (1_000, "1,000"), (-1_234_567, "-1,234,567"), (Int64.max, "9,223,372,036,854,775,807")])
    func countsAreGrouped(value: Int64, text: String) {
        #expect(SweepReport.grouped(value) == text)
    }

    @Test func aMissingDurationIsADash() {
        #expect(SweepReport.shown(-1, of: "client.x.latencyMaxNanos") == "-")
    }
}

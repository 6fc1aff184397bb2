import Testing
import ICSim
@testable import Scenarios
@testable import ScenarioReports
import ICSimTestSupport

/// The HTML page's structure: one time axis for every time plot, a lane per fault (faults of
/// the whole run listed instead), rejects plotted by reason, legends within their canvas, no
/// NaN; the checker that says so finds each kind of break; the per-bucket latency sketch.
@Suite("HTML report")
struct HTMLReportTests {
    /// Updates and a failing method on a counter, a crash, a loss period, and a Byzantine
    /// node for the whole run.
    static func faultyReport() throws -> ScenarioReport {
        var scenario = ScenarioReportTests.counterScenario
        scenario.clients = [
            ClientSpecification(name: "updates", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 5, poisson: true)),
            ClientSpecification(name: "bad-method", call: .update, canister: "counter", method: "no_such_method", load: .openLoop(ratePerSecond: 2, poisson: false)),
            ClientSpecification(name: "reads", call: .query, canister: "counter", method: "get", load: .closedLoop(users: 2, thinkTime: .milliseconds(300))),
        ]
        scenario.faults = [
            ScenarioFault(.crash(nodes: [1]), at: .seconds(5), until: .seconds(9)),
            ScenarioFault(.loss(try Probability(numerator: 1, denominator: 100)), at: .seconds(12), until: .seconds(15)),
            ScenarioFault(.byzantine(nodes: [3], behaviors: [.silent])),
        ]
        return try ScenarioReportTests.run(scenario).0
    }

    @Test func thePageKeepsItsInvariants() throws {
        let report = try Self.faultyReport()
        let page = HTMLReport(report).html
        #expect(HTMLReportCheck.problems(page, report: report) == [])
        #expect(page == HTMLReport(report).html, "a pure function of the report")
        let domains = HTMLReportCheck.svgOpenings(page).filter { $0.contains("time-plot") }.map { HTMLReportCheck.attribute("data-x-domain", in: $0) }
        // The timeline, four time plots (outcomes, latency, height) and two sparklines a client.
        #expect(domains.count == 1 + 3 + 2 * 3)
        #expect(Set(domains) == ["0.0 20.0"], "one time axis, the whole run")
        #expect(page.contains("data-fault=\"F1\"") && page.contains("data-fault=\"F2\"") && !page.contains("data-fault=\"F3\""))
        #expect(page.contains("Throughout the run (not shaded):</p><ul class=\"permanent\"><li>node 3 Byzantine: silent</li>"), "the whole-run fault is listed, not shaded")
        #expect(page.contains("from 5 s until 9 s: node 1 crashed") && page.contains("from 12 s until 15 s: 1% of messages lost"))
    }

    @Test func rejectsArePlottedByReasonBesideReplies() throws {
        let report = try Self.faultyReport()
        let bad = try #require(report.clients.first { $0.name == "bad-method" })
        let reasons = bad.statistics.rejectReasons.keys.sorted()
        let reason = try #require(reasons.first, "calls to a missing method are rejected")
        let perBucket = bad.statistics.rejectedPerBucket[reason] ?? []
        #expect(perBucket.reduce(0, +) == bad.statistics.rejectReasons[reason], "the series counts every reject")
        for client in report.clients {
            let statistics = client.statistics
            #expect(statistics.repliedPerBucket.reduce(0, +) == statistics.replied)
            #expect(zip(statistics.answeredPerBucket, statistics.repliedPerBucket).allSatisfy { $0 >= $1 })
            #expect((0..<statistics.latencySketch.buckets).map { statistics.latencySketch.count(bucket: $0) } == statistics.answeredPerBucket)
        }
        let page = HTMLReport(report).html
        #expect(page.contains(">rejected \(reason) ("), "the reject reason has a line in the outcomes plot")
        #expect(page.contains(">updates replied</text>") && page.contains(">queries replied</text>"), "replies to updates and queries apart")
    }

    @Test func theCheckerFindsEachBreak() throws {
        let report = try Self.faultyReport()
        let page = HTMLReport(report).html
        let shifted = page.replacing("data-x-domain=\"0.0 20.0\"", with: "data-x-domain=\"0.3 20.0\"")
        #expect(HTMLReportCheck.problems(shifted, report: report).contains { $0.contains("x domain is 0.3 20.0") })
        let laneless = page.replacing("<g class=\"lane\" data-fault=\"F2\"", with: "<g class=\"gone\" data-fault=\"F2\"")
        #expect(HTMLReportCheck.problems(laneless, report: report).contains { $0.contains("3 faults, but 1 lanes") })
        let offCanvas = page.replacing(">updates replied</text>", with: ">" + String(repeating: "replied ", count: 200) + "</text>")
        #expect(HTMLReportCheck.problems(offCanvas, report: report).contains { $0.contains("runs off its canvas") })
        let notANumber = page.replacing("cx=\"", with: "cx=\"nan")
        #expect(HTMLReportCheck.problems(notANumber, report: report).contains { $0.contains("=\"nan") })
        let unclosed = page.replacing("</table></div>", with: "</table>")
        #expect(!HTMLReportCheck.nestingProblems(unclosed).isEmpty)
    }

    @Test func legendsWrapWithinTheCanvas() {
        let series = (0..<100).map { index in
            SVGChart.Series(name: "client number \(index) with a long name", points: [(0, Double(index)), (10, Double(index))], color: "#000")
        }
        let chart = SVGChart(title: "many", xLabel: "t", yLabel: "y", x: .linear(0, 10), y: .linear(0, 100), series: series)
        let layout = chart.legendLayout()
        #expect(layout.rows > 10, "a hundred long names take many rows")
        let svg = chart.svg
        #expect(HTMLReportCheck.textOverflow(svg).isEmpty)
        #expect(HTMLReportCheck.nestingProblems(svg).isEmpty)
    }

    @Test func theLogScaleMarksDecadesAsDurations() {
        let scale = ChartScale.durations(from: 0.0042, to: 2.5)
        #expect(scale.lower == 0.001 && abs(scale.upper - 10) < 1e-9)
        #expect(scale.ticks.map(\.label) == ["1 ms", "10 ms", "100 ms", "1 s", "10 s"])
        #expect(abs(scale.fraction(0.1) - 0.5) < 1e-9, "100 ms is half-way between 1 ms and 10 s")
        #expect(scale.fraction(0) == -0.05, "zero stays on the page, just below the axis")
    }

    @Test func theSketchGivesQuantilesWithinItsBinWidth() {
        var sketch = BucketedLatencySketch(buckets: 3)
        var exact = LatencyHistogram()
        for step in 1...1_000 {
            let latency = SimDuration.microseconds(Int64(step * step))  // 1 µs to 1 s, skewed
            sketch.record(latency, bucket: 1)
            exact.record(latency)
        }
        sketch.record(.seconds(1), bucket: 7)  // outside the buckets: ignored
        #expect(sketch.count(bucket: 0) == 0 && sketch.count(bucket: 1) == 1_000 && sketch.count(bucket: 2) == 0)
        #expect(sketch.quantile(1, 2, bucket: 0) == nil)
        for (numerator, denominator) in [(UInt64(1), UInt64(2)), (9, 10), (99, 100)] {
            let sketched = Double(sketch.quantile(numerator, denominator, bucket: 1)?.nanoseconds ?? 0)
            let truth = Double(exact.quantile(numerator, denominator)?.nanoseconds ?? 0)
            // Half an eighth of an octave from the sketch, plus the exact histogram's own bucket
            // (1/128 of an octave, reported at its upper edge).
            #expect(abs(sketched - truth) <= truth * (0.0625 + 0.0079), "q \(numerator)/\(denominator): \(sketched) against \(truth)")
        }
        var merged = BucketedLatencySketch(buckets: 3)
        merged.merge(sketch)
        merged.merge(sketch)
        #expect(merged.count(bucket: 1) == 2_000 && merged.quantile(1, 2, bucket: 1) == sketch.quantile(1, 2, bucket: 1))
        #expect(BucketedLatencySketch.binsPerBucket == 186, "bounded: 186 counts a bucket")
    }

    @Test func theSketchsBinsCoverTheirValues() {
        for nanos: UInt64 in [0, 65_535, 65_536, 81_920, 1_000_000, 999_999_999, 1 << 38, (1 << 39) - 1, 1 << 39, .max] {
            let bin = BucketedLatencySketch.bin(of: nanos)
            #expect(bin >= 0 && bin < BucketedLatencySketch.binsPerBucket)
            let middle = BucketedLatencySketch.middle(of: bin)
            if nanos >= 1 << 16 && nanos < 1 << 39 {
                #expect(BucketedLatencySketch.bin(of: middle) == bin, "\(nanos): the middle \(middle) is in the bin")
                #expect(Double(max(middle, nanos) - min(middle, nanos)) <= Double(nanos) * 0.0625, "\(nanos) against \(middle)")
            }
        }
    }
}

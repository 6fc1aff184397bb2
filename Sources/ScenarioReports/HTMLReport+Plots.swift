import SimCore
import Consensus
import InternetComputer
import Scenarios

/// The page's plots. Every plot over time shares one x axis, the whole run (0 to the
/// scenario's duration), and shows the faults with lanes as bands labelled as in the fault
/// timeline. Main plots show aggregates (all update calls, all queries); per-client detail is
/// in the clients table's sparklines.
extension HTMLReport {
    /// One time bucket of the run: its index, its middle (seconds), and its width within the run.
    struct Bucket {
        var index: Int
        var middleSeconds: Double
        var widthSeconds: Double
    }

    /// The run's time axis, shared by every time plot.
    var timeScale: ChartScale {
        .linear(0, max(Double(report.scenario.duration.nanoseconds) / 1e9, 1e-3))
    }

    /// The time buckets that lie within the run (the last one may be shorter).
    var buckets: [Bucket] {
        let width = report.bucket.nanoseconds, duration = report.scenario.duration.nanoseconds
        let count = report.clients.first?.statistics.answeredPerBucket.count ?? report.subnets.first?.finalizedSamples.count ?? 0
        return (0..<count).compactMap { index in
            let start = Int64(index) * width, end = min(start + width, duration)
            guard end > start else { return nil }
            return Bucket(index: index, middleSeconds: Double(start + end) / 2e9, widthSeconds: Double(end - start) / 1e9)
        }
    }

    func timeChart(title: String, yLabel: String, y: ChartScale, series: [SVGChart.Series], bands: [SVGChart.Band] = []) -> SVGChart {
        SVGChart(title: title, xLabel: "virtual time since the run's start", yLabel: yLabel, x: timeScale, y: y, series: series, bands: bands,
                 shades: faultTimeline.shades, breaksGapsWiderThan: Double(report.bucket.nanoseconds) / 1e9 * 1.5, kind: "plot time-plot")
    }

    var faultTimeline: FaultTimeline { FaultTimeline(report, time: timeScale) }

    func charts() -> [String] {
        var charts: [String] = []
        if !report.clients.isEmpty {
            charts.append(outcomesChart().svg)
            if let latency = latencyChart() { charts.append(latency.svg) }
            if let cdf = cdfChart() { charts.append(cdf.svg) }
        }
        charts += heightCharts().map(\.svg)
        var messages = Array(repeating: 0.0, count: ArtifactKind.allCases.count)
        for subnet in report.subnets { for kind in ArtifactKind.allCases { messages[kind.rawValue] += Double(subnet.metrics.messages[kind.rawValue]) } }
        charts.append(SVGBarChart(title: "Messages sent per artifact kind (all subnets)",
                                  bars: ArtifactKind.allCases.map { ($0.description, messages[$0.rawValue]) }).svg)
        return charts
    }

    /// The reject reasons of all clients, the most frequent first (ties by name).
    var rejectReasons: [(reason: String, count: UInt64)] {
        var totals: [String: UInt64] = [:]
        for client in report.clients { for (reason, count) in client.statistics.rejectReasons { totals[reason, default: 0] += count } }
        return totals.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
    }

    static let replyColor = "#2ca02c"
    static let rejectColors = ["#d62728", "#ff7f0e", "#8c564b", "#e377c2", "#bcbd22", "#9467bd"]
    static let expiryColor = "#555555"

    /// Calls ended per second over time, by outcome: replies, each reject reason, expiries.
    func outcomesChart() -> SVGChart {
        let buckets = self.buckets
        func rate(of kind: CallKind? = nil, _ counts: (ClientStatistics) -> [UInt64]) -> [(x: Double, y: Double)] {
            buckets.map { bucket in
                let total = report.clients.filter { kind == nil || $0.call == kind }.reduce(UInt64(0)) { sum, client in
                    let values = counts(client.statistics)
                    return sum + (values.indices.contains(bucket.index) ? values[bucket.index] : 0)
                }
                return (bucket.middleSeconds, Double(total) / bucket.widthSeconds)
            }
        }
        let perSecond: (Double) -> String = { SubnetReport.fixed($0, decimals: 1) + " calls/s" }
        // Replies to updates and to queries apart when a run has both.
        let kinds = CallKind.allCases.filter { kind in report.clients.contains { $0.call == kind } }
        var series = kinds.count < 2
            ? [SVGChart.Series(name: "replied", points: rate(\.repliedPerBucket), color: Self.replyColor, hover: perSecond)]
            : kinds.map { kind in
                SVGChart.Series(name: kind == .update ? "updates replied" : "queries replied", points: rate(of: kind, \.repliedPerBucket),
                                color: Self.replyColor, dash: kind == .update ? nil : "2 2", hover: perSecond)
            }
        for (index, reject) in rejectReasons.enumerated() {
            series.append(SVGChart.Series(name: "rejected \(reject.reason) (\(ScenarioReport.grouped(reject.count)))",
                                          points: rate { $0.rejectedPerBucket[reject.reason] ?? [] },
                                          color: Self.rejectColors[index % Self.rejectColors.count], hover: perSecond))
        }
        let expired = report.clients.reduce(UInt64(0)) { $0 + $1.statistics.expired }
        if expired > 0 {
            series.append(SVGChart.Series(name: "expired (\(ScenarioReport.grouped(expired)))", points: rate(\.expiredPerBucket),
                                          color: Self.expiryColor, dash: "5 3", hover: perSecond))
        }
        let top = series.flatMap(\.points).map(\.y).max() ?? 1
        return timeChart(title: "Calls ended per second, by outcome (all clients; each \(ScenarioReport.readable(report.bucket)))",
                         yLabel: "calls/s", y: .linearFromZero(upTo: top), series: series)
    }

    /// Update calls or queries, each time bucket's latencies merged over their clients.
    func sketch(of kind: CallKind) -> BucketedLatencySketch? {
        let clients = report.clients.filter { $0.call == kind }
        guard var merged = clients.first?.statistics.latencySketch else { return nil }
        for client in clients.dropFirst() { merged.merge(client.statistics.latencySketch) }
        return merged
    }

    static let kindColors: [CallKind: String] = [.update: "#1f77b4", .query: "#9467bd"]

    /// p50 and p99 latency over time, per call kind, with the band between them.
    func latencyChart() -> SVGChart? {
        var series: [SVGChart.Series] = []
        var bands: [SVGChart.Band] = []
        var values: [Double] = []
        for kind in CallKind.allCases {
            guard let sketch = sketch(of: kind) else { continue }
            let color = Self.kindColors[kind] ?? SVGChart.palette[0]
            let points = buckets.compactMap { bucket -> (x: Double, low: Double, high: Double)? in
                guard let p50 = sketch.quantile(1, 2, bucket: bucket.index), let p99 = sketch.quantile(99, 100, bucket: bucket.index) else { return nil }
                return (bucket.middleSeconds, Double(p50.nanoseconds) / 1e9, Double(p99.nanoseconds) / 1e9)
            }
            guard !points.isEmpty else { continue }
            values += points.flatMap { [$0.low, $0.high] }
            let name = kind == .update ? "updates" : "queries"
            bands.append(SVGChart.Band(name: "\(name) p50 to p99", points: points, color: color))
            series.append(SVGChart.Series(name: "\(name) p50", points: points.map { ($0.x, $0.low) }, color: color, hover: ChartScale.duration))
            series.append(SVGChart.Series(name: "\(name) p99", points: points.map { ($0.x, $0.high) }, color: color, dash: "6 3", hover: ChartScale.duration))
        }
        guard !series.isEmpty else { return nil }
        return timeChart(title: "Latency over time: p50 and p99 of the calls answered in each \(ScenarioReport.readable(report.bucket)) (log scale)",
                         yLabel: "latency", y: .durations(from: values.min() ?? 1e-3, to: values.max() ?? 1), series: series, bands: bands)
    }

    /// The latency CDF of all update calls and of all queries, on a logarithmic latency axis.
    func cdfChart() -> SVGChart? {
        var series: [SVGChart.Series] = []
        var latencies: [Double] = []
        for kind in CallKind.allCases {
            var histogram = LatencyHistogram()
            for client in report.clients where client.call == kind { histogram.merge(client.statistics.latency) }
            guard histogram.count > 0 else { continue }
            let points = (1...100).compactMap { step -> (x: Double, y: Double)? in
                histogram.quantile(UInt64(step), 100).map { (max(Double($0.nanoseconds) / 1e9, 1e-6), Double(step) / 100) }
            }
            latencies += points.map(\.x)
            series.append(SVGChart.Series(name: "\(kind == .update ? "update calls" : "queries") (\(ScenarioReport.grouped(histogram.count)) answered)",
                                          points: points, color: Self.kindColors[kind] ?? SVGChart.palette[0],
                                          hover: { "\(SubnetReport.fixed($0 * 100, decimals: 0))% of calls" }))
        }
        guard !series.isEmpty else { return nil }
        var chart = SVGChart(title: "Latency CDF by call type (log latency axis)", xLabel: "latency (answered calls)", yLabel: "fraction of answered calls",
                             x: .durations(from: latencies.min() ?? 1e-3, to: latencies.max() ?? 1), y: .linear(0, 1), series: series)
        chart.xHover = { "at most " + ChartScale.duration($0) }
        return chart
    }
}

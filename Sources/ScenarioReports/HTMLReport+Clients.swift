import SimCore
import InternetComputer
import Scenarios

/// The clients table: a row per client with its totals, its latency quantiles, and two
/// sparklines over the run's time axis (calls ended per second, replies in green and rejects
/// and expiries in red; p99 latency), so that a hundred clients stay readable.
extension HTMLReport {
    static let sparkWidth = 120.0
    static let sparkHeight = 28.0

    func clientsTable() -> [String] {
        guard !report.clients.isEmpty else { return [] }
        let header = ["client", "call", "canister", "subnet", "sent", "replied", "rejected", "expired", "in flight",
                      "p50", "p90", "p99", "p99.9", "max", "calls ended/s", "p99 latency"]
        var rows = ["<h2>Clients</h2><p class=\"meta\">Sparklines span the whole run, like the plots; green: replies, red: rejects and expiries. "
            + "Hover for values.</p><div class=\"scroll\"><table><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr>"]
        for client in report.clients {
            let statistics = client.statistics
            let latency = statistics.latency
            let cells = [client.name, client.call.rawValue, client.canister, client.subnet, ScenarioReport.grouped(statistics.sent),
                         ScenarioReport.grouped(statistics.replied), "\(ScenarioReport.grouped(statistics.rejected))\(ScenarioReport.refusedText(statistics))",
                         ScenarioReport.grouped(statistics.expired), ScenarioReport.grouped(client.inFlight)]
                + ScenarioReport.reportedQuantiles.map { ScenarioReport.format(latency.quantile($0.1, $0.2)) } + [ScenarioReport.format(latency.maximum)]
            let text = cells.enumerated().map { "<td\($0.offset < 4 ? " class=\"left\"" : "")>\(Self.escape($0.element))</td>" }.joined()
            rows.append("<tr>" + text + "<td>\(outcomeSparkline(client))</td><td>\(latencySparkline(client))</td></tr>")
        }
        return rows + ["</table></div>"]
    }

    func sparkX(_ seconds: Double) -> Double { 2 + timeScale.fraction(seconds) * (Self.sparkWidth - 4) }

    func sparkOpen(_ title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark time-plot\" data-x-domain=\"\(SVGChart.number(timeScale.lower)) \(SVGChart.number(timeScale.upper))\" "
            + "viewBox=\"0 0 \(SVGChart.number(Self.sparkWidth)) \(SVGChart.number(Self.sparkHeight))\" role=\"img\"><title>\(Self.escape(title))</title>"
            + faultTimeline.lanes.map { lane in
                let from = sparkX(lane.fromSeconds), to = sparkX(lane.toSeconds)
                return "<rect x=\"\(SVGChart.number(from))\" y=\"0\" width=\"\(SVGChart.number(max(to - from, 1)))\" height=\"\(SVGChart.number(Self.sparkHeight))\" "
                    + "fill=\"\(lane.color)\" fill-opacity=\"0.14\"/>"
            }.joined()
    }

    /// A polyline and hover points of `values` (one per bucket, `nil`: none) scaled to `top`.
    func sparkLine(_ values: [(Bucket, Double?)], top: Double, color: String, hover: (Double) -> String) -> String {
        let scale = top > 0 ? (Self.sparkHeight - 4) / top : 0
        let points = values.compactMap { bucket, value in value.map { (sparkX(bucket.middleSeconds), Self.sparkHeight - 2 - $0 * scale, bucket, $0) } }
        guard !points.isEmpty else { return "" }
        let path = points.map { "\(SVGChart.number($0.0)),\(SVGChart.number($0.1))" }.joined(separator: " ")
        let dots = points.map { point in
            "<circle class=\"pt\" cx=\"\(SVGChart.number(point.0))\" cy=\"\(SVGChart.number(point.1))\" r=\"2\" fill=\"\(color)\">"
                + "<title>\(Self.escape(hover(point.3))) at t = \(Self.escape(ChartScale.duration(point.2.middleSeconds)))</title></circle>"
        }.joined()
        return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.2\" points=\"\(path)\"/>" + dots
    }

    func outcomeSparkline(_ client: ScenarioReport.ClientSummary) -> String {
        let statistics = client.statistics
        let buckets = self.buckets
        func count(_ values: [UInt64], _ index: Int) -> UInt64 { values.indices.contains(index) ? values[index] : 0 }
        let replies = buckets.map { ($0, Optional(Double(count(statistics.repliedPerBucket, $0.index)) / $0.widthSeconds)) }
        let failures = buckets.map { bucket in
            let rejected = statistics.rejectedPerBucket.values.reduce(UInt64(0)) { $0 + count($1, bucket.index) }
            return (bucket, Optional(Double(rejected + count(statistics.expiredPerBucket, bucket.index)) / bucket.widthSeconds))
        }
        let top = max((replies + failures).compactMap(\.1).max() ?? 0, 1e-9)
        let perSecond: (Double) -> String = { SubnetReport.fixed($0, decimals: 1) + " calls/s" }
        return sparkOpen("\(client.name): calls ended per second (peak \(SubnetReport.fixed(top, decimals: 1)))")
            + sparkLine(replies, top: top, color: Self.replyColor, hover: { "replied " + perSecond($0) })
            + (failures.contains { ($0.1 ?? 0) > 0 } ? sparkLine(failures, top: top, color: Self.rejectColors[0], hover: { "rejected or expired " + perSecond($0) }) : "")
            + "</svg>"
    }

    func latencySparkline(_ client: ScenarioReport.ClientSummary) -> String {
        let sketch = client.statistics.latencySketch
        let values = buckets.map { bucket in (bucket, sketch.quantile(99, 100, bucket: bucket.index).map { Double($0.nanoseconds) / 1e9 }) }
        let top = max(values.compactMap(\.1).max() ?? 0, 1e-9)
        return sparkOpen("\(client.name): p99 latency per \(ScenarioReport.readable(report.bucket)) (peak \(ChartScale.duration(top)))")
            + sparkLine(values, top: top, color: Self.kindColors[client.call] ?? SVGChart.palette[0], hover: { "p99 " + ChartScale.duration($0) })
            + "</svg>"
    }
}

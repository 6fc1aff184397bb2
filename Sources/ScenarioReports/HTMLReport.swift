import SimCore
import Consensus
import InternetComputer
import Scenarios

/// A scenario report as one self-contained HTML page (no scripts, no external files): the
/// checks, the clients and subnets, and inline SVG plots: latency over time with fault
/// periods shaded, the latency CDF per call type, throughput over time, finalized height per
/// node over time, and messages per artifact kind.
public struct HTMLReport: Sendable {
    /// The report shown.
    public let report: ScenarioReport

    /// The page for `report`.
    public init(_ report: ScenarioReport) {
        self.report = report
    }

    /// `text` with HTML's special characters escaped.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static let style = """
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 980px; color: #222; padding: 0 12px; }
        h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
        .meta { color: #555; } table { border-collapse: collapse; margin: 8px 0; font-size: 13px; display: block; overflow-x: auto; max-width: 100%; }
        th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; white-space: nowrap; } th { background: #f5f5f5; }
        td.left:last-child { white-space: normal; }
        td.left, th.left { text-align: left; } .pass { color: #1a7f37; font-weight: 600; } .fail { color: #c62828; font-weight: 600; }
        svg { width: 100%; height: auto; margin: 8px 0 16px; } svg .title { font: 600 13px system-ui, sans-serif; }
        svg .tick, svg .legend { font: 11px system-ui, sans-serif; fill: #444; } svg .axis { font: 12px system-ui, sans-serif; fill: #222; }
        svg .grid { stroke: #eee; } svg .frame { fill: none; stroke: #bbb; } svg .fault { fill: #f4a7a7; fill-opacity: 0.35; }
        """

    /// The page.
    public var html: String {
        let scenario = report.scenario
        var body = [
            "<h1>ICSim scenario \u{201C}\(Self.escape(scenario.name))\u{201D}</h1>",
            "<p class=\"meta\">\(Self.escape(scenario.description))</p>",
            "<p class=\"meta\">seed \(scenario.seed) · \(Self.escape(scenario.duration.description)) of virtual time · \(report.eventsProcessed) events · "
                + "scenario hash <code>\(report.scenarioHash.prefix(16))</code> · trace hash <code>\(report.traceHash)</code></p>",
            "<p class=\"\(report.passed ? "pass" : "fail")\">\(report.passed ? "All checks passed." : "Some checks failed.")</p>",
        ]
        body += checksTable() + clientsTable() + subnetsTable()
        if !scenario.faults.isEmpty {
            body.append("<h2>Faults</h2><ul>" + scenario.faults.map { "<li>\(Self.escape(ScenarioReport.describe($0)))</li>" }.joined() + "</ul>")
        }
        body.append("<h2>Plots</h2>")
        body += charts()
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ICSim: \(Self.escape(scenario.name))</title>\n<style>\n"
            + Self.style + "\n</style></head><body>\n" + body.joined(separator: "\n") + "\n</body></html>\n"
    }

    func checksTable() -> [String] {
        ["<h2>Checks</h2><table><tr><th class=\"left\">check</th><th class=\"left\">verdict</th><th class=\"left\">detail</th></tr>"]
            + report.checks.map { check in
                "<tr><td class=\"left\">\(Self.escape(check.name))</td><td class=\"left \(check.passed ? "pass" : "fail")\">\(check.passed ? "pass" : "FAIL")</td>"
                    + "<td class=\"left\">\(Self.escape(check.detail))</td></tr>"
            } + ["</table>"]
    }

    func clientsTable() -> [String] {
        guard !report.clients.isEmpty else { return [] }
        let header = ["client", "call", "canister", "subnet", "sent", "replied", "rejected", "expired", "in flight", "p50", "p90", "p99", "p99.9", "max"]
        var rows = ["<h2>Clients</h2><table><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr>"]
        for client in report.clients {
            let statistics = client.statistics
            let latency = statistics.latency
            let cells = [client.name, client.call.rawValue, client.canister, client.subnet, "\(statistics.sent)", "\(statistics.replied)",
                         "\(statistics.rejected)\(ScenarioReport.refusedText(statistics))", "\(statistics.expired)", "\(client.inFlight)"]
                + ScenarioReport.reportedQuantiles.map { ScenarioReport.format(latency.quantile($0.1, $0.2)) } + [ScenarioReport.format(latency.maximum)]
            rows.append("<tr>" + cells.enumerated().map { "<td\($0.offset < 4 ? " class=\"left\"" : "")>\(Self.escape($0.element))</td>" }.joined() + "</tr>")
        }
        return rows + ["</table>"]
    }

    func subnetsTable() -> [String] {
        let header = ["subnet", "kind", "nodes", "Byzantine", "finalized", "blocks/s", "finalization p50", "executed", "instructions", "safe"]
        var rows = ["<h2>Subnets</h2><table><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr>"]
        let seconds = Double((report.end - .zero).nanoseconds) / 1e9
        for subnet in report.subnets {
            let metrics = subnet.metrics
            let cells = [subnet.name, subnet.kind.rawValue, "\(subnet.nodes)", subnet.byzantineNodes.map(String.init).joined(separator: " "),
                         "\(metrics.finalizedHeightMin)", SubnetReport.fixed(seconds > 0 ? Double(metrics.finalizedHeightMin) / seconds : 0, decimals: 2),
                         ScenarioReport.format(metrics.finalizationLatency.quantile(1, 2)), "\(subnet.executedHeight)", "\(subnet.instructions)",
                         subnet.violation == nil ? "yes" : "NO"]
            rows.append("<tr>" + cells.enumerated().map { "<td\($0.offset < 2 ? " class=\"left\"" : "")>\(Self.escape($0.element))</td>" }.joined() + "</tr>")
        }
        return rows + ["</table>"]
    }
}

extension HTMLReport {
    /// The fault periods, in seconds, for shading.
    var faultPeriods: [(from: Double, to: Double, label: String)] {
        report.scenario.faults.map { fault in
            let end = fault.until ?? (report.end - .zero)
            return (Double(fault.at.nanoseconds) / 1e9, Double(end.nanoseconds) / 1e9, ScenarioReport.describe(fault))
        }
    }

    func charts() -> [String] {
        var charts: [String] = []
        let bucketSeconds = Double(report.bucket.nanoseconds) / 1e9
        let clients = report.clients
        if !clients.isEmpty {
            let latency = clients.map { client in
                SVGChart.Series(name: client.name, points: zip(client.statistics.answeredPerBucket, client.statistics.latencySumPerBucket).enumerated().compactMap { index, bucket in
                    bucket.0 == 0 ? nil : (Double(index) * bucketSeconds, Double(bucket.1) / Double(bucket.0) / 1e6)
                })
            }
            charts.append(SVGChart(title: "Latency over time (mean of the calls answered in each \(ScenarioReport.compact(report.bucket)); faults shaded)",
                                   xLabel: "virtual time (s)", yLabel: "latency (ms)", series: latency, shaded: faultPeriods,
                                   breaksGapsWiderThan: bucketSeconds * 1.5).svg)
            charts.append(SVGChart(title: "Latency CDF by call type", xLabel: "latency (ms)", yLabel: "fraction of answered calls",
                                   series: cdfSeries(), shaded: []).svg)
            let throughput = clients.map { client in
                SVGChart.Series(name: client.name, points: client.statistics.answeredPerBucket.enumerated().map { (Double($0) * bucketSeconds, Double($1) / bucketSeconds) })
            }
            charts.append(SVGChart(title: "Throughput over time (answers per second)", xLabel: "virtual time (s)", yLabel: "answers/s",
                                   series: throughput, shaded: faultPeriods).svg)
        }
        charts += heightCharts(bucketSeconds: bucketSeconds)
        var messages = Array(repeating: 0.0, count: ArtifactKind.allCases.count)
        for subnet in report.subnets { for kind in ArtifactKind.allCases { messages[kind.rawValue] += Double(subnet.metrics.messages[kind.rawValue]) } }
        charts.append(SVGBarChart(title: "Messages sent per artifact kind (all subnets)",
                                  bars: ArtifactKind.allCases.map { ($0.description, messages[$0.rawValue]) }).svg)
        return charts
    }

    /// The latency CDF of all update calls and of all queries.
    func cdfSeries() -> [SVGChart.Series] {
        CallKind.allCases.compactMap { kind in
            var histogram = LatencyHistogram()
            for client in report.clients where client.call == kind { histogram.merge(client.statistics.latency) }
            guard histogram.count > 0 else { return nil }
            let points = (1...200).compactMap { step -> (x: Double, y: Double)? in
                histogram.quantile(UInt64(step), 200).map { (Double($0.nanoseconds) / 1e6, Double(step) / 200) }
            }
            return SVGChart.Series(name: "\(kind.rawValue) calls", points: [(points.first?.x ?? 0, 0)] + points)
        }
    }

    /// Finalized height per node over time: one chart per subnet (a line per node) for up to
    /// four subnets; beyond, one chart of each subnet's lowest finalized height.
    func heightCharts(bucketSeconds: Double) -> [String] {
        if report.subnets.count <= 4 {
            return report.subnets.map { subnet in
                let nodes = subnet.finalizedSamples.first?.count ?? 0
                let series = (0..<nodes).map { node in
                    SVGChart.Series(name: "node \(node)", points: subnet.finalizedSamples.enumerated().map { (Double($0) * bucketSeconds, Double($1[node])) })
                }
                return SVGChart(title: "Finalized height per node, subnet \(subnet.name)", xLabel: "virtual time (s)", yLabel: "finalized height",
                                series: series, shaded: faultPeriods, showsLegend: nodes <= 8).svg
            }
        }
        let series = report.subnets.map { subnet in
            SVGChart.Series(name: subnet.name, points: subnet.finalizedSamples.enumerated().map { (Double($0) * bucketSeconds, Double($1.min() ?? 0)) })
        }
        return [SVGChart(title: "Lowest finalized height per subnet", xLabel: "virtual time (s)", yLabel: "finalized height",
                         series: series, shaded: faultPeriods, showsLegend: series.count <= 8).svg]
    }
}

import SimCore
import Consensus
import InternetComputer
import Scenarios

/// A scenario report as one self-contained HTML page (no scripts, no external files): the
/// checks, the fault timeline (a lane per fault), inline SVG plots over one time axis (the
/// whole run) with each fault's band labelled, calls ended per second by outcome (replies,
/// each reject reason, expiries), latency p50 and p99 over time, the latency CDF on a log
/// axis, finalized heights, messages per artifact kind; then the clients (each with
/// sparklines over the same time axis) and the subnets. Values show on hover. A pure
/// function of the report: the same report gives the same page, byte for byte.
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
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1400px; color: #222; padding: 0 16px; }
        h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
        .meta { color: #555; } .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; margin: 8px 0; font-size: 12.5px; }
        th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: right; white-space: nowrap; vertical-align: middle; } th { background: #f5f5f5; }
        td.wrap { white-space: normal; min-width: 240px; }
        td.left, th.left { text-align: left; } .pass { color: #1a7f37; font-weight: 600; } .fail { color: #c62828; font-weight: 600; }
        svg.plot, svg.fault-timeline { display: block; width: 100%; max-width: 1000px; height: auto; margin: 8px 0 18px; }
        svg .title { font: 600 13px system-ui, sans-serif; } svg .lane-tag { font: 600 11px system-ui, sans-serif; }
        svg .tick, svg .legend { font: 11px system-ui, sans-serif; fill: #333; } svg .axis { font: 12px system-ui, sans-serif; fill: #222; }
        svg .grid { stroke: #e4e4e4; } svg .grid.minor { stroke: #f3f3f3; } svg .frame { fill: none; stroke: #bbb; } svg .lane-track { fill: #f4f4f4; }
        svg circle.pt { fill-opacity: 0; } svg circle.pt:hover { fill-opacity: 1; }
        svg.spark { width: 120px; height: 28px; display: block; } svg.spark circle.pt { fill-opacity: 0; } svg.spark circle.pt:hover { fill-opacity: 1; }
        """

    /// The page.
    public var html: String {
        let scenario = report.scenario
        var body = [
            "<h1>ICSim scenario \u{201C}\(Self.escape(scenario.name))\u{201D}</h1>",
            "<p class=\"meta\">\(Self.escape(scenario.description))</p>",
            "<p class=\"meta\">seed \(scenario.seed) · \(Self.escape(ScenarioReport.readable(scenario.duration))) of virtual time · "
                + "\(ScenarioReport.grouped(report.eventsProcessed)) events · "
                + "scenario hash <code>\(report.scenarioHash.prefix(16))</code> · trace hash <code>\(report.traceHash)</code></p>",
            "<p class=\"\(report.passed ? "pass" : "fail")\">\(report.passed ? "All checks passed." : "Some checks failed.")</p>",
        ]
        body += checksTable()
        let timeline = faultTimeline
        if !scenario.faults.isEmpty {
            body.append("<h2>Faults</h2>")
            body += timeline.html
        }
        body.append("<h2>Plots</h2>")
        body.append("<p class=\"meta\">Every plot over time spans the whole run, 0 to \(Self.escape(ScenarioReport.readable(scenario.duration)))"
            + (timeline.lanes.isEmpty ? "" : ", with each fault's period shaded and tagged as in its lane above")
            + ". Hover over a point for its value.</p>")
        body += charts()
        body += clientsTable() + subnetsTable()
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ICSim: \(Self.escape(scenario.name))</title>\n<style>\n"
            + Self.style + "\n</style></head><body>\n" + body.joined(separator: "\n") + "\n</body></html>\n"
    }

    func checksTable() -> [String] {
        ["<h2>Checks</h2><div class=\"scroll\"><table><tr><th class=\"left\">check</th><th class=\"left\">verdict</th><th class=\"left\">detail</th></tr>"]
            + report.checks.map { check in
                "<tr><td class=\"left\">\(Self.escape(check.name))</td><td class=\"left \(check.passed ? "pass" : "fail")\">\(check.passed ? "pass" : "FAIL")</td>"
                    + "<td class=\"left wrap\">\(Self.escape(check.detail))</td></tr>"
            } + ["</table></div>"]
    }

    func subnetsTable() -> [String] {
        let header = ["subnet", "kind", "nodes", "Byzantine", "finalized", "blocks/s", "finalization p50", "executed", "instructions", "safe"]
        var rows = ["<h2>Subnets</h2><div class=\"scroll\"><table><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr>"]
        let seconds = Double((report.end - .zero).nanoseconds) / 1e9
        for subnet in report.subnets {
            let metrics = subnet.metrics
            let cells = [subnet.name, subnet.kind.rawValue, "\(subnet.nodes)", subnet.byzantineNodes.map(String.init).joined(separator: " "),
                         "\(metrics.finalizedHeightMin)", SubnetReport.fixed(seconds > 0 ? Double(metrics.finalizedHeightMin) / seconds : 0, decimals: 2),
                         ScenarioReport.format(metrics.finalizationLatency.quantile(1, 2)), "\(subnet.executedHeight)", "\(subnet.instructions)",
                         subnet.violation == nil ? "yes" : "NO"]
            rows.append("<tr>" + cells.enumerated().map { "<td\($0.offset < 2 ? " class=\"left\"" : "")>\(Self.escape($0.element))</td>" }.joined() + "</tr>")
        }
        return rows + ["</table></div>"]
    }
}

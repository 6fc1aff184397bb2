import SimCore
import Scenarios

/// The scenario's faults on the run's time axis: one lane per fault that starts or ends
/// within the run (labelled F1, F2, … with its sentence, in its own colour, the same colour
/// and label as its band in every time plot), and the faults that last the whole run listed
/// in words instead (shading them would paint every plot).
struct FaultTimeline {
    /// A fault with a lane.
    struct Lane {
        /// `F1`, `F2`, …
        var label: String
        /// What the fault does, when, and where (``ScenarioReport/sentence(_:)``).
        var sentence: String
        /// Its period, in seconds of the run.
        var fromSeconds: Double
        var toSeconds: Double
        var color: String
    }

    /// Lane colours, none of them the plots' reply green or reject red.
    static let palette = ["#e6550d", "#756bb1", "#31a354", "#3182bd", "#d6616b", "#8c6d31", "#7b4173", "#636363"]

    /// The faults with lanes, in the scenario's order.
    let lanes: [Lane]
    /// The sentences of the faults that last the whole run.
    let permanent: [String]
    /// The time axis shared with the time plots.
    let time: ChartScale

    /// The timeline of `report`'s faults, on `time`.
    init(_ report: ScenarioReport, time: ChartScale) {
        let duration = report.scenario.duration
        var lanes: [Lane] = []
        var permanent: [String] = []
        for fault in report.scenario.faults {
            let end = min(fault.until ?? duration, duration)
            if fault.at <= .zero && end >= duration {
                permanent.append(ScenarioReport.sentence(fault))
                continue
            }
            lanes.append(Lane(label: "F\(lanes.count + 1)", sentence: ScenarioReport.sentence(fault),
                              fromSeconds: Self.seconds(fault.at), toSeconds: Self.seconds(end),
                              color: Self.palette[lanes.count % Self.palette.count]))
        }
        self.lanes = lanes
        self.permanent = permanent
        self.time = time
    }

    static func seconds(_ duration: SimDuration) -> Double { Double(duration.nanoseconds) / 1e9 }

    /// Each lane as a band for a time plot.
    var shades: [SVGChart.Shade] {
        lanes.map { SVGChart.Shade(from: $0.fromSeconds, to: $0.toSeconds, label: $0.label, detail: $0.sentence, color: $0.color) }
    }

    /// The lanes as an SVG over the time plots' x geometry (nothing when no fault has one).
    var svg: String? {
        guard !lanes.isEmpty else { return nil }
        let laneHeight = 34.0, top = 28.0
        let height = top + laneHeight * Double(lanes.count) + 20
        let chart = SVGChart(title: "", xLabel: "", yLabel: "", x: time, y: .linear(0, 1), series: [])
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"time-plot fault-timeline\" data-x-domain=\"\(SVGChart.number(time.lower)) \(SVGChart.number(time.upper))\" "
            + "viewBox=\"0 0 \(SVGChart.number(SVGChart.width)) \(SVGChart.number(height))\" role=\"img\">",
                     "<title>Fault timeline</title>",
                     "<text x=\"\(SVGChart.number(SVGChart.margin.left))\" y=\"18\" class=\"title\">Fault timeline (one lane per fault; the same bands in every plot below)</text>"]
        let lanesBottom = top + laneHeight * Double(lanes.count)
        for tick in time.ticks {
            let x = SVGChart.number(chart.px(tick.value))
            parts.append("<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(SVGChart.number(top))\" y2=\"\(SVGChart.number(lanesBottom))\" class=\"grid\"/>"
                + "<text x=\"\(x)\" y=\"\(SVGChart.number(lanesBottom + 12))\" class=\"tick\" text-anchor=\"middle\">\(HTMLReport.escape(tick.label))</text>")
        }
        for (index, lane) in lanes.enumerated() {
            let y = top + laneHeight * Double(index)
            let from = chart.px(max(lane.fromSeconds, time.lower)), to = chart.px(min(lane.toSeconds, time.upper))
            let hover = HTMLReport.escape("\(lane.label): \(lane.sentence)")
            parts.append("<g class=\"lane\" data-fault=\"\(lane.label)\">"
                + "<rect x=\"\(SVGChart.number(SVGChart.margin.left))\" y=\"\(SVGChart.number(y + 14))\" width=\"\(SVGChart.number(SVGChart.plotWidth))\" height=\"14\" class=\"lane-track\"/>"
                + "<rect x=\"\(SVGChart.number(from))\" y=\"\(SVGChart.number(y + 14))\" width=\"\(SVGChart.number(max(to - from, 1.5)))\" height=\"14\" fill=\"\(lane.color)\" fill-opacity=\"0.75\"><title>\(hover)</title></rect>"
                + "<text x=\"\(SVGChart.number(SVGChart.margin.left - 8))\" y=\"\(SVGChart.number(y + 25))\" class=\"lane-tag\" text-anchor=\"end\" fill=\"\(lane.color)\">\(lane.label)</text>"
                + "<text x=\"\(SVGChart.number(Self.labelX(from: from, text: lane.sentence)))\" y=\"\(SVGChart.number(y + 11))\" class=\"legend\">\(HTMLReport.escape(Self.shortened(lane.sentence)))</text></g>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// Where a lane's sentence starts: at its bar, moved left if it would run off the canvas.
    static func labelX(from: Double, text: String) -> Double {
        let width = Double(shortened(text).count) * SVGChart.characterWidth
        return max(SVGChart.margin.left, min(from, SVGChart.width - 4 - width))
    }

    /// `text`, cut with an ellipsis where it would run past the canvas (the lane's hover text
    /// has it whole).
    static func shortened(_ text: String) -> String {
        let fitting = Int((SVGChart.width - 4 - SVGChart.margin.left) / SVGChart.characterWidth)
        return text.count <= fitting ? text : String(text.prefix(fitting - 1)) + "\u{2026}"
    }

    /// A whole-run fault's sentence without its `throughout: ` (the list says so).
    static func withoutWindow(_ sentence: String) -> String {
        sentence.hasPrefix("throughout: ") ? String(sentence.dropFirst("throughout: ".count)) : sentence
    }

    /// The page's section: the lanes, and the faults of the whole run as a list.
    var html: [String] {
        var parts: [String] = []
        if !permanent.isEmpty {
            parts.append("<p class=\"meta\">Throughout the run (not shaded):</p><ul class=\"permanent\">"
                + permanent.map { "<li>\(HTMLReport.escape(Self.withoutWindow($0)))</li>" }.joined() + "</ul>")
        }
        if let svg { parts.append(svg) }
        return parts
    }
}

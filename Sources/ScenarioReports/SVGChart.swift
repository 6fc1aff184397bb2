import InternetComputer

/// A line chart as inline SVG: series of (x, y) points over linear axes from zero (or the
/// smallest x), with ticks at round numbers, a legend, and shaded x ranges (fault periods).
/// Pure string building: no fonts measured, no libm.
struct SVGChart {
    /// One line.
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// X ranges to shade, each with a label.
    var shaded: [(from: Double, to: Double, label: String)] = []
    /// Whether to draw a legend (off for many similar lines).
    var showsLegend = true
    /// A line is broken where consecutive points are further apart in x than this (no data
    /// in between), instead of joining them.
    var breaksGapsWiderThan: Double?
    var width = 760.0
    var height = 300.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
    static let margin = (left: 70.0, right: 20.0, top: 34.0, bottom: 46.0)

    /// A round step (1, 2 or 5 times a power of ten) that cuts `span` into at most `count`
    /// intervals.
    static func niceStep(_ span: Double, count: Double = 5) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        var step = 1e-9
        while span / step > count * 10 { step *= 10 }
        for factor in [1.0, 2, 5, 10, 20, 50, 100] where span / (step * factor) <= count { return step * factor }
        return step * 100
    }

    /// `value` with as many decimals as `step` needs.
    static func label(_ value: Double, step: Double) -> String {
        var decimals = 0
        var scaled = step
        while scaled < 1 && decimals < 6 {
            scaled *= 10
            decimals += 1
        }
        return SubnetReport.fixed(value, decimals: decimals)
    }

    static func number(_ value: Double) -> String { SubnetReport.fixed(value, decimals: 1) }

    var svg: String {
        let points = series.flatMap(\.points)
        let xMin = points.map(\.x).min() ?? 0
        let xMax = max(points.map(\.x).max() ?? 1, xMin + 1e-9)
        let yStep = Self.niceStep(max(points.map(\.y).max() ?? 1, 1e-9))
        let yMax = ((points.map(\.y).max() ?? 1) / yStep).rounded(.up) * yStep
        let plot = (x: Self.margin.left, y: Self.margin.top, width: width - Self.margin.left - Self.margin.right,
                    height: height - Self.margin.top - Self.margin.bottom)
        func px(_ x: Double) -> Double { plot.x + (x - xMin) / (xMax - xMin) * plot.width }
        func py(_ y: Double) -> Double { plot.y + plot.height - (yMax > 0 ? y / yMax : 0) * plot.height }
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" role=\"img\">",
                     "<title>\(HTMLReport.escape(title))</title>",
                     "<text x=\"\(Self.number(plot.x))\" y=\"20\" class=\"title\">\(HTMLReport.escape(title))</text>"]
        for range in shaded where range.to > xMin && range.from < xMax {
            let from = px(max(range.from, xMin))
            let to = px(min(range.to, xMax))
            parts.append("<rect x=\"\(Self.number(from))\" y=\"\(Self.number(plot.y))\" width=\"\(Self.number(max(to - from, 1)))\" "
                + "height=\"\(Self.number(plot.height))\" class=\"fault\"><title>\(HTMLReport.escape(range.label))</title></rect>")
        }
        parts += axes(plot: plot, xMin: xMin, xMax: xMax, yMax: yMax, yStep: yStep, px: px, py: py)
        for (index, line) in series.enumerated() {
            for segment in segments(of: line.points) {
                let path = segment.map { "\(Self.number(px($0.x))),\(Self.number(py($0.y)))" }.joined(separator: " ")
                let color = Self.palette[index % Self.palette.count]
                parts.append(segment.count == 1
                    ? "<circle cx=\"\(Self.number(px(segment[0].x)))\" cy=\"\(Self.number(py(segment[0].y)))\" r=\"2\" fill=\"\(color)\"><title>\(HTMLReport.escape(line.name))</title></circle>"
                    : "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(path)\"><title>\(HTMLReport.escape(line.name))</title></polyline>")
            }
        }
        if showsLegend { parts += legend(plot: plot) }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    /// The runs of `points` to join, split at gaps wider than ``breaksGapsWiderThan``.
    func segments(of points: [(x: Double, y: Double)]) -> [[(x: Double, y: Double)]] {
        var segments: [[(x: Double, y: Double)]] = []
        for point in points {
            if let last = segments.last?.last, breaksGapsWiderThan.map({ point.x - last.x <= $0 }) ?? true {
                segments[segments.count - 1].append(point)
            } else {
                segments.append([point])
            }
        }
        return segments
    }

    func axes(plot: (x: Double, y: Double, width: Double, height: Double), xMin: Double, xMax: Double, yMax: Double, yStep: Double,
              px: (Double) -> Double, py: (Double) -> Double) -> [String] {
        var parts = ["<rect x=\"\(Self.number(plot.x))\" y=\"\(Self.number(plot.y))\" width=\"\(Self.number(plot.width))\" height=\"\(Self.number(plot.height))\" class=\"frame\"/>"]
        var y = 0.0
        while y <= yMax + yStep / 2 {
            parts.append("<line x1=\"\(Self.number(plot.x))\" x2=\"\(Self.number(plot.x + plot.width))\" y1=\"\(Self.number(py(y)))\" y2=\"\(Self.number(py(y)))\" class=\"grid\"/>")
            parts.append("<text x=\"\(Self.number(plot.x - 6))\" y=\"\(Self.number(py(y) + 4))\" class=\"tick\" text-anchor=\"end\">\(Self.label(y, step: yStep))</text>")
            y += yStep
        }
        let xStep = Self.niceStep(xMax - xMin, count: 8)
        var x = (xMin / xStep).rounded(.up) * xStep
        while x <= xMax + xStep * 1e-9 {
            parts.append("<text x=\"\(Self.number(px(x)))\" y=\"\(Self.number(plot.y + plot.height + 16))\" class=\"tick\" text-anchor=\"middle\">\(Self.label(x, step: xStep))</text>")
            x += xStep
        }
        parts.append("<text x=\"\(Self.number(plot.x + plot.width / 2))\" y=\"\(Self.number(height - 8))\" class=\"axis\" text-anchor=\"middle\">\(HTMLReport.escape(xLabel))</text>")
        parts.append("<text transform=\"translate(16 \(Self.number(plot.y + plot.height / 2))) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">\(HTMLReport.escape(yLabel))</text>")
        return parts
    }

    func legend(plot: (x: Double, y: Double, width: Double, height: Double)) -> [String] {
        var parts: [String] = []
        var x = plot.x + plot.width
        for (index, line) in series.enumerated().reversed() {
            let text = HTMLReport.escape(line.name)
            x -= Double(line.name.count) * 6.5 + 26
            let color = Self.palette[index % Self.palette.count]
            parts.append("<rect x=\"\(Self.number(x))\" y=\"12\" width=\"12\" height=\"4\" fill=\"\(color)\"/>")
            parts.append("<text x=\"\(Self.number(x + 16))\" y=\"18\" class=\"legend\">\(text)</text>")
        }
        return parts
    }
}

/// A horizontal bar chart as inline SVG.
struct SVGBarChart {
    var title: String
    var bars: [(label: String, value: Double)]
    var width = 760.0

    var svg: String {
        let rowHeight = 22.0
        let height = 40 + rowHeight * Double(bars.count)
        let left = 170.0
        let maximum = max(bars.map(\.value).max() ?? 1, 1e-9)
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(SVGChart.number(width)) \(SVGChart.number(height))\" role=\"img\">",
                     "<title>\(HTMLReport.escape(title))</title>",
                     "<text x=\"\(SVGChart.number(left))\" y=\"20\" class=\"title\">\(HTMLReport.escape(title))</text>"]
        for (index, bar) in bars.enumerated() {
            let y = 32 + rowHeight * Double(index)
            let length = bar.value / maximum * (width - left - 90)
            parts.append("<text x=\"\(SVGChart.number(left - 6))\" y=\"\(SVGChart.number(y + 14))\" class=\"tick\" text-anchor=\"end\">\(HTMLReport.escape(bar.label))</text>")
            parts.append("<rect x=\"\(SVGChart.number(left))\" y=\"\(SVGChart.number(y + 3))\" width=\"\(SVGChart.number(max(length, 0.5)))\" height=\"14\" fill=\"\(SVGChart.palette[0])\"/>")
            parts.append("<text x=\"\(SVGChart.number(left + length + 6))\" y=\"\(SVGChart.number(y + 14))\" class=\"tick\">\(bar.value == bar.value.rounded() ? String(Int64(bar.value)) : SVGChart.number(bar.value))</text>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}

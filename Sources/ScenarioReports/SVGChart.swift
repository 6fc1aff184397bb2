import InternetComputer

/// A line chart as inline SVG: series of (x, y) points on linear or logarithmic axes, bands
/// between two lines (quantile ranges), fault periods as labelled vertical bands, a legend
/// below the plot that wraps within the canvas, and each point's value on hover (an SVG
/// `<title>`). Pure string building: no fonts measured (text width is estimated), no libm.
struct SVGChart {
    /// One line.
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var color: String
        /// An SVG `stroke-dasharray` (`nil`: solid).
        var dash: String?
        /// What a point's hover text says of its y value.
        var hover: (Double) -> String = { SubnetReport.fixed($0, decimals: 2) }
    }

    /// A filled range between two lines over the same x values (a quantile band).
    struct Band {
        var name: String
        var points: [(x: Double, low: Double, high: Double)]
        var color: String
    }

    /// A vertical band over an x range: a fault, with the label of its lane.
    struct Shade {
        var from: Double
        var to: Double
        var label: String
        var detail: String
        var color: String
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var x: ChartScale
    var y: ChartScale
    var series: [Series]
    var bands: [Band] = []
    var shades: [Shade] = []
    /// A line is broken where consecutive points are further apart in x than this.
    var breaksGapsWiderThan: Double?
    /// What a point's hover text says of its x value.
    var xHover: (Double) -> String = { "t = " + ChartScale.duration($0) }
    /// A class for the `<svg>` element (`time-plot` for plots over the run's time).
    var kind = "plot"

    static let width = 1000.0
    static let plotHeight = 240.0
    static let margin = (left: 80.0, right: 24.0, top: 30.0, bottom: 44.0)
    static let plotWidth = width - margin.left - margin.right
    /// The estimated width of a character of legend text (11 px sans-serif).
    static let characterWidth = 6.5

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    static func number(_ value: Double) -> String { SubnetReport.fixed(value.isFinite ? value : 0, decimals: 1) }

    func px(_ value: Double) -> Double { Self.margin.left + x.fraction(value) * Self.plotWidth }
    func py(_ value: Double) -> Double { Self.margin.top + (1 - y.fraction(value)) * Self.plotHeight }

    /// The legend's entries: each line's and each band's name and colour.
    var legendEntries: [(name: String, color: String, dash: String?, isBand: Bool)] {
        bands.map { ($0.name, $0.color, nil, true) } + series.map { ($0.name, $0.color, $0.dash, false) }
    }

    /// Where each legend entry goes (rows that wrap within the canvas), and the rows' count.
    func legendLayout() -> (positions: [(x: Double, row: Int)], rows: Int) {
        var positions: [(x: Double, row: Int)] = []
        var left = Self.margin.left
        var row = 0
        for entry in legendEntries {
            let entryWidth = 26 + Double(entry.name.count) * Self.characterWidth + 14
            if left + entryWidth > Self.width - 4, left > Self.margin.left {
                row += 1
                left = Self.margin.left
            }
            positions.append((left, row))
            left += entryWidth
        }
        return (positions, legendEntries.isEmpty ? 0 : row + 1)
    }

    var svg: String {
        let layout = legendLayout()
        let legendTop = Self.margin.top + Self.plotHeight + Self.margin.bottom + 12
        let height = legendTop + Double(layout.rows) * 18 + 6
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(kind)\" data-x-domain=\"\(Self.number(x.lower)) \(Self.number(x.upper))\" "
            + "viewBox=\"0 0 \(Self.number(Self.width)) \(Self.number(height))\" role=\"img\">",
                     "<title>\(HTMLReport.escape(title))</title>",
                     "<text x=\"\(Self.number(Self.margin.left))\" y=\"18\" class=\"title\">\(HTMLReport.escape(title))</text>"]
        parts += shadeElements()
        parts += axes(height: height)
        parts += shadeTags()
        parts += bands.flatMap(bandElements)
        parts += series.flatMap(lineElements)
        parts += legend(layout, top: legendTop)
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    func shadeElements() -> [String] {
        shades.filter { $0.to > x.lower && $0.from < x.upper }.map { shade in
            let from = px(max(shade.from, x.lower)), to = px(min(shade.to, x.upper))
            return "<g class=\"fault-band\"><rect x=\"\(Self.number(from))\" y=\"\(Self.number(Self.margin.top))\" width=\"\(Self.number(max(to - from, 1.5)))\" "
                + "height=\"\(Self.number(Self.plotHeight))\" fill=\"\(shade.color)\" fill-opacity=\"0.16\"><title>\(HTMLReport.escape(shade.label + ": " + shade.detail))</title></rect></g>"
        }
    }

    /// Each band's lane label, drawn over the grid.
    func shadeTags() -> [String] {
        shades.filter { $0.to > x.lower && $0.from < x.upper }.map { shade in
            "<text x=\"\(Self.number(px(max(shade.from, x.lower)) + 3))\" y=\"\(Self.number(Self.margin.top + 13))\" class=\"lane-tag\" "
                + "fill=\"\(shade.color)\">\(HTMLReport.escape(shade.label))</text>"
        }
    }

    func axes(height: Double) -> [String] {
        let top = Self.margin.top, left = Self.margin.left, bottom = top + Self.plotHeight
        var parts = ["<rect x=\"\(Self.number(left))\" y=\"\(Self.number(top))\" width=\"\(Self.number(Self.plotWidth))\" height=\"\(Self.number(Self.plotHeight))\" class=\"frame\"/>"]
        for value in y.minorTicks {
            parts.append("<line x1=\"\(Self.number(left))\" x2=\"\(Self.number(left + Self.plotWidth))\" y1=\"\(Self.number(py(value)))\" y2=\"\(Self.number(py(value)))\" class=\"grid minor\"/>")
        }
        for tick in y.ticks {
            parts.append("<line x1=\"\(Self.number(left))\" x2=\"\(Self.number(left + Self.plotWidth))\" y1=\"\(Self.number(py(tick.value)))\" y2=\"\(Self.number(py(tick.value)))\" class=\"grid\"/>")
            parts.append("<text x=\"\(Self.number(left - 6))\" y=\"\(Self.number(py(tick.value) + 4))\" class=\"tick\" text-anchor=\"end\">\(HTMLReport.escape(tick.label))</text>")
        }
        for value in x.minorTicks {
            parts.append("<line x1=\"\(Self.number(px(value)))\" x2=\"\(Self.number(px(value)))\" y1=\"\(Self.number(top))\" y2=\"\(Self.number(bottom))\" class=\"grid minor\"/>")
        }
        for tick in x.ticks {
            parts.append("<line x1=\"\(Self.number(px(tick.value)))\" x2=\"\(Self.number(px(tick.value)))\" y1=\"\(Self.number(top))\" y2=\"\(Self.number(bottom))\" class=\"grid\"/>")
            parts.append("<text x=\"\(Self.number(px(tick.value)))\" y=\"\(Self.number(bottom + 16))\" class=\"tick\" text-anchor=\"middle\">\(HTMLReport.escape(tick.label))</text>")
        }
        parts.append("<text x=\"\(Self.number(left + Self.plotWidth / 2))\" y=\"\(Self.number(bottom + 36))\" class=\"axis\" text-anchor=\"middle\">\(HTMLReport.escape(xLabel))</text>")
        parts.append("<text transform=\"translate(16 \(Self.number(top + Self.plotHeight / 2))) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">\(HTMLReport.escape(yLabel))</text>")
        return parts
    }

    /// The runs of `points` to join, split at gaps wider than ``breaksGapsWiderThan``.
    func segments<Point>(of points: [Point], x: (Point) -> Double) -> [[Point]] {
        var segments: [[Point]] = []
        for point in points {
            if let last = segments.last?.last, breaksGapsWiderThan.map({ x(point) - x(last) <= $0 }) ?? true {
                segments[segments.count - 1].append(point)
            } else {
                segments.append([point])
            }
        }
        return segments
    }

    func lineElements(_ line: Series) -> [String] {
        var parts: [String] = []
        let dash = line.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        for segment in segments(of: line.points, x: \.x) {
            guard segment.count > 1 else {
                // A point with no neighbour: a dot, or it would not show.
                parts += segment.map { "<circle cx=\"\(Self.number(px($0.x)))\" cy=\"\(Self.number(py($0.y)))\" r=\"2\" fill=\"\(line.color)\"/>" }
                continue
            }
            let path = segment.map { "\(Self.number(px($0.x))),\(Self.number(py($0.y)))" }.joined(separator: " ")
            parts.append("<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.6\"\(dash) points=\"\(path)\"><title>\(HTMLReport.escape(line.name))</title></polyline>")
        }
        let name = HTMLReport.escape(line.name)
        parts += line.points.map { point in
            "<circle class=\"pt\" cx=\"\(Self.number(px(point.x)))\" cy=\"\(Self.number(py(point.y)))\" r=\"3\" fill=\"\(line.color)\">"
                + "<title>\(name): \(HTMLReport.escape(line.hover(point.y))) at \(HTMLReport.escape(xHover(point.x)))</title></circle>"
        }
        return parts
    }

    func bandElements(_ band: Band) -> [String] {
        segments(of: band.points, x: \.x).filter { $0.count > 1 }.map { segment in
            let upper = segment.map { "\(Self.number(px($0.x))),\(Self.number(py($0.high)))" }
            let lower = segment.reversed().map { "\(Self.number(px($0.x))),\(Self.number(py($0.low)))" }
            return "<polygon fill=\"\(band.color)\" fill-opacity=\"0.18\" stroke=\"none\" points=\"\((upper + lower).joined(separator: " "))\">"
                + "<title>\(HTMLReport.escape(band.name))</title></polygon>"
        }
    }

    func legend(_ layout: (positions: [(x: Double, row: Int)], rows: Int), top: Double) -> [String] {
        zip(legendEntries, layout.positions).map { entry, position in
            let y = top + Double(position.row) * 18
            let swatch = entry.isBand
                ? "<rect x=\"\(Self.number(position.x))\" y=\"\(Self.number(y - 8))\" width=\"20\" height=\"10\" fill=\"\(entry.color)\" fill-opacity=\"0.3\"/>"
                : "<line x1=\"\(Self.number(position.x))\" x2=\"\(Self.number(position.x + 20))\" y1=\"\(Self.number(y - 3))\" y2=\"\(Self.number(y - 3))\" "
                    + "stroke=\"\(entry.color)\" stroke-width=\"2\"\(entry.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
            return swatch + "<text x=\"\(Self.number(position.x + 26))\" y=\"\(Self.number(y + 1))\" class=\"legend\">\(HTMLReport.escape(entry.name))</text>"
        }
    }
}

/// A horizontal bar chart as inline SVG, each bar's value written beside it.
struct SVGBarChart {
    var title: String
    var bars: [(label: String, value: Double)]
    var width = SVGChart.width

    var svg: String {
        let rowHeight = 22.0
        let height = 40 + rowHeight * Double(bars.count)
        let left = 170.0
        let maximum = max(bars.map(\.value).max() ?? 1, 1e-9)
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" viewBox=\"0 0 \(SVGChart.number(width)) \(SVGChart.number(height))\" role=\"img\">",
                     "<title>\(HTMLReport.escape(title))</title>",
                     "<text x=\"\(SVGChart.number(left))\" y=\"20\" class=\"title\">\(HTMLReport.escape(title))</text>"]
        for (index, bar) in bars.enumerated() {
            let y = 32 + rowHeight * Double(index)
            let length = bar.value / maximum * (width - left - 110)
            let value = ScenarioReport.grouped(UInt64(max(bar.value, 0)))
            parts.append("<text x=\"\(SVGChart.number(left - 6))\" y=\"\(SVGChart.number(y + 14))\" class=\"tick\" text-anchor=\"end\">\(HTMLReport.escape(bar.label))</text>")
            parts.append("<rect x=\"\(SVGChart.number(left))\" y=\"\(SVGChart.number(y + 3))\" width=\"\(SVGChart.number(max(length, 0.5)))\" height=\"14\" "
                + "fill=\"\(SVGChart.palette[0])\"><title>\(HTMLReport.escape(bar.label)): \(value)</title></rect>")
            parts.append("<text x=\"\(SVGChart.number(left + length + 6))\" y=\"\(SVGChart.number(y + 14))\" class=\"tick\">\(value)</text>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}

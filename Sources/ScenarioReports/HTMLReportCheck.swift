/// What must hold of an HTML report page, checked on the page's text: tags nest and close;
/// every time plot (`<svg class="… time-plot …">`) has the same x domain, the run's; every
/// fault is either a lane of the fault timeline or listed as lasting the whole run; legend and
/// lane text stays within its canvas (at the estimated text width); no coordinate is `NaN` or
/// infinite; nothing is loaded from outside the page.
public enum HTMLReportCheck {
    /// The problems of `page`, the page of `report` (empty: none).
    public static func problems(_ page: String, report: ScenarioReport) -> [String] {
        var problems = nestingProblems(page)
        let svgs = svgOpenings(page)
        let timePlots = svgs.filter { $0.contains("time-plot") }
        let duration = SVGChart.number(Double(report.scenario.duration.nanoseconds) / 1e9)
        let domains = timePlots.map { attribute("data-x-domain", in: $0) ?? "none" }
        for domain in domains where domain != "0.0 \(duration)" {
            problems.append("a time plot's x domain is \(domain), not the run's, 0.0 \(duration)")
        }
        if !report.clients.isEmpty && timePlots.count < 2 { problems.append("only \(timePlots.count) time plots") }
        let lanes = page.pieces("<g class=\"lane\"").count - 1
        let permanent = page.pieces("<ul class=\"permanent\">").dropFirst().first?
            .pieces("</ul>").first?.pieces("<li>").count ?? 1
        if lanes + permanent - 1 != report.scenario.faults.count {
            problems.append("\(report.scenario.faults.count) faults, but \(lanes) lanes and \(permanent - 1) listed as lasting the whole run")
        }
        problems += textOverflow(page)
        for bad in ["NaN", "=\"nan", "=\"-nan", "=\"inf", "=\"-inf", ",nan", ",inf", ",-inf", " nan,", " inf,", "http://", "https://", "<script", "<link", "<img"]
        where page.contains(bad) {
            guard bad != "http://" || page.replacing("xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains(bad) else { continue }
            problems.append("the page contains \(bad)")
        }
        return problems
    }

    /// The opening tags of the page's SVG elements.
    static func svgOpenings(_ page: String) -> [String] {
        page.pieces("<svg ").dropFirst().map { String($0.prefix { $0 != ">" }) }
    }

    /// The value of `name="…"` in `tag`.
    static func attribute(_ name: String, in tag: String) -> String? {
        guard let start = tag.firstRange(of: " \(name)=\"") else { return nil }
        return String(tag[start.upperBound...].prefix { $0 != "\"" })
    }

    /// Tags that open and close in order (void and self-closing tags aside).
    static func nestingProblems(_ page: String) -> [String] {
        var stack: [Substring] = []
        for piece in page.split(separator: "<", omittingEmptySubsequences: false).dropFirst() {
            let tag = piece.prefix { $0 != ">" }
            if tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
            let name = tag.split(separator: " ").first ?? ""
            if name.hasPrefix("/") {
                guard stack.popLast() == name.dropFirst() else { return ["</\(name.dropFirst())> closes \(stack.last.map { "<\($0)>" } ?? "nothing")"] }
            } else if !["meta", "br"].contains(name) {
                stack.append(name)
            }
        }
        return stack.isEmpty ? [] : ["unclosed: " + stack.map { "<\($0)>" }.joined(separator: " ")]
    }

    /// Legend and lane texts that run past their SVG's right edge or bottom.
    static func textOverflow(_ page: String) -> [String] {
        var problems: [String] = []
        for svg in page.pieces("<svg ").dropFirst() {
            let opening = String(svg.prefix { $0 != ">" })
            let box = (attribute("viewBox", in: opening) ?? "").split(separator: " ").compactMap { Double(String($0)) }
            guard box.count == 4 else { continue }
            for text in svg.pieces("<text ").dropFirst() where text.contains("class=\"legend\"") {
                let tag = String(text.prefix { $0 != ">" })
                let content = text.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" }
                guard let x = attribute("x", in: " " + tag).flatMap(Double.init), let y = attribute("y", in: " " + tag).flatMap(Double.init) else {
                    problems.append("a legend without a position")
                    continue
                }
                let width = Double(unescapedCount(String(content))) * SVGChart.characterWidth
                if x < 0 || x + width > box[2] + 0.5 || y < 0 || y > box[3] {
                    problems.append("legend \"\(content)\" at (\(x), \(y)) runs off its canvas of \(box[2]) by \(box[3])")
                }
            }
        }
        return problems
    }

    /// The characters `text` shows once its HTML entities are read.
    static func unescapedCount(_ text: String) -> Int {
        var count = 0, inEntity = false
        for character in text {
            if character == "&" { inEntity = true; count += 1 } else if character == ";" && inEntity { inEntity = false } else if !inEntity { count += 1 }
        }
        return count
    }
}

extension StringProtocol {
    /// The text between the occurrences of `separator` (empty pieces kept).
    func pieces(_ separator: String) -> [Substring] {
        String(self).split(separator: separator, omittingEmptySubsequences: false)
    }
}

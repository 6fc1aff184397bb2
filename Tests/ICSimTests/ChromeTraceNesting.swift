import Testing
import ICSim

/// The Chrome trace-event format's rules for complete (`X`) events on one track, as Perfetto
/// enforces them: on a track (a pid and tid), two slices are either disjoint or one lies
/// entirely inside the other; and a slice lasts some time. Every event has a phase, a pid and
/// a time; every track with slices is named by a `thread_name` metadata event.
enum ChromeTraceNesting {
    /// A slice: where and when, in nanoseconds (the trace's microseconds have three decimals).
    struct Slice {
        var name: String
        var track: String
        var start: Int64
        var end: Int64
    }

    /// Every rule `json` (a trace) breaks, each as a sentence naming the events.
    static func problems(_ json: String) -> [String] {
        guard case .object(let root)? = try? JSONParser.parse(json),
              case .array(let events)? = root.first(where: { $0.key == "traceEvents" })?.value else {
            return ["not a JSON object with a traceEvents array"]
        }
        var problems: [String] = []
        var slices: [Slice] = []
        var named = Set<String>()
        for (index, event) in events.enumerated() {
            guard case .object(let members) = event else { problems.append("event \(index): not an object"); continue }
            let field = { (key: String) in members.first { $0.key == key }?.value }
            guard case .string(let phase)? = field("ph"), case .number(let pid)? = field("pid") else {
                problems.append("event \(index): no phase or pid"); continue
            }
            let track = "\(pid)/\(field("tid").flatMap(number) ?? 0)"
            if phase == "M" {
                if case .string("thread_name")? = field("name") { named.insert(track) }
                continue
            }
            guard let start = field("ts").flatMap(nanoseconds) else { problems.append("event \(index): no time"); continue }
            guard phase == "X" else { continue }
            let name = { if case .string(let text)? = field("name") { return text } else { return "?" } }()
            guard let duration = field("dur").flatMap(nanoseconds), duration > 0 else {
                problems.append("event \(index) (\(name)) on track \(track): an empty slice"); continue
            }
            slices.append(Slice(name: name, track: track, start: start, end: start + duration))
        }
        problems += nestingProblems(slices)
        for track in Set(slices.map(\.track)).sorted() where !named.contains(track) {
            problems.append("track \(track) has slices but no thread_name")
        }
        return problems
    }

    /// Partial overlaps on a track: sorted by start (longest first), each slice must end
    /// before the enclosing open slice ends, or start after it ended.
    static func nestingProblems(_ slices: [Slice]) -> [String] {
        var problems: [String] = []
        let byTrack = Dictionary(grouping: slices, by: \.track)
        for track in byTrack.keys.sorted() {
            var open: [Slice] = []
            for slice in (byTrack[track] ?? []).sorted(by: { ($0.start, -$0.end) < ($1.start, -$1.end) }) {
                while let last = open.last, last.end <= slice.start { open.removeLast() }
                if let parent = open.last, slice.end > parent.end {
                    problems.append("track \(track): \(slice.name) [\(slice.start), \(slice.end)] overlaps \(parent.name) [\(parent.start), \(parent.end)] partially")
                }
                open.append(slice)
            }
        }
        return problems
    }

    static func number(_ value: JSONValue) -> Int64? {
        if case .number(let text) = value { return Int64(text) } else { return nil }
    }

    /// A time in microseconds with up to three decimals, as nanoseconds.
    static func nanoseconds(_ value: JSONValue) -> Int64? {
        guard case .number(let text) = value else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0]) else { return nil }
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        guard fraction.count <= 3, let decimals = Int64(fraction.isEmpty ? "0" : fraction) else { return nil }
        var scale: Int64 = 1
        for _ in fraction.count..<3 { scale *= 10 }
        return whole * 1_000 + (whole < 0 ? -1 : 1) * decimals * scale
    }
}

/// The checker itself, on traces that break each rule.
@Suite("Chrome trace nesting check")
struct ChromeTraceNestingTests {
    static func trace(_ events: [String]) -> String {
        "{\"traceEvents\":[{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"t\"}}," + events.joined(separator: ",") + "]}"
    }

    @Test func nestedAndDisjointSlicesPass() {
        let json = Self.trace([
            "{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":0,\"ts\":0.000,\"dur\":10.000}",
            "{\"ph\":\"X\",\"name\":\"b\",\"pid\":1,\"tid\":0,\"ts\":2.500,\"dur\":3.000}",
            "{\"ph\":\"X\",\"name\":\"c\",\"pid\":1,\"tid\":0,\"ts\":10.000,\"dur\":1.000}",
        ])
        #expect(ChromeTraceNesting.problems(json).isEmpty)
    }

    @Test func partialOverlapsEmptySlicesAndUnnamedTracksFail() {
        let overlap = Self.trace([
            "{\"ph\":\"X\",\"name\":\"a\",\"pid\":1,\"tid\":0,\"ts\":0.000,\"dur\":10.000}",
            "{\"ph\":\"X\",\"name\":\"b\",\"pid\":1,\"tid\":0,\"ts\":5.000,\"dur\":10.000}",
        ])
        #expect(ChromeTraceNesting.problems(overlap).contains { $0.contains("b [5000, 15000] overlaps a [0, 10000] partially") })
        let empty = Self.trace(["{\"ph\":\"X\",\"name\":\"z\",\"pid\":1,\"tid\":0,\"ts\":1.000,\"dur\":0.000}"])
        #expect(ChromeTraceNesting.problems(empty) == ["event 1 (z) on track 1/0: an empty slice"])
        let unnamed = Self.trace(["{\"ph\":\"X\",\"name\":\"u\",\"pid\":1,\"tid\":7,\"ts\":1.000,\"dur\":1.000}"])
        #expect(ChromeTraceNesting.problems(unnamed) == ["track 1/7 has slices but no thread_name"])
    }
}

import SimCore
import Consensus

/// A scenario run in the Chrome trace-event format (JSON; opens in Perfetto and
/// chrome://tracing): each subnet is a process and each node a track, with its rounds as
/// slices (round start to notarization) and its proposals and finalizations as instants; each
/// subnet has execution tracks (one slice per executed height); each fault has a track of
/// its own in its subnet, named by what it does, holding one slice from its start to its end
/// (so no fault slice overlaps a round); each client is a counter of answers per time bucket.
/// Timestamps are microseconds of virtual time. Slices on one track never overlap partially
/// (Perfetto's rule for complete events), and none is empty: a span of no time is an instant.
///
/// The node timelines need a run that recorded them (``ScenarioSimulation`` with
/// `recordsTimeline`); without, the trace holds executions, faults and clients only.
public struct ChromeTrace: Sendable {
    /// The report the trace shows.
    public let report: ScenarioReport

    /// The trace of `report`'s run.
    public init(_ report: ScenarioReport) {
        self.report = report
    }

    /// Track numbers within a subnet's process beyond its nodes: its execution (from
    /// `executionTrack` up, as many as overlapping heights need), and its faults
    /// (`faultTracks + i` for the scenario's fault `i`).
    static let executionTrack = 100_000
    static let faultTracks = 200_000
    /// Process numbers: subnets from 1; the clients' process.
    static let clientsProcess = 0

    /// The trace as JSON text, one event a line.
    public var json: String {
        var events: [String] = [metadata(process: Self.clientsProcess, thread: nil, name: "clients")]
        for (index, subnet) in report.subnets.enumerated() {
            let process = index + 1
            events.append(metadata(process: process, thread: nil, name: "subnet \(subnet.name)"))
            for node in 0..<subnet.nodes {
                let byzantine = subnet.byzantineNodes.contains(node) ? " (Byzantine)" : ""
                events.append(metadata(process: process, thread: node, name: "node \(node)\(byzantine)"))
            }
            events += timelineEvents(subnet, process: process)
            events += executionEvents(subnet, process: process)
        }
        events += faultEvents()
        events += clientEvents()
        return "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n" + events.joined(separator: ",\n") + "\n]}\n"
    }

    /// Microseconds with three decimals, exactly.
    static func microseconds(_ nanoseconds: Int64) -> String {
        let magnitude = nanoseconds.magnitude
        let fraction = String(magnitude % 1_000)
        return (nanoseconds < 0 ? "-" : "") + "\(magnitude / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    static func time(_ instant: SimInstant) -> String { microseconds(instant.nanosecondsSinceStart) }

    func metadata(process: Int, thread: Int?, name: String) -> String {
        let kind = thread == nil ? "process_name" : "thread_name"
        return "{\"ph\":\"M\",\"name\":\"\(kind)\",\"pid\":\(process),\"tid\":\(thread ?? 0),\"args\":{\"name\":\(JSONText.quoted(name))}}"
    }

    /// A complete event from `start` to `end`; an instant at `start` if that is no time at all
    /// (Perfetto draws no empty slice).
    func slice(_ name: String, category: String, process: Int, thread: Int, start: SimInstant, end: SimInstant) -> String {
        guard end > start else { return instant(name, category: category, process: process, thread: thread, at: start) }
        return "{\"ph\":\"X\",\"name\":\(JSONText.quoted(name)),\"cat\":\"\(category)\",\"pid\":\(process),\"tid\":\(thread),"
            + "\"ts\":\(Self.time(start)),\"dur\":\(Self.microseconds((end - start).nanoseconds))}"
    }

    func instant(_ name: String, category: String, process: Int, thread: Int, at time: SimInstant) -> String {
        "{\"ph\":\"i\",\"s\":\"t\",\"name\":\(JSONText.quoted(name)),\"cat\":\"\(category)\",\"pid\":\(process),\"tid\":\(thread),\"ts\":\(Self.time(time))}"
    }

    func timelineEvents(_ subnet: ScenarioReport.SubnetSummary, process: Int) -> [String] {
        (subnet.metrics.timeline ?? []).map { entry in
            switch entry.event {
            case .notarized(let height, let start):
                slice("round \(height)", category: "round", process: process, thread: entry.node, start: start, end: entry.time)
            case .proposed(let height, let rank):
                instant("propose \(height) (rank \(rank))", category: "proposal", process: process, thread: entry.node, at: entry.time)
            case .finalized(let height):
                instant("finalize \(height)", category: "finalization", process: process, thread: entry.node, at: entry.time)
            }
        }
    }

    /// Each executed height as a slice from its first execution's start, for the round's time.
    /// Heights whose executions overlap (the first replica to execute one is not always the
    /// first to execute the next) go on further execution tracks, the first free one in
    /// height order, so no two slices on a track overlap.
    func executionEvents(_ subnet: ScenarioReport.SubnetSummary, process: Int) -> [String] {
        var trackEnds: [SimInstant] = []
        var events: [String] = []
        for (index, execution) in zip(subnet.executionStarts, subnet.executionDurations).enumerated() {
            let start = execution.0, end = execution.0 + max(execution.1, .nanoseconds(1))
            let lane = trackEnds.firstIndex { $0 <= start } ?? trackEnds.count
            if lane == trackEnds.count {
                trackEnds.append(end)
                events.append(metadata(process: process, thread: Self.executionTrack + lane,
                                       name: lane == 0 ? "execution" : "execution (overlapping heights, \(lane + 1))"))
            } else {
                trackEnds[lane] = end
            }
            events.append(slice("execute \(index + 1)", category: "execution", process: process, thread: Self.executionTrack + lane,
                                start: start, end: end))
        }
        return events
    }

    /// Each fault on a track of its own in its subnet, named by what it does (the nodes it
    /// touches, a split's groups): one slice from its start to its end (or the run's).
    func faultEvents() -> [String] {
        let scenario = report.scenario
        return scenario.faults.enumerated().flatMap { index, fault -> [String] in
            let process = (fault.subnet.flatMap { scenario.subnet(named: $0)?.index } ?? 0) + 1
            let track = Self.faultTracks + index
            let start = SimInstant.zero + fault.at
            let end = min(fault.until.map { SimInstant.zero + $0 } ?? report.end, report.end)
            let what = ScenarioReport.what(fault.kind)
            return [metadata(process: process, thread: track, name: "fault \(index + 1): \(what)"),
                    slice(what, category: "fault", process: process, thread: track, start: start, end: end)]
        }
    }

    /// Each client's answers per bucket, as a counter.
    func clientEvents() -> [String] {
        report.clients.flatMap { client in
            client.statistics.answeredPerBucket.enumerated().map { index, count in
                let time = SimInstant.zero + report.bucket * Int64(index)
                return "{\"ph\":\"C\",\"name\":\(JSONText.quoted("answers of \(client.name)")),\"pid\":\(Self.clientsProcess),"
                    + "\"ts\":\(Self.time(time)),\"args\":{\"answers\":\(count)}}"
            }
        }
    }
}

import SimCore
import Consensus

/// A scenario run in the Chrome trace-event format (JSON; opens in Perfetto and
/// chrome://tracing): each subnet is a process and each node a track, with its rounds as
/// slices (round start to notarization), its proposals and finalizations as instants, and
/// the faults that touch it as slices; each subnet has an execution track (one slice per
/// executed height) and a network track (faults of the whole network); each client is a
/// counter of answers per time bucket. Timestamps are microseconds of virtual time.
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

    /// Track numbers within a subnet's process beyond its nodes.
    static let executionTrack = 100_000
    static let networkTrack = 100_001
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
            events.append(metadata(process: process, thread: Self.executionTrack, name: "execution"))
            events.append(metadata(process: process, thread: Self.networkTrack, name: "network"))
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

    func slice(_ name: String, category: String, process: Int, thread: Int, start: SimInstant, end: SimInstant) -> String {
        "{\"ph\":\"X\",\"name\":\(JSONText.quoted(name)),\"cat\":\"\(category)\",\"pid\":\(process),\"tid\":\(thread),"
            + "\"ts\":\(Self.time(start)),\"dur\":\(Self.microseconds(max((end - start).nanoseconds, 0)))}"
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

    func executionEvents(_ subnet: ScenarioReport.SubnetSummary, process: Int) -> [String] {
        zip(subnet.executionStarts, subnet.executionDurations).enumerated().map { index, execution in
            slice("execute \(index + 1)", category: "execution", process: process, thread: Self.executionTrack,
                  start: execution.0, end: execution.0 + max(execution.1, .nanoseconds(1)))
        }
    }

    /// Each fault as a slice on the tracks of the nodes it names (or the network track).
    func faultEvents() -> [String] {
        let scenario = report.scenario
        return scenario.faults.flatMap { fault -> [String] in
            let subnet = fault.subnet.flatMap { scenario.subnet(named: $0)?.index } ?? 0
            let start = SimInstant.zero + fault.at
            let end = min(fault.until.map { SimInstant.zero + $0 } ?? report.end, report.end)
            let name = ScenarioReport.describe(fault)
            let threads = fault.nodes.isEmpty ? [Self.networkTrack] : fault.nodes
            return threads.map { slice(name, category: "fault", process: subnet + 1, thread: $0, start: start, end: end) }
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

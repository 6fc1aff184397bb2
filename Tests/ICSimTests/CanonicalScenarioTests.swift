import Foundation
import Testing
@testable import ICSim
@testable import InternetComputer
@testable import Scenarios
@testable import ScenarioReports
import ICSimTestSupport

/// The canonical scenarios of Scenarios/: each runs as written and meets its expectations
/// (the checkers' and its own), and shows what it is there to show.
@Suite("Canonical scenarios")
struct CanonicalScenarioTests {
    static let names = [
        "app-subnet-baseline", "paper-table", "equivocating-leader", "f-byzantine-mix", "f-plus-one-fork", "partition-heal",
        "crash-restart-checkpoint", "cross-subnet-calls", "long-message-time-slicing", "cycles-exhaustion", "nns-40-nodes", "mainnet-topology",
        "scripted-user", "calibration-testnet-idle", "calibration-queries-per-node", "calibration-mainnet-13-node",
        "calibration-mainnet-nns", "calibration-mainnet-query", "calibration-synthetic-tuned-low-load", "calibration-synthetic-mainnet",
        "calibration-synthetic-tuned",
    ]

    /// Loads and runs `Scenarios/NAME.json` (Wasm files relative to it), optionally shortened,
    /// recording the node timelines its Chrome trace shows.
    static func run(_ name: String, duration: SimDuration? = nil) throws -> (ScenarioReport, ScenarioSimulation) {
        var scenario = try ScenarioLoader.load(try Fixture.bytes("Scenarios/\(name).json"))
        if let duration { scenario.duration = duration }
        let modules = try scenario.modules { path in
            (try? Fixture.bytes("Scenarios/" + path)) ?? nil
        }
        var simulation = try ScenarioSimulation(scenario: scenario, modules: modules, recordsTimeline: true)
        simulation.run()
        return (ScenarioReport(simulation), simulation)
    }

    @Test func everyScenarioFileIsHere() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixture.url("Scenarios").path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(Self.names.map { "\($0).json" }))
    }

    @Test(arguments: names)
    func meetsItsExpectations(name: String) throws {
        let (report, simulation) = try Self.run(name)
        #expect(report.passed, "\(name):\n\(report.text)")
        #expect(report.checks.contains { $0.name == "nothingLost" && $0.passed })
        try RecordedReportTests.expectRecorded(report, name: name)
        try Self.showsWhatItIsFor(name, report, simulation)
        let trace = ChromeTrace(report).json
        #expect(trace.contains("\"ph\":\"X\""), "the trace has slices")
        #expect(ChromeTraceNesting.problems(trace) == [], "\(name): its Chrome trace breaks the format's rules")
        #expect(HTMLReportCheck.problems(HTMLReport(report).html, report: report) == [], "\(name): its HTML page")
    }

    /// The point of each scenario, beyond its expectations.
    static func showsWhatItIsFor(_ name: String, _ report: ScenarioReport, _ simulation: ScenarioSimulation) throws {
        let subnets = simulation.internetComputer.subnets
        switch name {
        case "calibration-queries-per-node":
            // Offered 1.5 times its capacity, each replica refuses the excess with 429 rather
            // than queueing it: a quarter to a half of the queries are refused, and none waits
            // longer than the bound of 400 queries in a replica allows.
            let refused = report.clients.reduce(UInt64(0)) { $0 + ($1.statistics.rejectReasons["HTTP 429"] ?? 0) }
            let sent = report.clients.reduce(UInt64(0)) { $0 + $1.statistics.sent }
            #expect(refused * 4 > sent && refused * 2 < sent, "refused \(refused) of \(sent)")
            let services = simulation.internetComputer.queryServices[0]
            #expect(services.allSatisfy { $0.refused > 0 && $0.admitted > 0 }, "every replica served and refused")
        case "f-plus-one-fork":
            #expect(report.subnets[0].violation != nil, "f + 1 colluders fork the chain and the checker sees it")
        case "cycles-exhaustion":
            let poor = try #require(report.clients.first { $0.name == "to-poor" })
            #expect(poor.statistics.replied > 0 && poor.statistics.rejectReasons["IC0207"] ?? 0 > 0, "replied, then out of cycles")
        case "crash-restart-checkpoint":
            let execution = subnets[0].model.execution
            #expect(execution.restarts == 1 && execution.stateSyncs >= 1, "restarts \(execution.restarts), syncs \(execution.stateSyncs)")
            #expect(execution.disagreement == nil, "every replica's state agrees")
            #expect(report.subnets[0].checkpointBytesWritten > 0)
            #expect(report.subnets[0].heapDeltaBytes >= report.subnets[0].checkpointBytesWritten)
        case "long-message-time-slicing":
            #expect(report.subnets[0].messagesSliced > 10)
            #expect((report.clients.first { $0.name == "long-calls" }?.statistics.replied ?? 0) >= 4)
        case "cross-subnet-calls":
            #expect(simulation.internetComputer.slicesDelivered > 20)
            #expect(report.clients[0].statistics.replied > 250)
        case "partition-heal":
            let latency = report.clients[0].statistics.latency
            #expect((latency.maximum ?? .zero) > .seconds(10), "calls made during the split waited for it to heal")
        case "nns-40-nodes":
            #expect(report.subnets[0].nodes == 40 && report.subnets[0].cyclesBurned == .zero, "a system subnet charges nothing")
        case "scripted-user":
            #expect(report.checks.contains { $0.name == "script \"alice\"" && $0.passed }, "every step met its expectation")
            #expect(simulation.workload.stepOutcomes[0].count == 10 && report.subnets[0].restarts == 1)
        case "mainnet-topology":
            #expect(report.subnets.count == 37 && report.subnets.reduce(0) { $0 + $1.nodes } == 550)
        default:
            break
        }
    }

    /// The same scenario twice in one process: equal reports, byte for byte.
    @Test func aRunReplaysExactly() throws {
        let first = try Self.run("f-byzantine-mix", duration: .seconds(10)).0
        let second = try Self.run("f-byzantine-mix", duration: .seconds(10)).0
        #expect(first.json == second.json)
        #expect(first.traceHash == second.traceHash)
    }
}

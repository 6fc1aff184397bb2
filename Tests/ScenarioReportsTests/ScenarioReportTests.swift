import Testing
import ICSim
@testable import InternetComputer
@testable import Scenarios
@testable import ScenarioReports
import ICSimTestSupport

/// The workload's accounting and the reports: nothing lost (and the checker would notice),
/// closed and open loops behave as specified, JSON keys are sorted, the HTML page and the
/// Chrome trace are well formed.
@Suite("Scenario reports")
struct ScenarioReportTests {
    static func run(_ scenario: Scenario, recordsTimeline: Bool = false) throws -> (ScenarioReport, ScenarioSimulation) {
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil }, recordsTimeline: recordsTimeline)
        simulation.run()
        return (ScenarioReport(simulation), simulation)
    }

    static var counterScenario: Scenario {
        var scenario = Scenario(name: "counter")
        scenario.subnets = [ScenarioSubnet(name: "app", nodes: 4)]
        scenario.duration = .seconds(20)
        scenario.canisters = [ScenarioCanister(name: "counter", wasm: .builtin("counter"))]
        return scenario
    }

    @Test func anOpenLoopSendsAtItsRateAndAClosedLoopWaitsForAnswers() throws {
        var scenario = Self.counterScenario
        var open = ClientSpecification(name: "open", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 10, poisson: false))
        open.from = .seconds(2)
        open.until = .seconds(12)
        open.agent = .polling
        let closed = ClientSpecification(name: "closed", call: .query, canister: "counter", method: "get", load: .closedLoop(users: 3, thinkTime: .milliseconds(400)))
        scenario.clients = [open, closed]
        let (report, _) = try Self.run(scenario)
        #expect(report.passed, "\(report.text)")
        #expect(report.clients[0].statistics.sent == 100, "10 a second for 10 s")
        #expect(report.clients[0].statistics.replied == 100)
        #expect(report.clients[0].statistics.polls >= 100, "every answer was learned by a poll")
        #expect(report.clients[1].statistics.polls == 0, "queries are not polled")
        #expect(report.subnets[0].heapDeltaBytes >= 4_096, "the counter wrote its memory; no checkpoint in 20 s")
        #expect(report.subnets[0].checkpointBytesWritten == 0)
        // Each of 3 users: a query takes 2 one-way delays to the boundary node (40-50 ms each)
        // and 2 of the boundary node's to the replica (37.7 ms each), then 400 ms of thinking.
        let hops = BoundaryNodeConfiguration.uniformReplicaDelayDefault * 2
        let queries = report.clients[1].statistics.sent
        #expect(queries >= 3 * 20 * 1_000 / 577 - 3 && queries <= 3 * 20 * 1_000 / 555 + 3, "\(queries)")
        let latency = try #require(report.clients[1].statistics.latency.quantile(1, 2))
        #expect(latency >= .milliseconds(80) + hops && latency <= .milliseconds(101) + hops, "\(latency)")
    }

    @Test func callsToAStalledSubnetExpireAndNothingIsLost() throws {
        var scenario = Self.counterScenario
        scenario.duration = .seconds(90)
        scenario.subnets[0].ingressTimeToLive = .seconds(20)
        scenario.subnets[0].allowsMoreThanFByzantine = true
        var client = ClientSpecification(name: "u", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 2, poisson: false))
        client.until = .seconds(40)
        scenario.clients = [client]
        // Two of four nodes down for good from 10 s: no quorum, nothing finalizes.
        scenario.faults = [ScenarioFault(.crash(nodes: [2, 3]), at: .seconds(10))]
        scenario.expectations.liveness = false
        scenario.expectations.allCallsAnswered = true
        let (report, _) = try Self.run(scenario)
        let statistics = report.clients[0].statistics
        #expect(statistics.replied > 0 && statistics.expired > 40, "\(report.text)")
        #expect(statistics.replied + statistics.expired + report.clients[0].inFlight == statistics.sent)
        #expect(report.checks.first { $0.name == "nothingLost" }?.passed == true)
        #expect(report.checks.first { $0.name == "allCallsAnswered" }?.passed == false, "expired calls are not answers")
        #expect(!report.passed)
    }

    @Test func theNothingLostCheckerNoticesACallTheSubnetNeverAnswered() throws {
        var scenario = Self.counterScenario
        scenario.clients = [ClientSpecification(name: "u", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 5, poisson: false))]
        let (_, simulation) = try Self.run(scenario)
        let end = simulation.now
        var forged = try #require(simulation.workload.updates.first)
        #expect(NothingLostChecker.problem(with: forged, simulation.workload, simulation.internetComputer, end: end) == nil)
        forged.messageID = 999_999
        #expect(NothingLostChecker.problem(with: forged, simulation.workload, simulation.internetComputer, end: end)?.kind == "replied")
        forged.end = nil
        forged.expiryNanos = SubnetExecution.timeNanos(.zero + .seconds(1))
        #expect(NothingLostChecker.problem(with: forged, simulation.workload, simulation.internetComputer, end: end)?.kind == "waiting")
    }

    @Test func anExpiredCallIsWrongOnlyIfTheReplicaPolledLastHadTheAnswer() throws {
        var scenario = Self.counterScenario
        scenario.clients = [ClientSpecification(name: "u", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 5, poisson: false))]
        let (_, simulation) = try Self.run(scenario)
        let end = simulation.now
        var forged = try #require(simulation.workload.updates.first { $0.end == .replied })
        let answered = try #require(forged.endedAt)
        forged.end = .expired
        forged.expiryNanos = SubnetExecution.timeNanos(forged.sentAt)
        // Its last poll reached replica 0 after replica 0 had certified the answer: a bug.
        forged.lastPoll = (0, answered)
        #expect(NothingLostChecker.problem(with: forged, simulation.workload, simulation.internetComputer, end: end)?.kind == "expired")
        // The replica it reached lagged (a partition, say): expiring is what a real agent does.
        forged.lastPoll = (0, forged.sentAt)
        #expect(NothingLostChecker.problem(with: forged, simulation.workload, simulation.internetComputer, end: end) == nil)
        // No replica was up: likewise.
        forged.lastPoll = (nil, answered)
        #expect(NothingLostChecker.problem(with: forged, simulation.workload, simulation.internetComputer, end: end) == nil)
        // Declared expired before the expiry: a bug whatever the replicas had.
        forged.expiryNanos = SubnetExecution.timeNanos(end + .seconds(100))
        #expect(NothingLostChecker.problem(with: forged, simulation.workload, simulation.internetComputer, end: end)?.kind == "expired")
    }

    @Test func theJSONReportHasSortedKeysAndTheLatencies() throws {
        var scenario = Self.counterScenario
        scenario.clients = [ClientSpecification(name: "u", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 5, poisson: true))]
        let (report, _) = try Self.run(scenario)
        let value = try JSONParser.parse(report.json)
        func sorted(_ value: JSONValue) -> Bool {
            switch value {
            case .object(let members):
                return zip(members, members.dropFirst()).allSatisfy { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } && members.allSatisfy { sorted($0.value) }
            case .array(let values): return values.allSatisfy(sorted)
            default: return true
            }
        }
        #expect(sorted(value))
        guard case .array(let clients)? = value["clients"], let latency = clients.first?["latency"] else {
            Issue.record("no clients")
            return
        }
        #expect(latency["p999Nanos"] != nil && latency["count"] != .number("0"))
        #expect(value["scenario"]?["hash"] == .string(scenario.hash))
    }

    /// The tags of `text` (an HTML page or SVG) balance, and no number is NaN or infinite.
    static func wellFormed(_ text: String) -> Bool {
        var stack: [Substring] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return false }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") || tag.hasSuffix("/") { continue }
            let name = tag.split(separator: " ").first ?? ""
            if name.hasPrefix("/") {
                guard stack.popLast() == name.dropFirst() else { return false }
            } else if !["meta", "br"].contains(name) {
                stack.append(name)
            }
        }
        return stack.isEmpty && !text.contains("nan") && !text.contains("inf\"")
    }

    @Test func theHTMLPageHasEveryPlotAndIsWellFormed() throws {
        var scenario = Self.counterScenario
        scenario.clients = [
            ClientSpecification(name: "u<&>", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 5, poisson: true)),
            ClientSpecification(name: "q", call: .query, canister: "counter", method: "get", load: .closedLoop(users: 2, thinkTime: .milliseconds(300))),
        ]
        scenario.faults = [ScenarioFault(.crash(nodes: [1]), at: .seconds(5), until: .seconds(9))]
        let (report, _) = try Self.run(scenario)
        let page = HTMLReport(report).html
        #expect(Self.wellFormed(page))
        // The fault timeline, five plots, and two sparklines per client.
        #expect(page.components(separatedBy: "<svg ").count - 1 == 1 + 5 + 2 * 2)
        for title in ["Fault timeline", "Calls ended per second, by outcome", "Latency over time", "Latency CDF by call type", "Finalized height, subnet app",
                      "Messages sent per artifact kind"] {
            #expect(page.contains(title), "\(title)")
        }
        #expect(page.contains("u&lt;&amp;&gt;") && !page.contains("u<&>"), "names are escaped")
        #expect(page.contains("class=\"fault-band\"") && page.contains("data-fault=\"F1\""), "the crash has a lane and a band")
    }

    @Test func theChromeTraceHasATrackPerNodeAndTheRounds() throws {
        var scenario = Self.counterScenario
        scenario.clients = [ClientSpecification(name: "u", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 5, poisson: true))]
        scenario.faults = [ScenarioFault(.byzantine(nodes: [3], behaviors: [.silent]), at: .seconds(2), until: .seconds(6))]
        let (report, _) = try Self.run(scenario, recordsTimeline: true)
        let trace = try JSONParser.parse(ChromeTrace(report).json)
        guard case .array(let events)? = trace["traceEvents"] else {
            Issue.record("no events")
            return
        }
        let names = events.compactMap { event -> String? in
            guard case .string(let name)? = event["args"]?["name"] else { return nil }
            return name
        }
        #expect(names.contains("node 3 (Byzantine)") && names.contains("execution") && names.contains("subnet app"))
        let kinds = Set(events.compactMap { event -> String? in if case .string(let category)? = event["cat"] { category } else { nil } })
        #expect(kinds == ["round", "proposal", "finalization", "execution", "fault"])
    }
}

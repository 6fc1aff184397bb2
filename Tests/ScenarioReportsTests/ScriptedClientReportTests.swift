import Testing
import ICSim
@testable import Scenarios
@testable import ScenarioReports

/// Scripted clients run: steps in order, each after the previous answer; expectations that
/// hold pass and one that does not fails the run naming the step; controllers and callers
/// reach the canisters; each client's distinct answers are in the report, sorted and capped.
@Suite("Scripted client reports")
struct ScriptedClientReportTests {
    /// A canister that keeps the caller its `canister_init` saw and replies it to the query
    /// `init_caller` (hand-assembled: init stores `msg_caller` at address 4 and its size at 0).
    static let initCallerModule: [UInt8] = hexBytes(
        "0061736d010000000113046000006000017f60037f7f7f0060027f7f00025904036963300f6d73675f63616c6c65725f7369"
        + "7a650001036963300f6d73675f63616c6c65725f636f7079000203696330156d73675f7265706c795f646174615f61707065"
        + "6e64000303696330096d73675f7265706c79000003030200000503010001072e020d63616e69737465725f696e697400041a"
        + "63616e69737465725f717565727920696e69745f63616c6c657200050a240214004100100036020041044100410028020010"
        + "010b0d0041044100280200100210030b")

    static func hexBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var characters = Array(text.utf8)[...]
        while characters.count >= 2, let byte = UInt8(String(decoding: characters.prefix(2), as: UTF8.self), radix: 16) {
            bytes.append(byte)
            characters = characters.dropFirst(2)
        }
        return bytes
    }

    static let owner = Principal(bytes: Array(repeating: 0xab, count: 28) + [0x02])
    static let user = Principal(bytes: Array(repeating: 0xcd, count: 28) + [0x02])

    /// A 4-node subnet with the counter (starting at 5) and the init-caller canister.
    static func scenario(steps: [CallStep], controllers: [Principal]? = [owner, .anonymous]) -> Scenario {
        var scenario = Scenario(name: "scripted")
        scenario.subnets = [ScenarioSubnet(name: "app", nodes: 4)]
        scenario.duration = .seconds(20)
        scenario.canisters = [ScenarioCanister(name: "counter", wasm: .builtin("counter")), ScenarioCanister(name: "who", wasm: .bytes(initCallerModule))]
        scenario.canisters[0].initArgument = [5, 0, 0, 0, 0, 0, 0, 0]
        scenario.canisters[1].controllers = controllers
        var client = ClientSpecification(name: "alice", canister: "counter", steps: steps)
        client.caller = user
        scenario.clients = [client]
        return scenario
    }

    static func step(_ method: String, _ expect: StepExpectation?, canister: String? = nil, call: CallKind = .update, caller: Principal? = nil) -> CallStep {
        var step = CallStep(method: method, canister: canister, call: call)
        step.expect = expect
        step.caller = caller
        return step
    }

    static func run(_ scenario: Scenario) throws -> (ScenarioReport, ScenarioSimulation) {
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        return (ScenarioReport(simulation), simulation)
    }

    static let passingSteps = [
        step("inc", .replyBytes([6, 0, 0, 0, 0, 0, 0, 0])),
        step("get", .replyBytes([6, 0, 0, 0, 0, 0, 0, 0]), call: .query),
        step("reject", .reject(code: 4, messageContains: "no thanks")),
        step("whoami", .replyBytes(user.bytes)),
        step("whoami", .replyBytes([0x04]), caller: .anonymous),
        step("init_caller", .replyBytes(owner.bytes), canister: "who", call: .query),
        step("inc_then_trap", .reject(code: 5, messageContains: "changed my mind")),
        step("inc", nil),
    ]

    @Test func stepsRunInOrderAndTheirExpectationsHold() throws {
        let (report, simulation) = try Self.run(Self.scenario(steps: Self.passingSteps))
        #expect(report.passed, "\(report.text)")
        let check = try #require(report.checks.first { $0.name == "script \"alice\"" })
        #expect(check.passed && check.detail == "7 expectations met (8 of 8 steps answered)")
        let outcomes = simulation.workload.stepOutcomes[0]
        #expect(outcomes.map(\.step) == Array(0..<8))
        for (previous, next) in zip(outcomes, outcomes.dropFirst()) {
            #expect(next.sentAt >= previous.endedAt, "each step waits for the previous answer")
        }
        #expect(outcomes.last?.answer == .replied([7, 0, 0, 0, 0, 0, 0, 0]), "the trapped increment was rolled back")
        let steps = try #require(report.clients[0].answers.steps)
        #expect(steps[2].received == "a reject CANISTER_REJECT \"no thanks\"" && steps[2].canister == "counter" && steps[5].canister == "who")
        #expect(report.text.contains("  step 1: query counter.get: the reply hex:0600000000000000 after "))
        #expect(report.clients[0].statistics.sent == 8 && report.clients[0].statistics.replied == 6 && report.clients[0].statistics.rejected == 2)
    }

    @Test func aStepThatMissesItsExpectationFailsTheRunNamingIt() throws {
        var steps = Self.passingSteps
        steps[2] = Self.step("reject", .reject(code: 5, messageContains: nil))
        steps[3] = Self.step("whoami", .replyBytes([1, 2]))
        let (report, _) = try Self.run(Self.scenario(steps: steps))
        #expect(!report.passed)
        let check = try #require(report.checks.first { $0.name == "script \"alice\"" })
        #expect(!check.passed)
        #expect(check.detail == "step 2 (update \"reject\"): expected a reject CANISTER_ERROR, received a reject CANISTER_REJECT \"no thanks\"; "
            + "step 3 (update \"whoami\"): expected the reply hex:0102, received the reply hex:\(Hex.string(bytes: Self.user.bytes))")
        #expect(report.text.contains("FAIL script \"alice\": step 2 (update \"reject\")"))
        #expect(report.json.contains("\"name\": \"script \\\"alice\\\"\""))
    }

    @Test func aStepNotAnsweredByTheEndFailsItsExpectation() throws {
        var scenario = Self.scenario(steps: [Self.step("inc", .replyBytes([6, 0, 0, 0, 0, 0, 0, 0]))])
        scenario.clients[0].from = .milliseconds(19_900)
        let (report, _) = try Self.run(scenario)
        let check = try #require(report.checks.first { $0.name == "script \"alice\"" })
        #expect(!check.passed && check.detail.hasSuffix("received nothing: the run ended before the step was answered"))
    }

    @Test func withoutControllersTheInstallerIsTheDefaultUser() throws {
        let steps = [Self.step("init_caller", .replyBytes(Principal.user(0).bytes), canister: "who", call: .query)]
        let (report, _) = try Self.run(Self.scenario(steps: steps, controllers: nil))
        #expect(report.passed, "\(report.text)")
    }

    @Test func theReportListsDistinctAnswersSortedAndCapped() throws {
        var scenario = Self.scenario(steps: [Self.step("reject", nil)])
        scenario.clients.append(ClientSpecification(name: "incs", call: .update, canister: "counter", method: "inc", load: .openLoop(ratePerSecond: 3, poisson: false)))
        scenario.clients[1].until = .seconds(10)
        scenario.clients.append(ClientSpecification(name: "reads", call: .query, canister: "counter", method: "get", load: .openLoop(ratePerSecond: 20, poisson: false)))
        let (report, _) = try Self.run(scenario)
        #expect(report.passed, "\(report.text)")
        let increments = report.clients[1].answers
        #expect(increments.replies.count == 20 && increments.otherReplies == 10, "30 distinct counter values, 20 kept")
        #expect(increments.replies.first?.text == "hex:0600000000000000" && increments.replies.allSatisfy { $0.count == 1 })
        let reads = report.clients[2].answers.replies
        #expect(zip(reads, reads.dropFirst()).allSatisfy { $0.count > $1.count || ($0.count == $1.count && $0.text < $1.text) }, "\(reads)")
        #expect(report.clients[0].answers.rejects == [AnswerSummary.Entry(text: "no thanks", code: "CANISTER_REJECT", errorCode: nil, count: 1)])
        let json = try JSONParser.parse(report.json)
        guard case .array(let clients)? = json["clients"], case .object(let answers)? = clients[1]["answers"] else {
            Issue.record("no answers in \(report.json.prefix(400))")
            return
        }
        #expect(answers.map(\.key) == ["otherRejects", "otherReplies", "rejects", "replies"])
        #expect(clients[1]["steps"] == nil && clients[0]["steps"] != nil, "only a scripted client lists steps")
    }
}

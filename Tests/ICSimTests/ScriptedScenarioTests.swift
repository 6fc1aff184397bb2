import Testing
import ICSim

/// A scripted user end to end, from the scenario file's text to the JSON report: the steps'
/// answers, the failed expectation naming its step, and the same trace hash run after run.
@Suite("Scripted scenario end to end")
struct ScriptedScenarioTests {
    static let text = #"""
        {"name": "scripted", "duration": "15s", "subnets": [{"name": "app", "nodes": 4}],
         "canisters": [{"name": "counter", "wasm": "builtin:counter", "initArgument": "hex:0500000000000000", "controllers": ["2vxsx-fae"]}],
         "workload": [{"name": "alice", "canister": "counter", "caller": "2vxsx-fae", "calls": [
           {"method": "inc", "expect": {"replyBytes": "hex:0600000000000000"}},
           {"method": "whoami", "expect": {"replyBytes": "hex:04"}},
           {"method": "echo", "argument": "hi", "expect": {"replyBytes": "hi"}},
           {"method": "get", "call": "query", "expect": {"replyBytes": "hex:0600000000000000"}},
           {"method": "nope", "expect": {"reject": "CANISTER_ERROR", "messageContains": "has no update method 'nope'"}}]}]}
        """#

    static func report(_ text: String) throws -> ScenarioReport {
        let scenario = try ScenarioLoader.load(text)
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        return ScenarioReport(simulation)
    }

    @Test func aScriptedUserRunsFromTheFileToTheReport() throws {
        let report = try Self.report(Self.text)
        let passed = report.passed
        #expect(passed, "\(report.text)")
        let json = try JSONParser.parse(report.json)
        guard case .array(let clients)? = json["clients"], case .array(let steps)? = clients[0]["steps"] else {
            Issue.record("no steps in the report")
            return
        }
        #expect(steps.map { $0["received"] } == [
            .string("the reply hex:0600000000000000"), .string("the reply hex:04"), .string("the reply hex:6869"),
            .string("the reply hex:0600000000000000"),
            .string("a reject CANISTER_ERROR (IC0536) \"canister rrkah-fqaaa-aaaaa-aaaaq-cai has no update method 'nope'\""),
        ])
        #expect(clients[0]["answers"]?["rejects"] == .array([.object([("code", .string("CANISTER_ERROR")), ("count", .number("1")), ("errorCode", .string("IC0536")),
                                                                      ("message", .string("canister rrkah-fqaaa-aaaaa-aaaaq-cai has no update method 'nope'"))])]))
        #expect(try Self.report(Self.text).traceHash == report.traceHash, "a scripted run replays exactly")
    }

    @Test func aFailedExpectationFailsTheReportNamingClientStepAndAnswers() throws {
        let report = try Self.report(Self.text.replacingOccurrences(of: #""hex:04""#, with: #""hex:05""#))
        let passed = report.passed
        #expect(!passed)
        let json = try JSONParser.parse(report.json)
        #expect(json["passed"] == .bool(false))
        guard case .array(let checks)? = json["checks"], let check = checks.first(where: { $0["name"] == .string("script \"alice\"") }) else {
            Issue.record("no script check")
            return
        }
        #expect(check["passed"] == .bool(false))
        #expect(check["detail"] == .string("step 1 (update \"whoami\"): expected the reply hex:05, received the reply hex:04"))
    }
}

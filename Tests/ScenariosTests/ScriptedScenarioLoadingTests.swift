import Testing
import ICSim
@testable import Scenarios

/// Scripted clients, controllers, callers, `did` files and Candid arguments in scenario files:
/// read, checked with a JSON path for every mistake, and written back to an equal scenario.
@Suite("Scripted scenario loading")
struct ScriptedScenarioLoadingTests {
    /// A self-authenticating principal (28 bytes of 0xab, then 0x02) and its text.
    static let alice = "j6fww-l5lvo-v2xk5-lvov2-xk5lv-ov2xk-5lvov-2xk5l-vov2x-k5lvo-vqe"
    static let aliceBytes = [UInt8](repeating: 0xab, count: 28) + [0x02]

    static let scripted = #"""
        {"name": "s", "canisters": [
          {"name": "c", "wasm": "builtin:counter", "initArgument": "hex:0500000000000000", "controllers": ["\#(alice)", "2vxsx-fae"], "did": "c.did"},
          {"name": "d", "wasm": "builtin:counter", "initArgument": {"candid": "(5 : nat64)"}}],
         "workload": [{"name": "u", "canister": "c", "caller": "2vxsx-fae", "from": "1s", "calls": [
           {"method": "inc", "expect": {"replyBytes": "hex:0600000000000000"}},
           {"method": "get", "call": "query", "canister": "d", "caller": "aaaaa-aa", "argument": {"candid": "()"}, "expect": "(6 : nat64)"},
           {"method": "reject", "expect": {"reject": "CANISTER_REJECT", "messageContains": "thanks"}},
           {"method": "spin", "argument": "hex:00ff", "expect": {"reject": 5}}]}]}
        """#

    @Test func aScriptedClientReadsItsStepsCallersAndExpectations() throws {
        let scenario = try ScenarioLoader.load(Self.scripted)
        let canister = scenario.canisters[0]
        #expect(canister.initArgument == .bytes([5, 0, 0, 0, 0, 0, 0, 0]))
        #expect(canister.controllers == [Principal(bytes: Self.aliceBytes), .anonymous])
        #expect(canister.did == "c.did")
        #expect(scenario.canisters[1].initArgument == .candid("(5 : nat64)"))
        let client = scenario.clients[0]
        #expect(client.caller == .anonymous && client.from == .seconds(1) && client.canister == "c")
        let steps = try #require(client.steps)
        #expect(steps.map(\.method) == ["inc", "get", "reject", "spin"])
        #expect(steps[0].expect == .replyBytes([6, 0, 0, 0, 0, 0, 0, 0]) && steps[0].call == .update && steps[0].canister == nil)
        #expect(steps[1].call == .query && steps[1].canister == "d" && steps[1].caller == .managementCanister)
        #expect(steps[1].argument == .candid("()") && steps[1].expect == .candid("(6 : nat64)"))
        #expect(steps[2].expect == .reject(code: 4, messageContains: "thanks"))
        #expect(steps[3].expect == .reject(code: 5, messageContains: nil) && steps[3].argument == .bytes([0, 0xff]))
    }

    @Test func aScriptedScenarioWrittenOutReadsBackEqual() throws {
        var scenario = try ScenarioLoader.load(Self.scripted)
        scenario.clients.append(ClientSpecification(name: "load", call: .update, canister: "c", method: "echo", load: .openLoop(ratePerSecond: 2, poisson: false)))
        scenario.clients[1].caller = Principal(bytes: Self.aliceBytes)
        scenario.clients[1].argument = .candid("(\"hi\")")
        #expect(scenario.problems().isEmpty, "\(scenario.problems())")
        let reread = try ScenarioLoader.load(scenario.json)
        #expect(reread == scenario)
        #expect(reread.json == scenario.json)
        #expect(scenario.json.contains("\"reject\": \"SYS_FATAL\"") == false && scenario.json.contains("\"reject\": \"CANISTER_ERROR\""),
                "reject codes are written by name")
    }

    @Test(arguments: [
        (#""calls": [{"method": "inc", "expect": {"reject": "CANISTER_EROR"}}]"#,
         "workload[0].calls[0].expect.reject: unknown reject code \"CANISTER_EROR\"; expected one of \"SYS_FATAL\", \"SYS_TRANSIENT\", \"DESTINATION_INVALID\", \"CANISTER_REJECT\", \"CANISTER_ERROR\", \"SYS_UNKNOWN\" or a number from 1 to 6"),
        (#""calls": [{"method": "inc", "expect": {"reject": 7}}]"#, "workload[0].calls[0].expect.reject: expected an integer from 1 to 6, found 7"),
        (#""calls": [{"method": "inc", "expect": {"reject": 4, "replyBytes": "x"}}]"#, "workload[0].calls[0].expect.replyBytes: give either \"reject\" or \"replyBytes\", not both"),
        (#""calls": [{"method": "inc", "expect": {"replyBytes": "x", "messageContains": "y"}}]"#, "workload[0].calls[0].expect.messageContains: only with \"reject\""),
        (#""calls": [{"method": "inc", "expect": {"rejected": 4}}]"#, "workload[0].calls[0].expect.rejected: unknown key (did you mean \"reject\"?)"),
        (#""calls": [{"method": "inc", "expect": 4}]"#, "workload[0].calls[0].expect: expected an object, found a number"),
        (#""calls": [{"method": "inc", "cal": "query"}]"#, "workload[0].calls[0].cal: unknown key (did you mean \"call\"?)"),
        (#""calls": [{"method": "inc", "call": "read"}]"#, "workload[0].calls[0].call: expected \"update\" or \"query\", found \"read\""),
        (#""calls": [{"method": "inc", "canister": "nope"}]"#, "workload[0].calls[0].canister: no canister is named \"nope\"; the canisters are \"c\""),
        (#""calls": [{"method": ""}]"#, "workload[0].calls[0].method: must not be empty"),
        (#""calls": [{"canister": "c"}]"#, "workload[0].calls[0].method: missing; this key is required"),
        (#""calls": []"#, "workload[0].calls: expected at least one call"),
        (#""calls": {"method": "inc"}"#, "workload[0].calls: expected an array, found an object"),
        (#""calls": [{"method": "inc", "argument": {"candid": 5}}]"#, "workload[0].calls[0].argument.candid: expected a string, found a number"),
        (#""calls": [{"method": "inc", "argument": {"kind": "sequence"}}]"#, "workload[0].calls[0].argument.kind: unknown key"),
        (#""calls": [{"method": "inc", "caller": "2vxsx-fa"}]"#, "workload[0].calls[0].caller: expected a principal in the textual format"),
        (#""calls": [{"method": "inc"}], "rate": 5"#, "workload[0].rate: not for a scripted client (one with \"calls\")"),
        (#""calls": [{"method": "inc"}], "method": "inc""#, "workload[0].method: not for a scripted client"),
        (#""calls": [{"method": "inc"}], "caller": "aaaaa-aa-""#, "workload[0].caller: expected a principal in the textual format"),
    ])
    func scriptedClientMistakes(members: String, expected: String) {
        let text = #"{"name": "t", "canisters": [{"name": "c", "wasm": "builtin:counter"}], "workload": [{"name": "u", "canister": "c", "# + members + "}]}"
        let problems = ScenarioLoaderTests.problems(text)
        #expect(problems.contains { $0.contains(expected) }, "\(expected) not among \(problems)")
    }

    @Test func aStepWithoutACanisterNeedsTheClients() {
        let text = #"{"name": "t", "canisters": [{"name": "c", "wasm": "builtin:counter"}], "workload": [{"name": "u", "calls": [{"method": "inc"}, {"method": "get", "canister": "c"}]}]}"#
        #expect(ScenarioLoaderTests.problems(text) == ["workload[0].calls[0].canister: missing; name the canister here or give the client a \"canister\""])
    }

    @Test(arguments: [
        (#""controllers": []"#, "canisters[0].controllers: expected 1 to 10 controllers (the first installs the canister), found 0"),
        (#""controllers": "aaaaa-aa""#, "canisters[0].controllers: expected an array, found a string"),
        (#""controllers": ["rrkah-fqaaa-aaaaa-aaaar-cai"]"#, "canisters[0].controllers[0]: expected a principal in the textual format (such as \"aaaaa-aa\" or \"rrkah-fqaaa-aaaaa-aaaaq-cai\"): principal \"rrkah-fqaaa-aaaaa-aaaar-cai\" has a wrong checksum"),
        (#""did": """#, "canisters[0].did: expected a path to a .did file"),
        (#""did": 3"#, "canisters[0].did: expected a string, found a number"),
        (#""initArgument": {"candid": "()", "extra": 1}"#, "canisters[0].initArgument.extra: unknown key"),
        (#""initArgument": {}"#, "canisters[0].initArgument.candid: missing; this key is required"),
    ])
    func canisterMistakes(members: String, expected: String) {
        let text = #"{"name": "t", "canisters": [{"name": "c", "wasm": "builtin:counter", "# + members + "}]}"
        let problems = ScenarioLoaderTests.problems(text)
        #expect(problems.contains { $0.contains(expected) }, "\(expected) not among \(problems)")
    }

    @Test func elevenControllersAreTooMany() {
        let controllers = Array(repeating: "\"2vxsx-fae\"", count: 11).joined(separator: ", ")
        let text = #"{"name": "t", "canisters": [{"name": "c", "wasm": "builtin:counter", "controllers": ["# + controllers + "]}]}"
        #expect(ScenarioLoaderTests.problems(text) == ["canisters[0].controllers: expected 1 to 10 controllers (the first installs the canister), found 11"])
    }

    @Test func aLoadClientTakesACallerAndACandidArgument() throws {
        let text = #"{"name": "t", "canisters": [{"name": "c", "wasm": "builtin:counter"}], "workload": [{"name": "u", "canister": "c", "method": "inc", "rate": 1, "caller": "2vxsx-fae", "argument": {"candid": "(1)"}}]}"#
        let scenario = try ScenarioLoader.load(text)
        #expect(scenario.clients[0].caller == .anonymous && scenario.clients[0].argument == .candid("(1)"))
        #expect(scenario.clients[0].steps == nil)
    }

    @Test func candidTextIsEncodedWithTheCanistersTypes() throws {
        let scenario = try ScenarioLoader.load(Self.scripted)
        // Canister d has no service description: its text annotates its own types.
        let encoded = try CandidBridge(services: ["service : {}", nil]).encodingArguments(of: scenario)
        #expect(encoded.canisters[1].initArgument == .bytes(Array("DIDL".utf8) + [0, 1, 0x78, 5, 0, 0, 0, 0, 0, 0, 0]))
        guard case .scripted(let steps) = encoded.clients[0].load else { Issue.record("a scripted client"); return }
        #expect(steps[1].argument == .bytes(Array("DIDL".utf8) + [0, 0]))
    }

    @Test func candidTextThatDoesNotFitTheTypesIsRefusedWithItsPath() throws {
        let scenario = try ScenarioLoader.load(Self.scripted)
        let bridge = CandidBridge(services: ["service : {}", "service : (text) -> { get : (text) -> (nat64) query }"])
        do {
            _ = try bridge.encodingArguments(of: scenario)
            Issue.record("a nat64 is not a text, and get needs an argument")
        } catch {
            #expect(error.problems.map(\.path.description) == ["canisters[1].initArgument", "workload[0].calls[1].argument"])
        }
        let unreadable = CandidBridge(services: ["service : {", nil])
        do {
            _ = try unreadable.encodeArgument(text: "()", canister: 0, method: "inc", isInit: false)
            Issue.record("a service description that does not parse types nothing")
        } catch {
            #expect(error.description.hasPrefix("the canister's service description does not parse: at 1:"))
        }
    }

    @Test func didFilesAreReadAtLoadAndReachTheBridge() throws {
        let scenario = try ScenarioLoader.load(Self.scripted)
        do {
            _ = try scenario.candidInterfaces { _ in nil }
            Issue.record("an unreadable did file is an error")
        } catch {
            #expect(error.problems.map(\.description) == ["canisters[0].did: cannot read \"c.did\" (paths are relative to the scenario file)"])
        }
        #expect(throws: ScenarioError.self) { try scenario.candidInterfaces { _ in [0xff, 0xfe] } }
        let interfaces = try scenario.candidInterfaces { path in path == "c.did" ? Array("service : { inc : () -> (nat64) }".utf8) : nil }
        #expect(interfaces == ["service : { inc : () -> (nat64) }", nil])
        let bridge = CandidBridge(scenario: scenario, modules: try scenario.modules { _ in nil }, interfaces: interfaces)
        #expect(bridge.services == ["service : { inc : () -> (nat64) }", nil], "the built-in counter has no candid:service section")
        #expect(bridge.replyText(bytes: [1, 0xab], canister: 0, method: "inc") == "hex:01ab")
    }

    @Test func theBridgeReadsAModulesServiceSection() {
        // A module with only a custom section "icp:public candid:service" holding "service : {}".
        let name = Array("icp:public candid:service".utf8), text = Array("service : {}".utf8)
        let section = [UInt8(name.count)] + name + text
        let module: [UInt8] = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0, UInt8(section.count)] + section
        #expect(CandidBridge.serviceSection(of: module) == "service : {}")
        #expect(CandidBridge.serviceSection(of: [0, 0x61, 0x73]) == nil)
    }

    @Test func aClientKeepsAtMostTwentyDistinctAnswersOfEachKind() {
        var answers = ClientAnswers()
        for value in 0..<25 { answers.record(.replied([UInt8(value)])) }
        for _ in 0..<3 { answers.record(.replied([0])) }
        for value in 0..<22 { answers.record(.rejected(code: 4, errorCode: nil, message: "no \(value)")) }
        answers.record(.expired)
        #expect(answers.replies.count == 20 && answers.otherReplies == 5)
        #expect(answers.replies[0] == AnswerCount(answer: .replied([0]), count: 4))
        #expect(answers.rejects.count == 20 && answers.otherRejects == 2)
    }
}

/// A canister's environment variables in scenario files.
@Suite("Environment variables in scenario files")
struct EnvironmentVariableScenarioTests {
    static let text = #"""
        {"name": "e", "canisters": [{"name": "c", "wasm": "builtin:counter",
          "environmentVariables": {"ZETA": "last", "ALPHA": "first"}}]}
        """#

    @Test func theyAreReadSortedWrittenBackAndReachTheCanister() throws {
        let scenario = try ScenarioLoader.load(Self.text)
        let entries = scenario.canisters[0].environmentVariables.entries
        #expect(entries.map(\.name) == ["ALPHA", "ZETA"] && entries.map(\.value) == ["first", "last"])
        #expect(try ScenarioLoader.load(scenario.json) == scenario, "written back and read again")
        let configuration = scenario.configuration(modules: try scenario.modules { _ in nil })
        #expect(configuration.subnets[0].canisters[0].environmentVariables == scenario.canisters[0].environmentVariables)
    }

    @Test(arguments: [
        (#"{"A": 1}"#, "canisters[0].environmentVariables.A: expected a text value"),
        (#"["A"]"#, "canisters[0].environmentVariables: expected an object of names to values"),
        (#"{"A": "\#(String(repeating: "v", count: 129))"}"#, #"canisters[0].environmentVariables: Environment variable "A" value exceeds the maximum allowed length of 128."#),
    ])
    func mistakesNameTheirPath(variables: String, expected: String) {
        let text = #"{"name": "e", "canisters": [{"name": "c", "wasm": "builtin:counter", "environmentVariables": "# + variables + "}]}"
        do {
            _ = try ScenarioLoader.load(text)
            Issue.record("\(variables) loaded")
        } catch {
            #expect(error.problems.map(\.description).contains { $0.hasPrefix(expected) }, "\(error)")
        }
    }
}

import Foundation
import Testing
import ICSim
@testable import InternetComputer
@testable import Scenarios
import ICSimTestSupport

/// Scenario files: a minimal file takes the IC's defaults; every kind of mistake is reported
/// with its JSON path and what would be valid, all at once; a scenario written out reads back
/// equal.
@Suite("Scenario loading")
struct ScenarioLoaderTests {
    static let minimal = #"{"name": "tiny", "canisters": [{"name": "c", "wasm": "builtin:counter"}], "workload": [{"name": "u", "canister": "c", "method": "inc", "rate": 5}]}"#

    /// The problems loading `text` reports, as "path: message" lines.
    static func problems(_ text: String) -> [String] {
        do {
            _ = try ScenarioLoader.load(text)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    /// `text` with `fragment` (members) added to the top-level object of the minimal file.
    static func minimal(adding fragment: String) -> String {
        String(minimal.dropLast()) + ", " + fragment + "}"
    }

    @Test func aMinimalScenarioTakesTheDefaults() throws {
        let scenario = try ScenarioLoader.load(Self.minimal)
        #expect(scenario.name == "tiny")
        #expect(scenario.seed == 1 && scenario.duration == .seconds(60))
        #expect(scenario.subnets == [ScenarioSubnet(name: "app")])
        #expect(scenario.subnets[0].nodeCount == 13 && scenario.subnets[0].kind == .application)
        #expect(scenario.clients[0].call == .update && scenario.clients[0].load == .openLoop(ratePerSecond: 5, poisson: false))
        #expect(scenario.clients[0].pollInterval == .milliseconds(500) && scenario.clients[0].networkDelay == .milliseconds(40))
        #expect(scenario.expectations.safety && scenario.expectations.liveness && !scenario.expectations.allCallsAnswered)
        let configuration = scenario.configuration(modules: try scenario.modules { _ in nil })
        #expect(configuration.subnets[0].consensus == ConsensusConfiguration(nodeCount: 13))
        #expect(configuration.subnets[0].ingressTimeToLive == .seconds(300))
        #expect(configuration.subnets[0].checkpoints.intervalHeights == 500)
    }

    @Test(arguments: [
        // Wrong types.
        (#""seed": "7""#, "seed: expected an integer from 0 to 18446744073709551615, found a string"),
        (#""duration": 60"#, "duration: expected a duration with a unit such as \"300ms\" or \"2.5s\", found a number"),
        (#""subnets": {"name": "a"}"#, "subnets: expected an array, found an object"),
        (#""expectations": {"safety": "yes"}"#, "expectations.safety: expected true or false, found a string"),
        // Unknown keys, with a suggestion.
        (#""duraton": "1s""#, "duraton: unknown key (did you mean \"duration\"?)"),
        (#""faults": [{"kind": "crash", "nodes": [1], "untill": "2s"}]"#, "faults[0].untill: unknown key (did you mean \"until\"?)"),
        (#""faults": [{"kind": "explode"}]"#, "faults[0].kind: unknown fault \"explode\""),
        (#""faults": [{"kind": "byzantine", "nodes": [1], "behaviors": ["lying"]}]"#, "faults[0].behaviors[0]: unknown behaviour \"lying\""),
        (#""faults": [{"kind": "byzantine", "nodes": [1], "behaviors": ["delayer"]}]"#, "\"delayer\" takes a parameter"),
        (#""subnets": [{"name": "a", "kind": "huge"}]"#, "subnets[0].kind: unknown subnet kind \"huge\""),
        (#""subnets": [{"name": "a", "canisterMemoryHeldMax": "1KiB"}]"#, "subnets[0].canisterMemoryHeldMax: expected at least 4KiB (one 4 KiB chunk), found 1024 bytes"),
        (#""subnets": [{"name": "a", "canisterMemoryHeldMax": "5GiB"}]"#, "subnets[0].canisterMemoryHeldMax: \"5GiB\" is more than the most allowed here, 4294967296 bytes"),
        // Missing keys.
        (#""faults": [{"nodes": [1]}]"#, "faults[0].kind: missing"),
        (#""subnets": [{"nodes": 4}]"#, "subnets[0].name: missing; this key is required"),
        // Impossible topologies.
        (#""subnets": [{"name": "a", "nodes": 0}]"#, "subnets[0].nodes: expected an integer from 1 to 1000, found 0 (out of range)"),
        (#""subnets": [{"name": "a", "regions": ["mars"]}]"#, "subnets[0].regions[0]: unknown region \"mars\""),
        (#""subnets": [{"name": "a", "nodes": 2, "latency": {"regions": ["x", "y"], "oneWay": [["1ms", "2ms"]]}}]"#, "subnets[0].latency.oneWay: oneWay: 1 rows for 2 regions"),
        (#""subnets": [{"name": "a", "nodes": 3, "latency": {"regions": ["x"], "oneWay": [["1ms"]], "placement": [0, 0, 1]}}]"#, "subnets[0].latency.placement[2]: region 1 does not exist"),
        (#""subnets": [{"name": "a"}, {"name": "a"}]"#, "subnets[1].name: subnet \"a\" is already the name of subnets[0]"),
        (#""subnets": [{"name": "a", "roundInstructions": 5000000}]"#, "subnets[0].roundInstructions: 5000000 instructions a round is too few"),
        // Faults naming missing nodes and subnets.
        (#""faults": [{"kind": "crash", "nodes": [17], "at": "1s", "until": "2s"}]"#, "faults[0].nodes[0]: node 17 does not exist in subnet \"app\" (13 nodes: 0-12)"),
        (#""faults": [{"kind": "split", "groups": [[0], [13]]}]"#, "faults[0].groups[1][0]: node 13 does not exist in subnet \"app\""),
        (#""faults": [{"kind": "crash", "subnet": "app2", "nodes": [1]}]"#, "faults[0].subnet: no subnet is named \"app2\"; the subnets are \"app\""),
        (#""faults": [{"kind": "crash", "nodes": [1], "at": "5s", "until": "2s"}]"#, "faults[0].until: ends (2.000 s) before it starts (5.000 s)"),
        // More than f Byzantine without the opt-in.
        (#""faults": [{"kind": "byzantine", "nodes": [0, 1, 2, 3, 4], "behaviors": ["silent"]}]"#,
         "faults: subnet \"app\" has 5 Byzantine nodes (0, 1, 2, 3, 4), more than f = 4 of its 13 nodes; set \"allowMoreThanFByzantine\": true"),
        // Negative, malformed and huge values.
        (#""duration": "-5s""#, "duration: expected a non-negative decimal number before the unit in \"-5s\""),
        (#""duration": "5 parsecs""#, "duration: unknown unit \"parsecs\""),
        (#""duration": "400000h""#, "duration: expected a duration longer than zero and at most 30 days"),
        (#""duration": "0s""#, "duration: expected a duration longer than zero"),
        (#""seed": -1"#, "seed: expected an integer from 0 to 18446744073709551615, found -1 (out of range)"),
        (#""faults": [{"kind": "loss", "probability": "150%"}]"#, "faults[0].probability: expected a probability such as \"1%\""),
        (#""faults": [{"kind": "clockDrift", "nodes": [1], "rate": "fast"}]"#, "faults[0].rate: expected a clock rate such as \"2/1\""),
        (#""canisters": [{"name": "c", "wasm": "builtin:nothing"}]"#, "canisters[0].wasm: no built-in canister \"nothing\""),
        (#""canisters": [{"name": "c", "wasm": "builtin:counter", "computeAllocation": 101}]"#, "canisters[0].computeAllocation: expected an integer from 0 to 100, found 101"),
        // References that do not resolve.
        (#""expectations": {"latency": [{"calls": "nobody", "p99": "1s"}]}"#, "expectations.latency[0].calls: no client is named \"nobody\""),
        (#""expectations": {"latency": [{"calls": "update"}]}"#, "expectations.latency[0]: expected at least one bound"),
    ])
    func eachKindOfMistakeIsReportedWithItsPath(fragment: String, expected: String) {
        // The fragment replaces a top-level key of the minimal file (or adds one).
        let text = fragment.hasPrefix(#""canisters""#)
            ? #"{"name": "tiny", "#.appending(fragment).appending("}")
            : Self.minimal(adding: fragment)
        let problems = Self.problems(text)
        #expect(problems.contains { $0.contains(expected) }, "\(expected) not among \(problems)")
    }

    @Test(arguments: [
        (#"{"name": "c", "canister": "nope", "method": "inc", "rate": 1}"#, "workload[0].canister: no canister is named \"nope\"; the canisters are \"c\""),
        (#"{"name": "c", "canister": "c", "method": "inc", "rate": 5000000}"#, "workload[0].rate: expected a number from 0.001 to 1000000.0, found 5000000"),
        (#"{"name": "c", "canister": "c", "method": "inc", "rate": 1, "users": 2}"#, "workload[0].users: give either \"rate\" (open loop) or \"users\" (closed loop), not both"),
        (#"{"name": "c", "canister": "c", "method": "inc"}"#, "workload[0]: expected \"rate\" (calls per second, open loop) or \"users\" (closed loop)"),
        (#"{"name": "c", "canister": "c", "method": "inc", "rate": 1, "thinkTime": "1s"}"#, "workload[0].thinkTime: only for a closed loop"),
        (#"{"name": "c", "canister": "c", "method": "inc", "users": 0}"#, "workload[0].users: expected an integer from 1 to 100000, found 0"),
        (#"{"name": "c", "canister": "c", "method": "inc", "rate": 1, "call": "read"}"#, "workload[0].call: expected \"update\" or \"query\", found \"read\""),
        (#"{"name": "c", "canister": "c", "method": "inc", "rate": 1, "from": "90s"}"#, "workload[0].from: expected a time within the run (0 to 60.000 s), found 90.000 s"),
        (#"{"name": "c", "canister": "c", "method": "inc", "rate": 1, "pollInterval": "0ms"}"#, "workload[0].pollInterval: must be longer than zero"),
        (#"{"name": "c", "canister": "c", "method": "inc", "rate": 1, "argument": {"kind": "random"}}"#, "workload[0].argument.size: missing"),
        (#"{"name": "update", "canister": "c", "method": "inc", "rate": 1}"#, "workload[0].name: \"update\" is reserved"),
    ])
    func clientMistakes(client: String, expected: String) {
        let text = #"{"name": "t", "canisters": [{"name": "c", "wasm": "builtin:counter"}], "workload": ["# + client + "]}"
        let problems = Self.problems(text)
        #expect(problems.contains { $0.contains(expected) }, "\(expected) not among \(problems)")
    }

    @Test func aClientMayNotMakeMoreThanAHundredMillionCalls() {
        let text = #"{"name": "t", "duration": "10m", "canisters": [{"name": "c", "wasm": "builtin:counter"}], "#
            + #""workload": [{"name": "c", "canister": "c", "method": "inc", "rate": 500000, "from": "100s"}]}"#
        #expect(Self.problems(text) == ["workload[0].rate: 500000 calls a second for 500 s is 250000000 calls, more than the 100,000,000 one client may make in a run; lower the rate or shorten the window"])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let text = #"{"name": "t", "duraton": "1s", "seed": "x", "subnets": [{"name": "a", "nodes": -3}], "faults": [{"kind": "explode"}]}"#
        let problems = Self.problems(text)
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("duraton:") } && problems.contains { $0.hasPrefix("seed:") })
        #expect(problems.contains { $0.hasPrefix("subnets[0].nodes:") } && problems.contains { $0.hasPrefix("faults[0].kind:") })
    }

    @Test func structureAndCrossReferencesAreReportedTogether() {
        let text = #"{"name": "t", "duraton": "1s", "subnets": [{"name": "a", "unitDelay": 5}], "#
            + #""faults": [{"kind": "crash", "subnet": "a", "nodes": [17]}, {"kind": "crash", "subnet": "b", "nodes": [1]}]}"#
        let problems = Self.problems(text)
        #expect(problems.contains { $0.hasPrefix("duraton: unknown key") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("subnets[0].unitDelay: expected a duration") })
        #expect(problems.contains { $0.hasPrefix("faults[0].nodes[0]: node 17 does not exist in subnet \"a\"") })
        #expect(problems.contains { $0.hasPrefix("faults[1].subnet: no subnet is named \"b\"") })
        #expect(problems.count == 4)
        // An entry that cannot be read at all would shift the paths: the cross-references wait.
        let dropped = Self.problems(#"{"name": "t", "faults": [7, {"kind": "crash", "nodes": [17]}]}"#)
        #expect(dropped == ["faults[0]: expected an object, found a number"])
    }

    @Test func syntaxErrorsNameTheLineAndColumn() {
        #expect(Self.problems("{\n  \"name\": \"x\",\n}") == ["$: not valid JSON: line 3, column 1 (byte 17): expected a member name in double quotes"])
        #expect(Self.problems("[1, 2]") == ["$: expected an object, found an array"])
        #expect(Self.problems("{\"name\": \"x\"}").isEmpty, "a name alone is a scenario: one idle subnet")
    }

    @Test func moreThanFByzantineRunsWithTheOptIn() throws {
        let text = #"{"name": "t", "subnets": [{"name": "a", "nodes": 4, "allowMoreThanFByzantine": true}], "faults": [{"kind": "byzantine", "nodes": [0, 1], "behaviors": ["silent"]}]}"#
        let scenario = try ScenarioLoader.load(text)
        #expect(scenario.subnets[0].allowsMoreThanFByzantine)
        #expect(Self.problems(text.replacingOccurrences(of: ", \"allowMoreThanFByzantine\": true", with: "")).count == 1)
    }

    @Test func missingAndInvalidModulesAreReportedAtTheirCanister() throws {
        let text = #"{"name": "t", "canisters": [{"name": "a", "wasm": "missing.wasm"}, {"name": "b", "wasm": "hex:0061736d01000000ff"}]}"#
        let scenario = try ScenarioLoader.load(text)
        #expect(throws: ScenarioError.self) { try scenario.modules { _ in nil } }
        do {
            _ = try scenario.modules { _ in nil }
        } catch {
            #expect(error.problems.map(\.description) == ["canisters[0].wasm: cannot read \"missing.wasm\" (paths are relative to the scenario file)"])
        }
        let modules = try scenario.modules { _ in BuiltinCanisters.counter }
        do {
            _ = try ScenarioSimulation(scenario: scenario, modules: modules)
            Issue.record("a module that does not decode must not install")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.path.description == "canisters[1].wasm", "\(error)")
        }
    }

    @Test func aScenarioWrittenOutReadsBackEqual() throws {
        var scenario = Scenario.builtinDefault
        scenario.subnets = [
            ScenarioSubnet(name: "a", kind: .application, nodes: 7),
            ScenarioSubnet(name: "n", kind: .nns),
        ]
        scenario.subnets[0].network = .matrix(regions: ["x", "y"], oneWay: [[.milliseconds(1), .milliseconds(30)], [.milliseconds(31), .microseconds(500)]],
                                              placement: [0, 1, 0, 1, 0, 1, 1])
        scenario.subnets[1].network = .cloudRegions(["eu-west", "us-east"])
        scenario.subnets[1].unitDelay = .milliseconds(2_500)
        scenario.subnets[1].sliceInstructions = 50_000_000
        scenario.subnets[1].payloadBytesMax = 1 << 20
        scenario.subnets[0].canisterMemoryHeldMax = 64 << 20
        scenario.canisters.append(ScenarioCanister(name: "bytes", wasm: .bytes(BuiltinCanisters.counter), subnet: "n"))
        scenario.canisters[0].initArgument = [0, 1, 2, 255]
        scenario.canisters[0].subnet = "a"
        scenario.clients[0].argument = .sequence(prefix: [8], modulo: 100)
        scenario.clients[1].argument = .random(prefix: Array("k".utf8), bytes: 12)
        scenario.clients[1].until = .seconds(50)
        scenario.clients[1].load = .openLoop(ratePerSecond: 0.25, poisson: false)
        scenario.faults += [
            ScenarioFault(.crash(nodes: [1, 2]), subnet: "n", at: .seconds(3), until: .seconds(9)),
            ScenarioFault(.clockDrift(nodes: [3], numerator: 3, denominator: 2), subnet: "a", at: .seconds(1), until: .seconds(2)),
            ScenarioFault(.loss(try Probability(numerator: 1, denominator: 50)), subnet: "a"),
            ScenarioFault(.split(groups: [[0, 1], [2, 3]]), subnet: "a", at: .milliseconds(1_500), until: .seconds(20)),
            ScenarioFault(.byzantine(nodes: [5], behaviors: [.delayer(.milliseconds(700)), .selective([1, 2]), .twins(groups: [[0], [1]])]), subnet: "n"),
        ]
        scenario.faults[0].subnet = "a"
        scenario.expectations.allCallsAnswered = true
        scenario.expectations.latency.append(LatencyBound(calls: .client("reads"), perMille: 999, maximum: .microseconds(1_500)))
        #expect(scenario.problems().isEmpty, "\(scenario.problems())")
        let reread = try ScenarioLoader.load(scenario.json)
        #expect(reread == scenario)
        #expect(reread.json == scenario.json)
        #expect(try ScenarioLoader.load(Scenario.builtinDefault.json) == Scenario.builtinDefault)
    }

    @Test func theHostMemoryLimitReachesTheExecutor() {
        var subnet = ScenarioSubnet(name: "a")
        #expect(subnet.configuration(seed: 1).round.execution.wasmLimits.memoryBytesHeld == 1 << 30)
        subnet.canisterMemoryHeldMax = 64 << 20
        #expect(subnet.configuration(seed: 1).round.execution.wasmLimits.memoryBytesHeld == 64 << 20)
    }

    @Test func theBuiltInModulesAreTheFixtures() throws {
        for name in BuiltinCanisters.names {
            let fixture = try Fixture.bytes("Tests/ExecutionLayerTests/Fixtures/c/\(name).wasm")
            #expect(BuiltinCanisters.module(named: name) == fixture, "\(name): run Tests/ExecutionLayerTests/Fixtures/c/build.sh")
        }
    }
}

/// Docs/scenario.schema.json (for editors) names exactly the keys the loader accepts, so the
/// two cannot drift apart unnoticed.
@Suite("Scenario JSON Schema")
struct ScenarioSchemaTests {
    static func keys(_ object: JSONValue?) -> [String] {
        guard case .object(let members)? = object else { return [] }
        return members.map(\.key)
    }

    @Test func theSchemaNamesTheLoadersKeys() throws {
        let schema = try JSONParser.parse(try Fixture.bytes("Docs/scenario.schema.json"))
        let definitions = schema["$defs"]
        #expect(Set(Self.keys(schema["properties"])) == Set(ScenarioReader.topKeys))
        #expect(Set(Self.keys(definitions?["subnet"]?["properties"])) == Set(ScenarioReader.subnetKeys))
        #expect(Set(Self.keys(definitions?["canister"]?["properties"])) == Set(ScenarioReader.canisterKeys))
        #expect(Set(Self.keys(definitions?["queryService"]?["properties"])) == Set(ScenarioReader.queryServiceKeys))
        #expect(Set(Self.keys(definitions?["client"]?["properties"])) == Set(ScenarioReader.clientKeys))
        #expect(Set(Self.keys(definitions?["step"]?["properties"])) == Set(ScenarioReader.stepKeys))
        #expect(Set(ScenarioReader.scriptedClientKeys).isSubset(of: Set(ScenarioReader.clientKeys)))
        guard case .array(let cases)? = definitions?["fault"]?["allOf"] else {
            Issue.record("no per-kind fault rules")
            return
        }
        var kinds: [String: Set<String>] = [:]
        for rule in cases {
            // The rules that close a kind's object (others add constraints, such as twins').
            guard case .string(let kind)? = rule["if"]?["properties"]?["kind"]?["const"], rule["then"]?["additionalProperties"] == .bool(false) else { continue }
            kinds[kind] = Set(Self.keys(rule["then"]?["properties"])).subtracting(["kind", "subnet", "at", "until"])
        }
        #expect(kinds == ScenarioReader.faultKeys.mapValues(Set.init))
    }
}

import Foundation
import Testing
import ICSim
@testable import InternetComputer
@testable import Scenarios
import ICSimTestSupport

/// Tests/BadInputs/scenarios: malformed scenario files. Each is refused with every problem
/// named by its JSON path and what was expected, none crashes or hangs the loader, and every
/// file of the directory has its case here.
@Suite("Bad input corpus: scenarios")
struct BadScenarioCorpusTests {
    static let directory = "Tests/BadInputs/scenarios"

    /// Each file's problems, in order (the loader's exact lines).
    static let expected: [String: [String]] = [
        "wrong-types": [
            "name: expected a string, found a number",
            "seed: expected an integer from 0 to 18446744073709551615, found a string",
            #"duration: expected a duration with a unit such as "300ms" or "2.5s", found a number"#,
            "subnets[0].nodes: expected an integer from 1 to 1000, found a string",
        ],
        "unknown-keys": [
            #"duraton: unknown key (did you mean "duration"?)"#,
            #"subnets[0].nodez: unknown key (did you mean "nodes"?)"#,
        ],
        "missing-keys": [
            "name: missing; this key is required", "subnets[0].name: missing; this key is required",
            "canisters[0].wasm: missing; this key is required",
        ],
        "impossible-topology": [
            "subnets[0].nodes: expected an integer from 1 to 1000, found 0 (out of range)",
            #"subnets[1].name: subnet "app" is already the name of subnets[0]"#,
            "subnets[2].latency.oneWay: oneWay: 1 rows for 2 regions",
        ],
        "fault-names-missing-node": [
            #"faults[0].nodes[1]: node 17 does not exist in subnet "app" (13 nodes: 0-12)"#,
            #"faults[1].subnet: no subnet is named "nowhere"; the subnets are "app""#,
        ],
        "more-than-f-byzantine": [
            #"faults: subnet "app" has 5 Byzantine nodes (0, 1, 2, 3, 4), more than f = 4 of its 13 nodes; set "allowMoreThanFByzantine": true on the subnet to run it anyway"#,
        ],
        "negative-duration": [#"duration: expected a non-negative decimal number before the unit in "-5s""#],
        "huge-duration": [#"duration: "100000000000h" is longer than the longest representable duration (about 292 years)"#],
        "huge-rate": ["workload[0].rate: expected a number from 0.001 to 1000000.0, found 1e12"],
        "bad-probability": [
            #"faults[0].probability: expected a probability such as "1%", "0.25%" or "1/100" (at most 1), found "150%""#,
            #"faults[1].probability: expected a probability such as "1%", "0.25%" or "1/100" (at most 1), found "-1/2""#,
        ],
        "unknown-builtin": [#"canisters[0].wasm: no built-in canister "nope"; expected one of "builtin:counter", "builtin:kv", "builtin:caller", "builtin:primes""#],
        "truncated-json": ["$: not valid JSON: line 1, column 60 (byte 59): expected ',' or ']' after an array element"],
        "empty": ["$: not valid JSON: line 1, column 1 (byte 0): expected a value, found the end of the text"],
        "deeply-nested": ["$: not valid JSON: line 1, column 129 (byte 128): nesting deeper than 128 levels"],
        "bad-scripted-client": [
            #"canisters[0].controllers[0]: expected a principal in the textual format (such as "aaaaa-aa" or "rrkah-fqaaa-aaaaa-aaaaq-cai"): principal "2vxsx-fab" has a wrong checksum (did you mistype it?)"#,
            #"workload[0].rate: not for a scripted client (one with "calls"): each step gives its own "method", "call" and "argument""#,
            #"workload[0].calls[0].expect.reject: unknown reject code "CANISTER_EROR"; expected one of "SYS_FATAL", "SYS_TRANSIENT", "DESTINATION_INVALID", "CANISTER_REJECT", "CANISTER_ERROR", "SYS_UNKNOWN" or a number from 1 to 6"#,
            #"workload[0].calls[1].expect.replyBytes: give either "reject" or "replyBytes", not both"#,
            #"workload[0].calls[2].caller: expected a principal in the textual format (such as "aaaaa-aa" or "rrkah-fqaaa-aaaaa-aaaaq-cai"): principal "not-a-principal" is not grouped in fives: group 1 has 3 characters"#,
        ],
    ]

    /// Files that load but cannot run: their problem, found when reading modules or installing.
    static let expectedWhenBuilt: [String: String] = [
        "missing-wasm-file": #"canisters[0].wasm: cannot read "does-not-exist.wasm""#,
        "invalid-wasm-bytes": "canisters[0].wasm: CANISTER_ERROR (IC0505): canister rrkah-fqaaa-aaaaa-aaaaq-cai: the Wasm module is invalid: byte 0xa (10): length out of bounds",
    ]

    static var names: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(atPath: Fixture.url(directory).path)
                .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        }
    }

    @Test func everyFileOfTheCorpusHasACase() throws {
        #expect(try Self.names == (Array(Self.expected.keys) + Array(Self.expectedWhenBuilt.keys)).sorted())
    }

    @Test(arguments: expected.keys.sorted()) func malformedScenariosAreRefusedWithEveryProblem(name: String) throws {
        let bytes = try Fixture.bytes("\(Self.directory)/\(name).json")
        do {
            let scenario = try ScenarioLoader.load(bytes)
            Issue.record("\(name) loaded: \(scenario.name)")
        } catch {
            #expect(error.problems.map(\.description).count == Self.expected[name]?.count, "\(error)")
            for (line, expected) in zip(error.problems.map(\.description), Self.expected[name] ?? []) {
                #expect(line.hasPrefix(expected), "\(line)")
            }
        }
    }

    @Test(arguments: expectedWhenBuilt.keys.sorted()) func scenariosWhoseCanistersCannotRunAreRefusedBeforeRunning(name: String) throws {
        let scenario = try ScenarioLoader.load(Fixture.bytes("\(Self.directory)/\(name).json"))
        do {
            let modules = try scenario.modules { path in FileManager.default.contents(atPath: Fixture.url("\(Self.directory)/\(path)").path).map(Array.init) }
            _ = try ScenarioSimulation(scenario: scenario, modules: modules)
            Issue.record("\(name) built")
        } catch {
            #expect(error.description.hasPrefix(try #require(Self.expectedWhenBuilt[name])), "\(error)")
        }
    }
}

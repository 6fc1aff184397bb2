import Foundation
import Testing
@testable import ICSimCLI
import ICSim
import ICSimTestSupport

/// `icsim call` against the real canisters of ../shared/canisters.
@Suite("icsim call")
struct CallCommandTests {
    static func path(_ name: String) -> String {
        SharedMaterial.root.appendingPathComponent("canisters/\(name)").path
    }

    @Test func theCounterGreetsAndReads() {
        let greeting = runTool(["call", Self.path("motoko-counter.wasm"), "greet", "(\"world\")"])
        #expect(greeting.code == 0, "\(greeting.errors)")
        #expect(greeting.output == "(\"Hello, world!\")\n")
        let read = runTool(["call", Self.path("motoko-counter.wasm"), "read", "--query"])
        #expect(read.code == 0 && read.output == "(0 : nat)\n", "\(read.errors)")
    }

    @Test func rejectsGoToStandardErrorWithExitCodeOne() {
        let trap = runTool(["call", Self.path("motoko-trap.wasm"), "test"])
        #expect(trap.code == 1 && trap.output.isEmpty)
        #expect(trap.errors.hasPrefix("CANISTER_ERROR (reject code 5), IC0503: "))
        #expect(trap.errors.contains("trapping"))
        let thrown = runTool(["call", Self.path("motoko-trap.wasm"), "Throw"])
        #expect(thrown.code == 1 && thrown.errors == "CANISTER_REJECT (reject code 4): foo\n")
    }

    @Test func theCandidUICanisterAnswersWithJavaScript() {
        let result = runTool(["call", Self.path("rust-candid-ui.wasm"), "did_to_js", "(\"service : { f : () -> () }\")", "--query"])
        #expect(result.code == 0, "\(result.errors)")
        #expect(result.output.hasPrefix("(opt \"export const idlFactory = ({ IDL }) => {"))
    }

    @Test func theCallerIsTheController() {
        let caller = Principal.user(99).description
        let result = runTool(["call", Self.path("motoko-counter.wasm"), "inc", "--caller", caller])
        #expect(result.code == 0 && result.output == "()\n", "\(result.errors)")
    }

    @Test func badInputExitsTwoNamingTheArgument() {
        let counter = Self.path("motoko-counter.wasm")
        let cases: [([String], String)] = [
            (["call", counter, "greet", "(42)"], "ARGUMENT \"(42)\""),
            (["call", counter, "greet", "(\"x\""], "ARGUMENT"),
            (["call", counter, "nope"], "no method \"nope\""),
            (["call", counter, "inc", "--caller", "not-a-principal"], "--caller"),
            (["call", "/nonexistent.wasm", "inc"], "/nonexistent.wasm: cannot read the module"),
            (["call", counter], "expected WASM METHOD [ARGUMENT]"),
            (["call", counter, "inc", "--did", "/nonexistent.did"], "/nonexistent.did: cannot read the service description"),
        ]
        for (arguments, expected) in cases {
            let result = runTool(arguments)
            #expect(result.code == 2, "\(arguments)")
            #expect(result.errors.contains(expected), "\(arguments): \(result.errors)")
        }
    }

    @Test func aDidFileTypesAModuleWithoutOne() throws {
        let did = FileManager.default.temporaryDirectory.appendingPathComponent("icsim-call-test-\(UInt32.random(in: 0...UInt32.max)).did")
        try "service : { greet : (text) -> (text) }".write(to: did, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: did) }
        let result = runTool(["call", Self.path("motoko-counter.wasm"), "greet", "(\"did\")", "--did", did.path])
        #expect(result.code == 0 && result.output == "(\"Hello, did!\")\n", "\(result.errors)")
    }

    @Test func helpDescribesTheCommand() {
        let result = runTool(["call", "--help"])
        #expect(result.code == 0 && result.output.contains("icsim call WASM METHOD [ARGUMENT]"))
    }
}

/// The real canisters through a scenario file: scripted users in Candid, every answer checked.
@Suite("Real canisters in a scenario")
struct RealCanisterScenarioTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ICSimTests/RealCanisters/real-canisters.json").path

    @Test func everyExpectationIsMet() {
        let result = runTool(["run", Self.path])
        #expect(result.code == 0, "\(result.errors)\n\(result.output)")
        #expect(result.output.contains("step 5: query counter.read: the reply (5 : nat)"))
        #expect(result.output.contains("step 6: update counter.greet: the reply (\"Hello, world!\")"))
        #expect(result.output.contains("step 1: update trap.Throw: a reject CANISTER_REJECT \"foo\""))
        #expect(result.output.contains("PASS script \"carol\": 1 expectations met"))
    }

    @Test func theJSONReportListsRepliesAsCandidText() {
        let result = runTool(["run", Self.path, "--json", "-", "--quiet"])
        #expect(result.code == 0, "\(result.errors)")
        #expect(result.output.contains(#""reply": "(5 : nat)""#))
        #expect(result.output.contains(#""received": "the reply (5 : nat)""#))
    }
}

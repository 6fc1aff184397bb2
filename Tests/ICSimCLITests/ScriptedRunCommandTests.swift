import Foundation
import Testing
@testable import ICSimCLI
import ICSim

/// `icsim run` with a scripted client: exit code 1 when a step misses its expectation, the
/// step named in the output; a `did` file that cannot be read is bad input (exit code 2).
@Suite("icsim run with scripted clients")
struct ScriptedRunCommandTests {
    static func scenario(expect: String, did: String = "") -> String {
        #"{"name": "s", "duration": "10s", "subnets": [{"name": "app", "nodes": 4}], "canisters": [{"name": "c", "wasm": "builtin:counter""#
            + did + #"}], "workload": [{"name": "bob", "canister": "c", "calls": [{"method": "inc", "expect": {"replyBytes": ""# + expect + #""}}]}]}"#
    }

    @Test func aMissedExpectationExitsWithCode1NamingTheStep() throws {
        let directory = try ScenarioCommandTests.temporaryDirectory("scripted")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.json")
        try Data(Self.scenario(expect: "hex:0100000000000000").utf8).write(to: file)
        let pass = runTool(["run", file.path])
        #expect(pass.code == 0, "\(pass.errors)\n\(pass.output)")
        #expect(pass.output.contains("PASS script \"bob\": 1 expectations met (1 of 1 steps answered)"))
        try Data(Self.scenario(expect: "hex:0200000000000000").utf8).write(to: file)
        let fail = runTool(["run", file.path])
        #expect(fail.code == 1)
        #expect(fail.output.contains("FAIL script \"bob\": step 0 (update \"inc\"): expected the reply hex:0200000000000000, received the reply hex:0100000000000000"),
                "\(fail.output)")
    }

    @Test func anUnreadableDidFileIsBadInput() throws {
        let directory = try ScenarioCommandTests.temporaryDirectory("did")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("s.json")
        try Data(Self.scenario(expect: "x", did: #", "did": "missing.did""#).utf8).write(to: file)
        let result = runTool(["run", file.path])
        #expect(result.code == 2)
        #expect(result.errors.contains("canisters[0].did: cannot read \"missing.did\" (paths are relative to the scenario file)"), "\(result.errors)")
        try Data("service : {}".utf8).write(to: directory.appendingPathComponent("missing.did"))
        #expect(runTool(["run", file.path]).code == 1, "readable now; the step's expectation fails")
    }
}

import Foundation
import Testing
@testable import ICSimCLI
import ICSim
import ICSimTesting
import ICSimTestSupport

/// `icsim swarm` and `icsim shrink`: arguments, summaries, the files they write.
@Suite("icsim swarm and shrink")
struct SwarmCommandTests {
    @Test func swarmRunsSeedsAndWritesNothingWhenAllPass() throws {
        let directory = try ScenarioCommandTests.temporaryDirectory("swarm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = runTool(["swarm", "--seeds", "1-2", "--nodes", "4", "--jobs", "2", "--quiet", "--out", directory.path])
        #expect(result.code == 0, "\(result.errors)")
        #expect(result.output.hasPrefix("swarm: 2 runs, "), "\(result.output)")
        #expect(result.output.contains("; 2 passed, 0 failed"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func aFailingSeedIsWrittenAsSoonAsItFailsAndReplaysTheFailure() throws {
        let directory = try ScenarioCommandTests.temporaryDirectory("swarm-failure")
        defer { try? FileManager.default.removeItem(at: directory) }
        var fork = try ScenarioLoader.load(Array(try Fixture.bytes("Scenarios/f-plus-one-fork.json")))
        fork.expectations = Expectations()
        fork.duration = .seconds(20)
        let outcome = SwarmGenerator.run(fork)
        #expect(!outcome.passed)
        let log = SwarmLog(detail: .failures, total: 1, directory: directory.path)
        log.finished(outcome)
        #expect(log.writeError == nil)
        let written = directory.appendingPathComponent("swarm-\(fork.seed).json").path
        let replayed = try ScenarioLoader.load(Array(try #require(FileManager.default.contents(atPath: written))))
        #expect(replayed == fork)
        #expect(SwarmGenerator.run(replayed).failedChecks.map(\.name) == outcome.failedChecks.map(\.name))
    }

    @Test(arguments: [
        (["swarm"], "--seeds: missing; expected a range such as 1-1000"),
        (["swarm", "--seeds", "5-1"], "--seeds: expected a range such as 1-1000"),
        (["swarm", "--seeds", "1-2", "--nodes", "0"], "--nodes 0: expected an integer 1...100"),
        (["swarm", "--seeds", "1-2", "--fault-phase", "1s"], "--fault-phase 1s: expected at least 5s"),
        (["swarm", "extra", "--seeds", "1"], "extra: unexpected argument; swarm takes options only"),
        (["shrink"], "shrink: expected one scenario file, found 0 arguments"),
        (["shrink", "x.json", "--check", "speed"], "--check speed: expected safety, liveness, nothingLost, allCallsAnswered, latency[N] or throughput[N]"),
        (["shrink", "x.json", "--runs", "0"], "--runs 0: expected an integer 1...100000"),
    ]) func badArgumentsExitWithCode2(arguments: [String], message: String) {
        let result = runTool(arguments)
        #expect(result.code == 2)
        #expect(result.errors.contains(message), "\(result.errors)")
    }

    @Test func shrinkWritesASmallerScenarioThatStillFails() throws {
        let directory = try ScenarioCommandTests.temporaryDirectory("shrink")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("fork.json").path
        let result = runTool(["shrink", Fixture.url("Scenarios/f-plus-one-fork.json").path, "--check", "safety", "--runs", "8", "--out", out, "--quiet"])
        #expect(result.code == 0, "\(result.errors)")
        #expect(result.output.contains("shrink: safety still fails after "), "\(result.output)")
        #expect(result.output.contains("(stopped at the run budget; --runs for more)"))
        let shrunk = try ScenarioLoader.load(Array(try #require(FileManager.default.contents(atPath: out))))
        #expect(shrunk.duration < .seconds(60) && shrunk.expectations.safety)
        #expect(shrunk.description.hasPrefix(#"Shrunk by icsim shrink (check safety, "#))
    }

    @Test func shrinkRefusesAScenarioThatDoesNotFail() throws {
        let result = runTool(["shrink", Fixture.url("Scenarios/partition-heal.json").path, "--check", "safety", "--runs", "2", "--quiet"])
        #expect(result.code == 1)
        #expect(result.errors.contains("does not fail the check safety; nothing to shrink"), "\(result.errors)")
    }
}

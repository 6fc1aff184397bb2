import Foundation
import Testing
@testable import ICSimCLI
import ICSim
import ICSimTestSupport

/// `icsim run` with scenario files, `verify`, `sweep` with shards, and `merge`.
@Suite("icsim scenario commands")
struct ScenarioCommandTests {
    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("icsim-\(name)-\(getpid())-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let scenario = Fixture.url("Scenarios/f-byzantine-mix.json").path

    @Test func runWritesEveryReportAndTheExitCodeFollowsTheChecks() throws {
        let directory = try Self.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("r.json").path
        let html = directory.appendingPathComponent("r.html").path
        let trace = directory.appendingPathComponent("r.trace.json").path
        let result = runTool(["run", Self.scenario, "--json", json, "--html", html, "--trace", trace])
        #expect(result.code == 0, "\(result.errors)\n\(result.output)")
        #expect(result.output.contains("result: all checks passed"))
        let report = try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: json))))
        #expect(report["passed"] == .bool(true) && report["schema"] == .string("icsim-report/1"))
        let page = String(decoding: try #require(FileManager.default.contents(atPath: html)), as: UTF8.self)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("</html>"))
        let traceValue = try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: trace))))
        guard case .array(let events)? = traceValue["traceEvents"] else {
            Issue.record("no traceEvents")
            return
        }
        #expect(events.count > 1_000, "rounds, proposals and finalizations of 13 nodes")
        // Shortened, the scenario's calls cannot all be answered: the run fails, exit code 1.
        let short = runTool(["run", Self.scenario, "--duration", "5s"])
        #expect(short.code == 1)
        #expect(short.output.contains("FAIL allCallsAnswered"))
    }

    @Test func badScenarioFilesExitWithCode2AndEveryProblem() throws {
        let directory = try Self.temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.json")
        let text = #"{"name": "bad", "subnets": [{"name": "app1"}], "canisters": [{"name": "c", "wasm": "nothere.wasm"}], "#
            + #""faults": [{"kind": "crash", "nodes": [1]}, {"kind": "pause", "nodes": [2]}, {"kind": "crash", "subnet": "app1", "nodes": [3, 17]}]}"#
        try Data(text.utf8).write(to: file)
        let result = runTool(["run", file.path])
        #expect(result.code == 2)
        #expect(result.errors.contains("faults[2].nodes[1]: node 17 does not exist in subnet \"app1\" (13 nodes: 0-12)"), "\(result.errors)")
        let fixed = text.replacingOccurrences(of: ", 17", with: "")
        try Data(fixed.utf8).write(to: file)
        let missing = runTool(["run", file.path])
        #expect(missing.code == 2)
        #expect(missing.errors.contains("canisters[0].wasm: cannot read \"nothere.wasm\""), "\(missing.errors)")
    }

    @Test func printScenarioWritesWhatWouldRun() throws {
        let result = runTool(["run", "--print-scenario", "--seed", "9"])
        #expect(result.code == 0)
        var expected = Scenario.builtinDefault
        expected.seed = 9
        #expect(try ScenarioLoader.load(result.output) == expected)
    }

    /// A sweep split into three shards (by flag and by the environment of Slurm and of a
    /// Kubernetes Indexed Job), merged, equals the unsharded sweep byte for byte.
    @Test func shardsMergeIntoExactlyTheUnshardedSweep() throws {
        let directory = try Self.temporaryDirectory("sweep")
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = ["sweep", Self.scenario, "--seeds", "3-9", "--duration", "8s", "--jobs", "2", "--quiet"]
        let whole = directory.appendingPathComponent("whole.json").path
        #expect(runTool(base + ["--json", whole]).code <= 1)
        let shards = directory.appendingPathComponent("shards").path
        #expect(runTool(base + ["--shard", "0/3", "--out", shards]).code <= 1)
        var output = ""
        var errors = ""
        let slurm = ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"]
        _ = try SweepCommand.main(Array(base.dropFirst()) + ["--out", shards], output: &output, errors: &errors, environment: slurm)
        let kubernetes = ["JOB_COMPLETION_INDEX": "2"]
        _ = try SweepCommand.main(Array(base.dropFirst()) + ["--shard-count", "3", "--out", shards], output: &output, errors: &errors, environment: kubernetes)
        #expect(errors.isEmpty, "\(errors)")
        let files = try FileManager.default.contentsOfDirectory(atPath: shards).sorted()
        #expect(files == ["sweep-shard-0-of-3.json", "sweep-shard-1-of-3.json", "sweep-shard-2-of-3.json"])
        let merged = directory.appendingPathComponent("merged.json").path
        #expect(runTool(["merge", shards, "--json", merged, "--quiet"]).code <= 1)
        let wholeBytes = try #require(FileManager.default.contents(atPath: whole))
        #expect(FileManager.default.contents(atPath: merged) == wholeBytes)
        let report = try SweepReport.load(Array(wholeBytes))
        #expect(report.outcomes.map(\.seed) == Array(3...9))
        #expect(Set(report.outcomes.map(\.traceHash)).count == 7, "every seed is its own run")
        // A shard given twice, a missing shard, or the merged report among the shards is refused.
        let again = runTool(["merge", shards, shards])
        #expect(again.code == 2 && again.errors.contains("shard 0/3 is given twice"), "\(again.errors)")
        try FileManager.default.removeItem(atPath: shards + "/sweep-shard-1-of-3.json")
        let missing = runTool(["merge", shards])
        #expect(missing.code == 2 && missing.errors.contains("missing 1 of 3 shards: 1"), "\(missing.errors)")
        try FileManager.default.copyItem(atPath: whole, toPath: shards + "/sweep.json")
        let mixed = runTool(["merge", shards])
        #expect(mixed.code == 2 && mixed.errors.contains("a merged report among the shards?"), "\(mixed.errors)")
    }

    @Test func aShardsSeedsAreComputedNotScanned() throws {
        #expect(try Shard(index: 1, count: 3).seeds(of: 10...20) == [11, 14, 17, 20])
        #expect(try Shard(index: 5, count: 8).seeds(of: 1...3) == [])
        let huge = try Shard(index: 7, count: 1_000_000).seeds(of: 1...UInt64(4_000_000_000_000))
        #expect(huge.count == 4_000_000 && huge.first == 8 && huge.last == 3_999_999_000_008)
        #expect(throws: UsageError.self) { try Shard(index: 0, count: 1).seeds(of: 1...20_000_000) }
    }

    @Test(arguments: [
        (["sweep", "x.json"], "--seeds: missing"),
        (["sweep", "x.json", "--seeds", "9-3"], "--seeds: expected a range"),
        (["sweep", "x.json", "--seeds", "1-3", "--shard", "3/3"], "--shard: expected I/N with 0 <= I < N"),
        (["sweep", "x.json", "--seeds", "1-3", "--jobs", "0"], "--jobs 0: expected an integer 1...256"),
        (["merge"], "merge: expected one or more directories"),
        (["merge", "/nonexistent-dir"], "/nonexistent-dir: cannot read the directory"),
        (["verify"], "verify: expected one scenario file"),
        (["sweep", "x.json", "--seeds", "1-3", "--shard", "1/3", "--shard-count", "4"], "--shard-count 4: differs from --shard 1/3"),
    ])
    func badSweepArguments(arguments: [String], message: String) {
        let result = runTool(arguments)
        #expect(result.code == 2)
        #expect(result.errors.contains(message), "\(result.errors)")
    }

    @Test func theShardComesFromTheEnvironmentOnlyWithACount() throws {
        var output = ""
        var errors = ""
        for environment in [["JOB_COMPLETION_INDEX": "0"], ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "5"],
                            ["JOB_COMPLETION_INDEX": "x", "ICSIM_SHARD_COUNT": "3"]] {
            #expect(throws: UsageError.self, "\(environment)") {
                try SweepCommand.main([Self.scenario, "--seeds", "1-2"], output: &output, errors: &errors, environment: environment)
            }
        }
        let reader = try ArgumentReader([], valueOptions: [])
        // ICSIM_SHARD_COUNT wins over Slurm's count: resubmitting one array task keeps its shard.
        let slurm = ["SLURM_ARRAY_TASK_ID": "17", "SLURM_ARRAY_TASK_MIN": "17", "SLURM_ARRAY_TASK_COUNT": "1", "ICSIM_SHARD_COUNT": "100"]
        #expect(try Shard.resolve(reader, environment: slurm) == Shard(index: 0, count: 100))
        #expect(try Shard.resolve(reader, environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"]) == Shard(index: 3, count: 4))
        #expect(try Shard.resolve(reader, environment: [:]) == Shard(index: 0, count: 1))
    }

    /// `icsim verify` starts two processes of the real executable.
    @Test func verifyComparesTwoProcesses() throws {
        let icsim = try ProcessRunner.builtExecutable(named: "icsim")
        let result = try ProcessRunner.run(icsim, ["verify", Fixture.url("Scenarios/cross-subnet-calls.json").path, "--duration", "10s"])
        #expect(result.exitCode == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("identical: two processes gave the same report (trace hash "))
    }
}

import Foundation
import Testing
import ICSimTestSupport

/// Determinism proven across processes: the same scenario and seed, run by two separate
/// `icsim` processes (each with its own per-process hash seeding), must give identical output.
@Suite("Cross-process determinism")
struct CrossProcessDeterminismTests {
    /// A randomized run of tens of thousands of events: 100 actors for 30 s of virtual time.
    static let arguments = ["demo", "--actors", "100", "--duration", "30s", "--json", "-"]

    func runCLI(_ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(try ProcessRunner.builtExecutable(named: "icsim"), arguments)
    }

    /// The value of `"key":` in a flat JSON object written by the report.
    func field(_ key: String, in json: String) -> String? {
        guard let range = json.range(of: "\"\(key)\":") else { return nil }
        return String(json[range.upperBound...].prefix { $0 != "," && $0 != "}" })
    }

    @Test func twoProcessesWithTheSameSeedProduceIdenticalReports() throws {
        let first = try runCLI(Self.arguments + ["--seed", "7"])
        let second = try runCLI(Self.arguments + ["--seed", "7"])
        #expect(first.exitCode == 0, "stderr: \(first.standardError)")
        #expect(second.exitCode == 0, "stderr: \(second.standardError)")
        let events = field("eventsProcessed", in: first.standardOutput).flatMap { Int($0) } ?? 0
        #expect(events > 20_000, "the run must be large enough to mean something")
        #expect(field("traceHash", in: first.standardOutput) != nil)
        #expect(first.standardOutput == second.standardOutput)
    }

    @Test func aDifferentSeedGivesADifferentTraceHash() throws {
        let first = try runCLI(Self.arguments + ["--seed", "7"])
        let other = try runCLI(Self.arguments + ["--seed", "8"])
        let firstHash = field("traceHash", in: first.standardOutput)
        #expect(firstHash != nil)
        #expect(firstHash != field("traceHash", in: other.standardOutput))
    }

    /// A 13-node ICC subnet over the cloud regions (jittered network, shuffled makers and
    /// committees from the beacon) in two processes: identical reports, trace hash included.
    @Test func twoProcessesRunTheSameSubnetIdentically() throws {
        let arguments = ["subnet", "--nodes", "13", "--duration", "20s", "--json", "-", "--seed", "11"]
        let first = try runCLI(arguments)
        let second = try runCLI(arguments)
        #expect(first.exitCode == 0, "stderr: \(first.standardError)")
        #expect(field("safe", in: first.standardOutput) == "true")
        let height = field("finalizedHeightMin", in: first.standardOutput).flatMap { Int($0) } ?? 0
        #expect(height > 20, "the run must finalize blocks to mean something")
        #expect(field("traceHash", in: first.standardOutput) != nil)
        #expect(first.standardOutput == second.standardOutput)
        let other = try runCLI(["subnet", "--nodes", "13", "--duration", "20s", "--json", "-", "--seed", "12"])
        #expect(field("traceHash", in: other.standardOutput) != field("traceHash", in: first.standardOutput))
    }

    /// A subnet running the counter canister under load: execution, certification and the
    /// state hash must replay identically in another process too.
    @Test func twoProcessesRunTheSameCanisterIdentically() throws {
        let counter = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ExecutionLayerTests/Fixtures/c/counter.wasm").path
        let arguments = ["subnet", "--nodes", "7", "--duration", "12s", "--json", "-", "--canister", counter, "--rate", "40"]
        let first = try runCLI(arguments)
        let second = try runCLI(arguments)
        #expect(first.exitCode == 0, "stderr: \(first.standardError)")
        let answered = field("callsAnswered", in: first.standardOutput).flatMap { Int($0) } ?? 0
        #expect(answered > 300, "the canister must answer calls to mean something: \(answered)")
        #expect(field("stateHash", in: first.standardOutput) != "null")
        #expect(first.standardOutput == second.standardOutput)
    }

    /// Every canonical scenario file with faults, in two processes: identical JSON reports
    /// (trace hashes, latencies, every count).
    @Test(arguments: ["f-byzantine-mix", "cross-subnet-calls", "partition-heal"])
    func twoProcessesRunTheSameScenarioIdentically(name: String) throws {
        let file = Fixture.url("Scenarios/\(name).json").path
        let arguments = ["run", file, "--duration", "15s", "--json", "-", "--quiet"]
        let first = try runCLI(arguments)
        let second = try runCLI(arguments)
        #expect(first.standardError.isEmpty, "\(first.standardError)")
        #expect(first.standardOutput.contains("\"traceHash\": "))
        #expect(first.standardOutput == second.standardOutput)
    }

    @Test func tracesFromTwoProcessesAreIdenticalLineByLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("icsim-trace-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = ["a.jsonl", "b.jsonl", "c.jsonl"].map { directory.appendingPathComponent($0).path }
        let short = ["demo", "--duration", "5s", "--json", "-"]
        for (path, seed) in zip(paths, ["1", "1", "2"]) {
            #expect(try runCLI(short + ["--seed", seed, "--events", path]).exitCode == 0)
        }
        let same = try runCLI(["trace-diff", paths[0], paths[1]])
        #expect(same.exitCode == 0)
        #expect(same.standardOutput.hasPrefix("identical: "))
        let different = try runCLI(["trace-diff", paths[0], paths[2]])
        #expect(different.exitCode == 1)
        #expect(different.standardOutput.contains("first difference at line"))
    }
}

import Foundation
import Testing
@testable import ICSimCLI
import ICSim

/// Runs the tool in-process and returns (exit code, stdout, stderr).
func runTool(_ arguments: [String]) -> (code: Int32, output: String, errors: String) {
    var output = ""
    var errors = ""
    let code = CommandLineTool.main(arguments: arguments, output: &output, errors: &errors)
    return (code, output, errors)
}

@Suite("icsim command line")
struct CommandLineToolTests {
    @Test func defaultRunRunsTheBuiltInScenario() {
        let result = runTool(["--duration", "10s"])
        #expect(result.code == 0, "\(result.errors)\n\(result.output)")
        #expect(result.output.hasPrefix("ICSim scenario \"default\""))
        #expect(result.output.contains("client \"increments\": update calls to counter"))
        #expect(result.output.contains("Byzantine node 4"))
        #expect(result.output.contains("result: all checks passed"))
        #expect(result.output.contains("trace hash: "))
    }

    @Test func jsonReportIsDeterministicInProcess() {
        let first = runTool(["run", "--duration", "5s", "--json", "-", "--seed", "5"])
        let second = runTool(["run", "--duration", "5s", "--json", "-", "--seed", "5"])
        #expect(first.code == 0 && first.output == second.output)
        #expect(first.output.hasPrefix("{\n  \"bucketNanos\": 1000000000,"), "keys sorted")
        let third = runTool(["run", "--duration", "5s", "--json", "-", "--seed", "6"])
        #expect(third.output != first.output, "another seed, another run")
    }

    @Test func demoStillRuns() {
        let result = runTool(["demo", "--duration", "2s"])
        #expect(result.code == 0)
        #expect(result.output.hasPrefix("ICSim kernel demonstration: gossiping actors on the bare event kernel, not an Internet Computer model"))
        let first = runTool(["demo", "--duration", "3s", "--json", "-", "--seed", "5"])
        #expect(first.output.hasPrefix("{\"kind\":\"kernel-demo\",\"seed\":5,"))
    }

    @Test func helpAndVersion() {
        #expect(runTool(["help"]).output.contains("USAGE"))
        #expect(runTool(["run", "--help"]).output.contains("--print-scenario"))
        for command in ["run", "subnet", "demo", "trace-diff", "wasm"] {
            #expect(runTool(["help", command]).output.hasPrefix("icsim \(command)"), "\(command)")
        }
        #expect(runTool(["help", "fly"]).code == 2)
        // Every command answers -h and --help with its own help, and exits 0.
        let commands = ["run", "verify", "sweep", "merge", "swarm", "shrink", "call", "subnet", "demo", "trace-diff", "wasm"]
        for command in commands {
            for option in ["-h", "--help"] {
                let result = runTool([command, option])
                #expect(result.code == 0 && result.output == CommandLineTool.help(for: command), "\(command) \(option): \(result.errors)")
            }
        }
        for arguments in [["wasm", "run", "--help"], ["wasm", "run", "-h"], ["wasm", "validate", "-h"], ["run", "x.json", "-h"]] {
            let result = runTool(arguments)
            let command = arguments[0]
            #expect(result.code == 0 && result.output == CommandLineTool.help(for: command), "\(arguments): \(result.errors)")
        }
        #expect(runTool(["--version"]).output == "icsim \(CommandLineTool.version)\n")
    }

    @Test(arguments: [
        (["--seed", "abc"], "--seed: expected an integer"),
        (["--seed"], "--seed: expected a value"),
        (["--duration", "5 fortnights"], "--duration: unknown unit \"fortnights\""),
        (["--duration", "0s"], "--duration: must be longer than zero"),
        (["demo", "--actors", "1"], "actors: expected 2 to 1000 actors, found 1"),
        (["demo", "--duration", "2000000h"], "duration: expected a positive duration of at most 100 years"),
        (["demo", "--fanout", "13"], "fanout: expected 1 to 12"),
        (["demo", "--loss", "120%"], "--loss: expected a probability"),
        (["--frobnicate"], "--frobnicate: unknown option"),
        (["--quiet=yes"], "--quiet: takes no value"),
        (["launch"], "launch: unknown command"),
        (["run", "a.json", "b.json"], "b.json: unexpected argument"),
        (["run", "/nonexistent/s.json"], "/nonexistent/s.json: cannot read the scenario file: no such file"),
        (["run", "/tmp"], "/tmp: cannot read the scenario file: it is a directory"),
        (["run", "--seed", "1", "--seed", "2"], "--seed: given more than once"),
        (["subnet", "--json", "-", "--json=-"], "--json: given more than once"),
        (["run", "--html", "/tmp"], "--html /tmp: cannot write there: it is a directory"),
        (["sweep", "s.json", "--seeds", "1-2", "--out", "/nonexistent/d"], "--out /nonexistent/d: cannot write there: no directory /nonexistent"),
        (["demo", "extra"], "extra: unexpected argument"),
        (["trace-diff", "only-one"], "trace-diff: expected two trace files"),
        (["trace-diff", "/nonexistent/a", "/nonexistent/b"], "/nonexistent/a: cannot read the trace: no such file"),
        (["wasm", "validate", "/nonexistent/m.wasm"], "/nonexistent/m.wasm: cannot read the module: no such file"),
    ])
    func badArgumentsExitWithCode2AndNameTheArgument(arguments: [String], message: String) {
        let result = runTool(arguments)
        #expect(result.code == 2)
        #expect(result.errors.contains(message), "stderr was: \(result.errors)")
        #expect(result.output.isEmpty)
    }

    @Test func unwritableFilesFailWithCode1() {
        // Checked before the run starts: a usage error (2), naming the option and why.
        let events = runTool(["demo", "--duration", "1s", "--events", "/nonexistent-dir/trace.jsonl"])
        #expect(events.code == 2)
        #expect(events.errors.contains("--events /nonexistent-dir/trace.jsonl: cannot write there: no directory /nonexistent-dir"))
        let report = runTool(["--duration", "1s", "--json", "/nonexistent-dir/report.json"])
        #expect(report.code == 2)
        #expect(report.errors.contains("--json /nonexistent-dir/report.json: cannot write there: no directory /nonexistent-dir"))
    }

    @Test(arguments: [("1%", UInt64(1_000_000), UInt64(100_000_000)), ("0.5%", 500_000, 100_000_000), ("3/7", 3, 7)])
    func probabilitiesParse(text: String, numerator: UInt64, denominator: UInt64) {
        let probability = Probability.parse(text)
        #expect(probability?.numerator == numerator && probability?.denominator == denominator)
    }

    @Test(arguments: ["", "%", ".%", "1/0", "2/1", "abc", "1.2345678%", "-1%"])
    func badProbabilitiesAreRejected(text: String) {
        #expect(Probability.parse(text) == nil)
    }
}

@Suite("icsim subnet")
struct SubnetCommandTests {
    @Test func reportsSafetyFinalizationAndTheTraceHash() {
        let result = runTool(["subnet", "--nodes", "4", "--duration", "10s"])
        #expect(result.code == 0, "\(result.errors)")
        #expect(result.output.hasPrefix("ICSim subnet: ICC consensus on a simulated network"))
        #expect(result.output.contains("safety: no two different blocks finalized at any height"))
        #expect(result.output.contains("trace hash: "))
    }

    static let counter = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ExecutionLayerTests/Fixtures/c/counter.wasm").path

    @Test func runsACanisterUnderLoad() {
        let result = runTool(["subnet", "--nodes", "4", "--duration", "10s", "--canister", Self.counter, "--rate", "20"])
        #expect(result.code == 0, "\(result.errors)")
        #expect(result.output.contains("(honest nodes, no faults, 180 update calls)"))
        #expect(result.output.contains("calls: 180 submitted, "), "\(result.output)")
        #expect(result.output.contains("submission to certified answer: p50 "))
        #expect(result.output.contains("state hash "))
    }

    @Test(arguments: [
        (["subnet", "--rate", "5"], "--rate: only with --canister"),
        (["subnet", "--canister", "/nonexistent/x.wasm"], "/nonexistent/x.wasm: cannot read the module (--canister): no such file"),
        (["subnet", "--canister", SubnetCommandTests.counter, "--rate", "0"], "--rate 0: expected an integer 1...100000"),
        (["subnet", "--nodes", "0"], "--nodes 0: expected an integer 1...1000"),
        (["subnet", "--nodes", "x"], "--nodes: expected an integer 1...1000"),
        (["subnet", "--duration", "soon"], "--duration: "),
        (["subnet", "--bogus"], "--bogus"),
        (["subnet", "extra"], "extra: unexpected argument"),
    ])
    func badArgumentsAreNamed(arguments: [String], message: String) {
        let result = runTool(arguments)
        #expect(result.code == 2)
        #expect(result.errors.contains(message), "\(result.errors)")
    }
}

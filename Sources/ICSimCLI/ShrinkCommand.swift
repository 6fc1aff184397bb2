import Foundation
import ICSim
import ICSimTesting

/// `icsim shrink FAILING.json`: delta-debugs a failing scenario down to a small one that
/// fails the same check (``Shrinker``) and writes it out.
enum ShrinkCommand {
    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("shrink", arguments, valueOptions: ["check", "out", "runs"], flags: ["quiet"],
                                                      positionals: .oneScenarioFile, output: &output) else { return 0 }
        let file = reader.positionals[0]
        let check = reader.value("check")
        if let check, !Shrinker.isShrinkable(check) {
            throw UsageError("--check \(check): expected safety, liveness, nothingLost, allCallsAnswered, latency[N] or throughput[N]")
        }
        let runs = try reader.value("runs", expected: "an integer 1...100000", { Int($0) }) ?? 300
        guard (1...100_000).contains(runs) else { throw UsageError("--runs \(runs): expected an integer 1...100000") }
        let out = reader.value("out") ?? (file.hasSuffix(".json") ? String(file.dropLast(5)) : file) + ".shrunk.json"
        try InputFiles.checkWritable(out, option: "out")
        let scenario = try selfContained(file)
        let quiet = try reader.flag("quiet")
        let result = Shrinker.shrink(scenario, check: check, runsMax: runs, log: { step in
            if !quiet { FileHandle.standardError.write(Data("shrink: \(step)\n".utf8)) }
        })
        guard let result else {
            errors.write("icsim: \(file) does not fail \(check.map { "the check \($0)" } ?? "any check"); nothing to shrink\n")
            return 1
        }
        guard FileManager.default.createFile(atPath: out, contents: Data(result.shrunk.json.utf8)) else {
            errors.write("icsim: --out: cannot write \"\(out)\"\n")
            return 1
        }
        output.write(summary(result, out: out))
        return 0
    }

    /// The scenario with every Wasm file read in (as bytes), so the shrunk file stands alone.
    static func selfContained(_ file: String) throws(UsageError) -> Scenario {
        var scenario = try ScenarioFiles.load(file)
        let modules = try ScenarioFiles.modules(of: scenario, file: file)
        for index in scenario.canisters.indices {
            if case .file = scenario.canisters[index].wasm { scenario.canisters[index].wasm = .bytes(modules[index]) }
        }
        return scenario
    }

    static func summary(_ result: ShrinkResult, out: String) -> String {
        func size(_ scenario: Scenario) -> String {
            "\(scenario.subnets.count) subnets (\(scenario.subnets.map { String($0.nodeCount) }.joined(separator: "+")) nodes), "
                + "\(scenario.canisters.count) canisters, \(scenario.clients.count) clients, \(scenario.faults.count) faults, \(scenario.duration)"
        }
        return """
            shrink: \(result.check) still fails after \(result.steps.count) steps in \(result.runs) runs\
            \(result.stoppedAtBudget ? " (stopped at the run budget; --runs for more)" : " (no single change keeps it failing)")
              from: \(size(result.original))
              to:   \(size(result.shrunk))
            written: \(out)

            """
    }
}

import Foundation
import ICSim

/// `icsim swarm --seeds A-B`: one random scenario per seed (``SwarmGenerator``), run with
/// every checker; each failure written as a scenario file that reproduces it.
enum SwarmCommand {
    static let valueOptions: Set<String> = ["seeds", "nodes", "out", "jobs", "fault-phase"]
    static let flags = ["quiet", "help"]

    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        let reader = try ArgumentReader(arguments, valueOptions: valueOptions)
        try reader.rejectUnknown(known: valueOptions.sorted() + flags)
        if try reader.flag("help") {
            output.write(CommandLineTool.help(for: "swarm"))
            return 0
        }
        guard reader.positionals.isEmpty else { throw UsageError("\(reader.positionals[0]): unexpected argument; swarm takes options only") }
        guard let seedsText = reader.value("seeds") else { throw UsageError("--seeds: missing; expected a range such as 1-1000") }
        let seeds = try SweepCommand.parseSeeds(seedsText)
        guard seeds.upperBound - seeds.lowerBound < 10_000_000 else { throw UsageError("--seeds: at most 10,000,000 seeds in one run") }
        let options = try swarmOptions(reader)
        let jobs = try reader.value("jobs", expected: "an integer 1...256", { Int($0) }) ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...256).contains(jobs) else { throw UsageError("--jobs \(jobs): expected an integer 1...256") }
        let directory = reader.value("out") ?? "swarm-failures"
        let log = SwarmLog(quiet: try reader.flag("quiet"))
        let outcomes = run(Array(seeds), options: options, jobs: jobs, log: log)
        let summary = SwarmSummary(outcomes)
        if !summary.failures.isEmpty, let failure = writeFailures(summary.failures, to: directory) {
            errors.write("icsim: \(failure)\n")
            return 1
        }
        output.write(summary.text(directory: directory))
        return summary.failures.isEmpty ? 0 : 1
    }

    static func swarmOptions(_ reader: ArgumentReader) throws(UsageError) -> SwarmOptions {
        let nodes = try reader.value("nodes", expected: "an integer 1...100", { Int($0) })
        if let nodes, !(1...100).contains(nodes) { throw UsageError("--nodes \(nodes): expected an integer 1...100") }
        var options = SwarmOptions(nodes: nodes)
        if let text = reader.value("fault-phase") {
            do { options.faultPhaseMax = try SimDuration.parse(text) } catch { throw UsageError("--fault-phase: \(error)") }
            guard options.faultPhaseMax >= .seconds(5) else { throw UsageError("--fault-phase \(text): expected at least 5s") }
        }
        return options
    }

    /// Runs the seeds on `jobs` threads; the outcomes in seed order.
    static func run(_ seeds: [UInt64], options: SwarmOptions, jobs: Int, log: SwarmLog) -> [SwarmOutcome] {
        let results = ParallelResults<SwarmOutcome>(count: seeds.count)
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(seeds.count, 1))) { _ in
            while let index = results.takeIndex() {
                let scenario = SwarmGenerator.scenario(seed: seeds[index], options: options)
                log.started(scenario)
                let outcome = SwarmGenerator.run(scenario)
                log.finished(outcome)
                results.store(outcome, at: index)
            }
        }
        return results.finished()
    }

    /// Writes each failure's scenario as DIRECTORY/swarm-SEED.json; the first problem.
    static func writeFailures(_ failures: [SwarmOutcome], to directory: String) -> String? {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            return "--out: cannot create \"\(directory)\""
        }
        for failure in failures {
            let path = URL(fileURLWithPath: directory).appendingPathComponent("swarm-\(failure.seed).json").path
            guard FileManager.default.createFile(atPath: path, contents: Data(failure.scenario.json.utf8)) else {
                return "--out: cannot write \"\(path)\""
            }
        }
        return nil
    }
}

/// The per-seed lines, written to standard error as they come (so a long swarm shows its
/// progress; the summary goes to standard output): the parameters when a seed starts, its
/// verdict when it ends.
final class SwarmLog: @unchecked Sendable {
    private let lock = NSLock()
    private let quiet: Bool

    init(quiet: Bool) {
        self.quiet = quiet
    }

    func started(_ scenario: Scenario) {
        append("seed \(scenario.seed): \(SwarmGenerator.parameters(scenario))", always: false)
    }

    func finished(_ outcome: SwarmOutcome) {
        let verdict = outcome.passed ? "passed"
            : "FAILED " + outcome.failedChecks.map { "\($0.name): \($0.detail)" }.joined(separator: "; ")
        append("seed \(outcome.seed): \(verdict) (\(outcome.virtualDuration) virtual, \(outcome.events) events)", always: !outcome.passed)
    }

    private func append(_ line: String, always: Bool) {
        guard always || !quiet else { return }
        lock.lock()
        FileHandle.standardError.write(Data((line + "\n").utf8))
        lock.unlock()
    }
}

/// A swarm's totals.
struct SwarmSummary {
    let runs: Int
    let virtualTime: SimDuration
    let events: UInt64
    let failures: [SwarmOutcome]

    init(_ outcomes: [SwarmOutcome]) {
        runs = outcomes.count
        virtualTime = outcomes.reduce(.zero) { $0 + $1.virtualDuration }
        events = outcomes.reduce(0) { $0 + $1.events }
        failures = outcomes.filter { !$0.passed }
    }

    func text(directory: String) -> String {
        var byCheck: [String: Int] = [:]
        for failure in failures { for check in failure.failedChecks { byCheck[check.name, default: 0] += 1 } }
        let hours = Double(virtualTime.nanoseconds) / 3.6e12
        var lines = ["swarm: \(runs) runs, \(String(format: "%.1f", hours)) virtual hours, \(events) events; "
            + "\(runs - failures.count) passed, \(failures.count) failed"]
        if !failures.isEmpty {
            lines.append("failed checks: " + byCheck.keys.sorted().map { "\($0) \(byCheck[$0] ?? 0)" }.joined(separator: ", "))
            lines.append("failing seeds: " + failures.map { String($0.seed) }.joined(separator: " "))
            lines.append("written: \(directory)/swarm-SEED.json (replay one with `icsim run FILE`, minimise it with `icsim shrink FILE`)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import Foundation
import ICSim
import ICSimTesting

/// `icsim swarm --seeds A-B`: one random scenario per seed (``SwarmGenerator``), run with
/// every checker; each failure written as a scenario file that reproduces it.
enum SwarmCommand {
    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("swarm", arguments, valueOptions: ["fault-phase", "jobs", "nodes", "out", "seeds"], flags: ["quiet", "verbose"],
                                                      positionals: .checkedByCommand, output: &output) else { return 0 }
        guard reader.positionals.isEmpty else { throw UsageError("\(reader.positionals[0]): unexpected argument; swarm takes options only") }
        guard let seedsText = reader.value("seeds") else { throw UsageError("--seeds: missing; expected a range such as 1-1000") }
        let seeds = try SweepCommand.parseSeeds(seedsText)
        guard seeds.upperBound - seeds.lowerBound < 10_000_000 else { throw UsageError("--seeds: at most 10,000,000 seeds in one run") }
        let options = try swarmOptions(reader)
        let jobs = try reader.value("jobs", expected: "an integer 1...256", { Int($0) }) ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...256).contains(jobs) else { throw UsageError("--jobs \(jobs): expected an integer 1...256") }
        let directory = reader.value("out") ?? "swarm-failures"
        try InputFiles.checkWritableDirectory(directory, option: "out")
        let quiet = try reader.flag("quiet"), verbose = try reader.flag("verbose")
        guard !(quiet && verbose) else { throw UsageError("--quiet and --verbose: give one of them") }
        let log = SwarmLog(detail: quiet ? .summary : verbose ? .everySeed : .failures, total: seeds.count, directory: directory)
        let outcomes = run(Array(seeds), options: options, jobs: jobs, log: log)
        let summary = SwarmSummary(outcomes)
        if let failure = log.writeError {
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
}

/// The per-seed lines, written to standard error as they come (the summary goes to standard
/// output). By default a line for each failing seed, naming the `icsim run` command that
/// replays it, and a progress line every 5% of the seeds; `everySeed` adds each seed's drawn
/// parameters when it starts and its verdict when it ends; `summary` writes none. Each failing
/// seed's scenario is written to DIRECTORY/swarm-SEED.json as soon as it fails, so an
/// interrupted swarm keeps what it found.
final class SwarmLog: @unchecked Sendable {
    /// What the per-seed lines show.
    enum Detail { case summary, failures, everySeed }

    private let lock = NSLock()
    private let detail: Detail
    private let total: Int
    private let directory: String
    private var finishedCount = 0
    private var failedCount = 0
    /// The first failure to write a scenario file.
    private(set) var writeError: String?

    init(detail: Detail, total: Int, directory: String) {
        self.detail = detail
        self.total = total
        self.directory = directory
    }

    func started(_ scenario: Scenario) {
        guard detail == .everySeed else { return }
        write("seed \(scenario.seed): \(SwarmGenerator.parameters(scenario))")
    }

    func finished(_ outcome: SwarmOutcome) {
        lock.lock()
        defer { lock.unlock() }
        finishedCount += 1
        var replay = ""
        if !outcome.passed {
            failedCount += 1
            replay = "; replay: icsim run \(save(outcome))"
        }
        let verdict = outcome.passed ? "passed"
            : "FAILED " + outcome.failedChecks.map { "\($0.name): \($0.detail)" }.joined(separator: "; ")
        if detail == .everySeed || (detail == .failures && !outcome.passed) {
            write("seed \(outcome.seed): \(verdict) (\(outcome.virtualDuration) virtual, \(outcome.events) events)\(replay)", locked: true)
        }
        if detail == .failures, finishedCount % max(total / 20, 1) == 0 {
            write("swarm: \(finishedCount)/\(total) seeds run, \(failedCount) failed", locked: true)
        }
    }

    /// Writes the failing scenario (the lock held): its path.
    private func save(_ outcome: SwarmOutcome) -> String {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("swarm-\(outcome.seed).json").path
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            writeError = writeError ?? "--out: cannot create \"\(directory)\""
            return path
        }
        if !FileManager.default.createFile(atPath: path, contents: Data(outcome.scenario.json.utf8)) {
            writeError = writeError ?? "--out: cannot write \"\(path)\""
        }
        return path
    }

    private func write(_ line: String, locked: Bool = false) {
        if !locked { lock.lock() }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        if !locked { lock.unlock() }
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

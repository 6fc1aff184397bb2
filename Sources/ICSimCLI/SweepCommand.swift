import Foundation
import ICSim

/// `icsim sweep SCENARIO.json --seeds A-B`: the scenario under many seeds, in parallel on
/// this machine (each simulation single-threaded and deterministic), or the share of one shard
/// of a cluster job; and `icsim merge`, which combines shards' results.
enum SweepCommand {
    static let valueOptions = ["duration", "jobs", "json", "out", "seeds", "shard", "shard-count"]

    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("sweep", arguments, valueOptions: valueOptions, flags: ["quiet"],
                                                      positionals: .oneScenarioFile, output: &output) else { return 0 }
        let file = reader.positionals[0]
        guard let seedsText = reader.value("seeds") else { throw UsageError("--seeds: missing; expected a range such as 1-1000") }
        let seeds = try parseSeeds(seedsText)
        let shard = try Shard.resolve(reader, environment: environment)
        let jobs = try reader.value("jobs", expected: "an integer 1...256", { Int($0) }) ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...256).contains(jobs) else { throw UsageError("--jobs \(jobs): expected an integer 1...256") }
        if let path = reader.value("json") { try InputFiles.checkWritable(path, option: "json") }
        if let directory = reader.value("out") { try InputFiles.checkWritableDirectory(directory, option: "out") }
        var scenario = try ScenarioFiles.load(file)
        if let text = reader.value("duration") {
            do { scenario.duration = try SimDuration.parse(text) } catch { throw UsageError("--duration: \(error)") }
        }
        let modules = try ScenarioFiles.modules(of: scenario, file: file)
        let interfaces = try ScenarioFiles.interfaces(of: scenario, file: file)
        let mine = try shard.seeds(of: seeds)
        let quiet = try reader.flag("quiet")
        let progress = !quiet && isatty(2) == 1 ? SeedProgress(total: mine.count) : nil
        let outcomes = try run(scenario, modules: modules, interfaces: interfaces, seeds: mine, jobs: jobs, progress: progress)
        let report = SweepReport(scenarioName: scenario.name, scenarioHash: SweepReport.scenarioHash(scenario), seedRange: seeds,
                                 shard: (shard.index, shard.count), outcomes: outcomes)
        if let failure = write(report, reader: reader, shard: shard, output: &output) {
            errors.write("icsim: \(failure)\n")
            return 1
        }
        if !quiet && reader.value("json") != "-" { output.write(report.text + "\n") }
        return report.failedSeeds.isEmpty ? 0 : 1
    }

    /// `"1-1000"` or `"7"`.
    static func parseSeeds(_ text: String) throws(UsageError) -> ClosedRange<UInt64> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let low = UInt64(parts[0]), let high = UInt64(parts[parts.count - 1]), low <= high else {
            throw UsageError("--seeds: expected a range such as 1-1000 (low to high) or one seed, found \"\(text)\"")
        }
        return low...high
    }

    /// Runs `scenario` under each seed on `jobs` threads; the outcomes (in seed order).
    /// `progress` (if any) hears of each seed as it ends.
    static func run(_ scenario: Scenario, modules: [[UInt8]], interfaces: [String?] = [], seeds: [UInt64], jobs: Int,
                    progress: SeedProgress? = nil) throws(UsageError) -> [SeedOutcome] {
        let results = ParallelResults<Result<SeedOutcome, ScenarioError>>(count: seeds.count)
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(seeds.count, 1))) { _ in
            while let index = results.takeIndex() {
                var seeded = scenario
                seeded.seed = seeds[index]
                do throws(ScenarioError) {
                    var simulation = try ScenarioSimulation(scenario: seeded, modules: modules, interfaces: interfaces)
                    simulation.run()
                    let outcome = SeedOutcome(ScenarioReport(simulation))
                    results.store(.success(outcome), at: index)
                    progress?.finished(passed: outcome.passed)
                } catch {
                    results.store(.failure(error), at: index)
                }
            }
        }
        progress?.clear()
        var outcomes: [SeedOutcome] = []
        for result in results.finished() {
            switch result {
            case .success(let outcome): outcomes.append(outcome)
            case .failure(let error): throw UsageError("the scenario does not run:\n\(error)", suggestsHelp: false)
            }
        }
        return outcomes
    }

    /// Writes the shard's result to `--out` and the report to `--json`; the first failure.
    static func write(_ report: SweepReport, reader: ArgumentReader, shard: Shard, output: inout some TextOutputStream) -> String? {
        if let directory = reader.value("out") {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                return "--out: cannot create \"\(directory)\""
            }
            let path = URL(fileURLWithPath: directory).appendingPathComponent(shard.fileName).path
            guard FileManager.default.createFile(atPath: path, contents: Data(report.json.utf8)) else { return "--out: cannot write \"\(path)\"" }
        }
        if let path = reader.value("json") { return ReportOutput.write(report.json, to: path, option: "json", output: &output) }
        return nil
    }
}

/// Results of parallel runs, slot by slot, and the next slot to take (sweeps and swarms).
final class ParallelResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var slots: [Value?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// The next slot to fill, or `nil` when every one is taken.
    func takeIndex() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ value: Value, at index: Int) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// The stored values, in slot order.
    func finished() -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

/// Which part of a sweep this process runs: shard `index` of `count`, taking every
/// `count`-th seed from the range's start plus `index`.
struct Shard: Equatable {
    var index: Int
    var count: Int

    /// The seeds of `range` that are this shard's: the range's start plus `index`, then every
    /// `count`-th.
    /// - Throws: ``UsageError`` if they are more than 10,000,000 (split the sweep further).
    func seeds(of range: ClosedRange<UInt64>) throws(UsageError) -> [UInt64] {
        let span = range.upperBound - range.lowerBound
        guard UInt64(index) <= span else { return [] }
        let number = (span - UInt64(index)) / UInt64(count) + 1
        guard number <= 10_000_000 else {
            throw UsageError("--seeds: \(number) seeds for one process, at most 10,000,000; split the sweep into more shards")
        }
        return (0..<number).map { range.lowerBound + UInt64(index) + $0 * UInt64(count) }
    }

    /// Where its result goes inside `--out`.
    var fileName: String { count == 1 ? "sweep.json" : "sweep-shard-\(index)-of-\(count).json" }

    /// `--shard I/N`; else the index from SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN) or
    /// JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), with the count from `--shard-count`,
    /// ICSIM_SHARD_COUNT or SLURM_ARRAY_TASK_COUNT, in that order; else the whole sweep.
    static func resolve(_ reader: ArgumentReader, environment: [String: String]) throws(UsageError) -> Shard {
        let flagCount = try reader.value("shard-count", expected: "an integer 1 or more", { Int($0) })
        if let text = reader.value("shard") {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index) else {
                throw UsageError("--shard: expected I/N with 0 <= I < N, such as 0/4, found \"\(text)\"")
            }
            if let flagCount, flagCount != count { throw UsageError("--shard-count \(flagCount): differs from --shard \(text)") }
            return Shard(index: index, count: count)
        }
        func number(_ name: String) throws(UsageError) -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text) else { throw UsageError("\(name)=\(text): expected an integer") }
            return value
        }
        var index: Int?
        let environmentCount = try number("ICSIM_SHARD_COUNT")
        var count = flagCount ?? environmentCount
        if let task = try number("SLURM_ARRAY_TASK_ID") {
            if let step = try number("SLURM_ARRAY_TASK_STEP"), step != 1 {
                throw UsageError("SLURM_ARRAY_TASK_STEP=\(step): a stepped job array cannot be mapped to shards; give --shard I/N")
            }
            let minimum = try number("SLURM_ARRAY_TASK_MIN")
            let arrayCount = try number("SLURM_ARRAY_TASK_COUNT")
            index = task - (minimum ?? 0)
            count = count ?? arrayCount
        } else if let completion = try number("JOB_COMPLETION_INDEX") {
            index = completion
        }
        guard let index else {
            if flagCount != nil { throw UsageError("--shard-count: needs a shard index (--shard, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)") }
            return Shard(index: 0, count: 1)
        }
        guard let count, count >= 1, (0..<count).contains(index) else {
            throw UsageError("shard \(index) of \(count.map(String.init) ?? "an unknown count") from the environment: give the count with --shard-count N "
                + "(ICSIM_SHARD_COUNT and SLURM_ARRAY_TASK_COUNT are read too)")
        }
        return Shard(index: index, count: count)
    }
}

/// `icsim merge DIR...`: the shards' results (every sweep*.json in the directories) as one
/// report, exactly the one a single sweep over all their seeds gives.
enum MergeCommand {
    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("merge", arguments, valueOptions: ["json"], flags: ["quiet"],
                                                      positionals: .checkedByCommand, output: &output) else { return 0 }
        guard !reader.positionals.isEmpty else { throw UsageError("merge: expected one or more directories of shard results") }
        if let path = reader.value("json") { try InputFiles.checkWritable(path, option: "json") }
        var reports: [SweepReport] = []
        for directory in reader.positionals {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                throw UsageError("\(directory): cannot read the directory: \(InputFiles.whyUnreadable(directory, directory: true))", suggestsHelp: false)
            }
            for name in names.sorted() where name.hasPrefix("sweep") && name.hasSuffix(".json") {
                let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
                let data = try InputFiles.read(path, what: "the shard result")
                do { reports.append(try SweepReport.load(Array(data))) } catch { throw UsageError("\(path):\n\(error)", suggestsHelp: false) }
            }
        }
        let merged: SweepReport
        do { merged = try SweepReport.merge(reports) } catch { throw UsageError("merge:\n\(error)", suggestsHelp: false) }
        if let failure = SweepCommand.write(merged, reader: reader, shard: Shard(index: 0, count: 1), output: &output) {
            errors.write("icsim: \(failure)\n")
            return 1
        }
        if !(try reader.flag("quiet")) && reader.value("json") != "-" { output.write(merged.text + "\n") }
        return merged.failedSeeds.isEmpty ? 0 : 1
    }
}

/// The progress line of a sweep on a terminal (standard error): seeds run, seeds failed and
/// the wall time left at the pace so far. It reads the wall clock, which never reaches a run.
final class SeedProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var done = 0
    private var failed = 0

    init(total: Int) {
        self.total = total
        started = clock.now
    }

    /// One more seed ended (`passed` or not): the line is rewritten.
    func finished(passed: Bool) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if !passed { failed += 1 }
        let (seconds, attoseconds) = (clock.now - started).components
        let elapsed = Double(seconds) + Double(attoseconds) / 1e18
        let left = elapsed / Double(done) * Double(total - done)
        let line = "sweep: \(done) of \(total) seeds run, \(failed) failed, about \(Int(left.rounded())) s left"
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// Erases the line.
    func clear() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

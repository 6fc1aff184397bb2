import Foundation
import ICSim

/// `icsim run [SCENARIO.json]`: loads a scenario (the built-in default without a file), runs
/// it, prints the summary and writes the reports asked for. Exit code 0 when every check
/// passed, 1 when one failed, 2 on bad input.
enum RunCommand {
    static let valueOptions = ["duration", "events", "html", "json", "seed", "threads", "trace"]

    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("run", arguments, valueOptions: valueOptions, flags: ["quiet", "print-scenario"],
                                                      positionals: .checkedByCommand, output: &output) else { return 0 }
        guard reader.positionals.count <= 1 else {
            throw UsageError("\(reader.positionals[1]): unexpected argument; run takes one scenario file")
        }
        let file = reader.positionals.first
        var scenario = try ScenarioFiles.load(file)
        try applyOverrides(reader, to: &scenario)
        if try reader.flag("print-scenario") {
            output.write(scenario.json)
            return 0
        }
        for option in ["json", "html", "trace", "events"] {
            if let path = reader.value(option) { try InputFiles.checkWritable(path, option: option) }
        }
        let modules = try ScenarioFiles.modules(of: scenario, file: file)
        let interfaces = try ScenarioFiles.interfaces(of: scenario, file: file)
        var simulation: ScenarioSimulation
        do {
            simulation = try ScenarioSimulation(scenario: scenario, modules: modules, interfaces: interfaces, recordsTimeline: reader.value("trace") != nil)
        } catch {
            throw UsageError("\(file ?? "the default scenario"):\n\(error)", suggestsHelp: false)
        }
        let quiet = try reader.flag("quiet")
        var events: TraceFileWriter?
        if let path = reader.value("events") {
            let writer = try TraceFileWriter(path: path, option: "--events")
            simulation.observeEvents { subnet, entry in writer.write(line: "{\"source\":\(subnet.map { "\"subnet \($0)\"" } ?? "\"clients\""),\"event\":\(entry.jsonLine)}") }
            events = writer
        }
        let threads = try reader.value("threads", expected: "an integer 1...256", { Int($0) }) ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1...256).contains(threads) else { throw UsageError("--threads \(threads): expected an integer 1...256") }
        let progress = ProgressLine(enabled: !quiet && isatty(2) == 1, duration: scenario.duration)
        simulation.run(threads: threads) { now, events in progress.update(now: now, events: events, errors: &errors) }
        progress.clear(errors: &errors)
        if let failure = events?.finish() {
            errors.write("icsim: \(failure)\n")
            return 1
        }
        let report = ScenarioReport(simulation)
        if let failure = writeReports(report, reader, output: &output) {
            errors.write("icsim: \(failure)\n")
            return 1
        }
        if !quiet && reader.value("json") != "-" { output.write(report.text + "\n") }
        return report.passed ? 0 : 1
    }

    /// `--seed` and `--duration` replace the scenario's.
    static func applyOverrides(_ reader: ArgumentReader, to scenario: inout Scenario) throws(UsageError) {
        if let seed = try reader.value("seed", expected: "an integer 0...\(UInt64.max)", { UInt64($0) }) { scenario.seed = seed }
        if let text = reader.value("duration") {
            do { scenario.duration = try SimDuration.parse(text) } catch { throw UsageError("--duration: \(error)") }
            guard scenario.duration > .zero else { throw UsageError("--duration: must be longer than zero") }
        }
    }

    /// Writes `--json`, `--html` and `--trace` (`-` for standard output); the first failure.
    static func writeReports(_ report: ScenarioReport, _ reader: ArgumentReader, output: inout some TextOutputStream) -> String? {
        let files: [(option: String, contents: () -> String)] = [
            ("json", { report.json }), ("html", { HTMLReport(report).html }), ("trace", { ChromeTrace(report).json }),
        ]
        for (option, contents) in files {
            guard let path = reader.value(option) else { continue }
            if let failure = ReportOutput.write(contents(), to: path, option: option, output: &output) { return failure }
        }
        return nil
    }
}

/// Reading scenario files and the modules they name.
enum ScenarioFiles {
    /// The scenario in `file` (the built-in default when `nil`).
    static func load(_ file: String?) throws(UsageError) -> Scenario {
        guard let file else { return .builtinDefault }
        let data = try InputFiles.read(file, what: "the scenario file")
        do { return try ScenarioLoader.load(Array(data)) } catch {
            throw UsageError("\(file): \(error.problems.count) problem\(error.problems.count == 1 ? "" : "s"):\n\(error)", suggestsHelp: false)
        }
    }

    /// The modules of `scenario`'s canisters; files are read relative to `file`'s directory.
    static func modules(of scenario: Scenario, file: String?) throws(UsageError) -> [[UInt8]] {
        let directory = file.map { URL(fileURLWithPath: $0).deletingLastPathComponent() } ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        do {
            return try scenario.modules { path in
                let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
                return FileManager.default.contents(atPath: url.path).map { Array($0) }
            }
        } catch {
            throw UsageError("\(file ?? "the default scenario"):\n\(error)", suggestsHelp: false)
        }
    }
}

/// The progress line on standard error while a run goes on (only when it is a terminal):
/// virtual time done, events per second, and the estimated wall time left. It reads the wall
/// clock, which never reaches the simulation.
final class ProgressLine {
    let enabled: Bool
    let duration: SimDuration
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant

    init(enabled: Bool, duration: SimDuration) {
        self.enabled = enabled
        self.duration = duration
        started = clock.now
    }

    func update(now: SimInstant, events: UInt64, errors: inout some TextOutputStream) {
        guard enabled else { return }
        let (seconds, attoseconds) = (clock.now - started).components
        let elapsed = max(Double(seconds) + Double(attoseconds) / 1e18, 1e-6)
        let done = Double((now - .zero).nanoseconds) / Double(max(duration.nanoseconds, 1))
        let left = done > 0 ? elapsed * (1 - done) / done : 0
        let line = "\(now) of \(duration) (\(Int(done * 100))%), \(Int(Double(events) / elapsed)) events/s, about \(Int(left.rounded())) s left"
        errors.write("\r\u{1B}[K" + line)
    }

    func clear(errors: inout some TextOutputStream) {
        if enabled { errors.write("\r\u{1B}[K") }
    }
}

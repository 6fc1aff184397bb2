import Foundation
import ICSim
import KernelDemo

/// `icsim demo`: the demonstration of the deterministic kernel (gossiping actors with lossy
/// links, timers and crash faults; not an IC model).
enum DemoCommand {
    private static let valueOptions = ["actors", "duration", "events", "fanout", "json", "loss", "seed"]

    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("demo", arguments, valueOptions: valueOptions, flags: [], positionals: .optionsOnly,
                                                      output: &output) else { return 0 }
        let configuration = try configuration(from: reader)
        let problems = configuration.problems()
        guard problems.isEmpty else { throw UsageError(ConfigurationErrors(problems: problems).description) }
        let json = reader.value("json")
        if let json { try InputFiles.checkWritable(json, option: "json") }

        var writer: TraceFileWriter?
        if let path = reader.value("events") {
            try InputFiles.checkWritable(path, option: "events")
            do { writer = try TraceFileWriter(path: path, option: "--events") } catch {
                errors.write("icsim: \(error)\n")
                return 1
            }
        }
        let clock = ContinuousClock()  // wall time for the report footer only; never reaches the simulation
        let started = clock.now
        let report: GossipDemoReport
        do {
            report = try GossipDemo.run(configuration, traceObserver: writer.map { file in { file.write($0) } })
        } catch {
            throw UsageError(error.description)
        }
        let elapsed = clock.now - started
        if let writer, let failure = writer.finish() {
            errors.write("icsim: \(failure)\n")
            return 1
        }
        if let json, let failure = ReportOutput.write(report.json + "\n", to: json, option: "json", output: &output) {
            errors.write("icsim: \(failure)\n")
            return 1
        }
        if json != "-" { output.write(report.text + "\n" + footer(report, elapsed) + "\n") }
        return 0
    }

    private static func configuration(from reader: ArgumentReader) throws(UsageError) -> GossipDemoConfiguration {
        var configuration = GossipDemoConfiguration()
        if let seed = try reader.value("seed", expected: "an integer 0...\(UInt64.max)", { UInt64($0) }) {
            configuration.seed = seed
        }
        if let text = reader.value("duration") {
            do { configuration.duration = try SimDuration.parse(text) } catch {
                throw UsageError("--duration: \(error)")
            }
        }
        if let actors = try reader.value("actors", expected: "an integer", { Int($0) }) {
            configuration.actors = actors
        }
        if let fanout = try reader.value("fanout", expected: "an integer", { Int($0) }) {
            configuration.fanout = fanout
        }
        if let loss = try reader.value("loss", expected: "a probability such as 1% or 1/100", Probability.parse) {
            configuration.lossProbability = loss
        }
        return configuration
    }

    private static func footer(_ report: GossipDemoReport, _ elapsed: Duration) -> String {
        let (seconds, attoseconds) = elapsed.components
        let microseconds = max(seconds * 1_000_000 + attoseconds / 1_000_000_000_000, 1)
        let rate = Int64(report.result.eventsProcessed) * 1_000_000 / microseconds
        let wall = SimDuration.microseconds(microseconds)
        return "wall time: \(wall) (\(rate) events/s; not part of the deterministic output)"
    }
}

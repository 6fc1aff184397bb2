import Foundation
import ICSim

/// `icsim subnet`: one subnet of ICC nodes on the simulated network, honest and without load.
enum SubnetCommand {
    private static let valueOptions: Set<String> = ["seed", "duration", "nodes"]
    private static let flags = ["json", "help"]

    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        let reader = try ArgumentReader(arguments, valueOptions: valueOptions)
        try reader.rejectUnknown(known: valueOptions.sorted() + flags)
        if let extra = reader.positionals.first {
            throw UsageError("\(extra): unexpected argument; subnet takes only options")
        }
        if try reader.flag("help") {
            output.write(CommandLineTool.usage)
            return 0
        }
        let nodes = try reader.value("nodes", expected: "an integer 1...1000", { Int($0) }) ?? 13
        let seed = try reader.value("seed", expected: "an integer 0...\(UInt64.max)", { UInt64($0) }) ?? 42
        var duration = SimDuration.seconds(60)
        if let text = reader.value("duration") {
            do { duration = try SimDuration.parse(text) } catch { throw UsageError("--duration: \(error)") }
        }
        guard (1...1_000).contains(nodes) else { throw UsageError("--nodes \(nodes): expected an integer 1...1000") }
        let clock = ContinuousClock()  // wall time for the footer only; never reaches the simulation
        let started = clock.now
        let report: SubnetReport
        do {
            report = try SubnetReport.run(SubnetConfiguration(nodeCount: nodes, seed: seed), duration: duration)
        } catch {
            throw UsageError(error.description)
        }
        let elapsed = clock.now - started
        if try reader.flag("json") {
            output.write(report.json + "\n")
        } else {
            output.write(report.text + "\nwall time: \(elapsed) (not part of the deterministic output)\n")
        }
        return report.violation == nil ? 0 : 1
    }
}

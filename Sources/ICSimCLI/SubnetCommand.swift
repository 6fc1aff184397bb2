import Foundation
import ICSim

/// `icsim subnet`: one subnet of ICC nodes on the simulated network (the six cloud regions,
/// or with `--data-centres` the IC's twelve data centres), honest, optionally running a
/// canister under a constant rate of update calls.
enum SubnetCommand {
    private static let valueOptions = ["canister", "duration", "json", "method", "nodes", "rate", "seed"]

    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("subnet", arguments, valueOptions: valueOptions, flags: ["data-centres"], positionals: .optionsOnly,
                                                      output: &output) else { return 0 }
        let json = reader.value("json")
        if let json { try InputFiles.checkWritable(json, option: "json") }
        let nodes = try reader.value("nodes", expected: "an integer 1...1000", { Int($0) }) ?? 13
        let seed = try reader.value("seed", expected: "an integer 0...\(UInt64.max)", { UInt64($0) }) ?? 42
        var duration = SimDuration.seconds(60)
        if let text = reader.value("duration") {
            do { duration = try SimDuration.parse(text) } catch { throw UsageError("--duration: \(error)") }
        }
        guard (1...1_000).contains(nodes) else { throw UsageError("--nodes \(nodes): expected an integer 1...1000") }
        var configuration = SubnetConfiguration(nodeCount: nodes, seed: seed)
        if try reader.flag("data-centres") { configuration.network = .icDataCentres(nodeCount: nodes) }
        try addLoad(from: reader, duration: duration, to: &configuration)
        let clock = ContinuousClock()  // wall time for the footer only; never reaches the simulation
        let started = clock.now
        let report: SubnetReport
        do {
            report = try SubnetReport.run(configuration, duration: duration)
        } catch {
            throw UsageError(error.description)
        }
        let elapsed = clock.now - started
        if let json, let failure = ReportOutput.write(report.json + "\n", to: json, option: "json", output: &output) {
            errors.write("icsim: \(failure)\n")
            return 1
        }
        if json != "-" { output.write(report.text + "\nwall time: \(elapsed) (not part of the deterministic output)\n") }
        return report.violation == nil ? 0 : 1
    }

    /// With `--canister`: the module as canister 1, and users calling `--method` `--rate`
    /// times a second from t = 1 s to the end of the run (one user per call, numbered).
    static func addLoad(from reader: ArgumentReader, duration: SimDuration, to configuration: inout SubnetConfiguration) throws(UsageError) {
        guard let path = reader.value("canister") else {
            for option in ["method", "rate"] where reader.value(option) != nil {
                throw UsageError("--\(option): only with --canister")
            }
            return
        }
        let data = try InputFiles.read(path, what: "the module (--canister)")
        let rate = try reader.value("rate", expected: "an integer 1...100000 (calls per second)", { Int($0) }) ?? 10
        guard (1...100_000).contains(rate) else { throw UsageError("--rate \(rate): expected an integer 1...100000 (calls per second)") }
        let method = reader.value("method") ?? "inc"
        let canister = CanisterID(1)
        configuration.canisters = [CanisterSetup(id: canister, wasm: Array(data))]
        let interval = SimDuration.nanoseconds(1_000_000_000 / Int64(rate))
        var at = SimInstant.zero + .seconds(1)
        var index: UInt64 = 0
        while at < .zero + duration {
            index += 1
            configuration.ingress.append(SubmittedIngress(
                at: at, IngressMessage(id: index, sender: .user(index), receiver: canister, method: method, argument: [])))
            at = at + interval
        }
    }
}

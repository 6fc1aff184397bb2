import Foundation
import ICSim

/// `icsim verify SCENARIO.json`: runs the scenario in two separate processes (each with its
/// own hash seeding and memory layout) and compares their reports; when they differ, runs both
/// again writing every event and names the first event that differs.
enum VerifyCommand {
    static func main(_ arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("verify", arguments, valueOptions: ["seed", "duration"], flags: [],
                                                      positionals: .oneScenarioFile, output: &output) else { return 0 }
        let file = reader.positionals[0]
        var passOn = ["run", file, "--quiet"]
        for option in ["seed", "duration"] { if let value = reader.value(option) { passOn += ["--\(option)", value] } }
        // Bad input fails here, in this process, with the usual message.
        var scenario = try ScenarioFiles.load(file)
        try RunCommand.applyOverrides(reader, to: &scenario)
        _ = try ScenarioFiles.modules(of: scenario, file: file)
        _ = try ScenarioFiles.interfaces(of: scenario, file: file)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("icsim-verify-\(getpid())")
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            errors.write("icsim: cannot create \(directory.path)\n")
            return 1
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let reports = ["a.json", "b.json"].map { directory.appendingPathComponent($0).path }
        for path in reports {
            if let failure = runChild(passOn + ["--json", path]) {
                errors.write("icsim: \(failure)\n")
                return 1
            }
        }
        let first = FileManager.default.contents(atPath: reports[0]) ?? Data()
        let second = FileManager.default.contents(atPath: reports[1]) ?? Data()
        let hash = traceHash(in: first)
        if first == second, !first.isEmpty {
            output.write("identical: two processes gave the same report (trace hash \(hash ?? "?"))\n")
            return 0
        }
        output.write("DIFFERENT: the two processes gave different reports (trace hashes \(hash ?? "?") and \(traceHash(in: second) ?? "?"))\n")
        let events = ["a.events", "b.events"].map { directory.appendingPathComponent($0).path }
        for path in events {
            if let failure = runChild(passOn + ["--events", path]) {
                errors.write("icsim: \(failure)\n")
                return 1
            }
        }
        _ = try TraceDiffCommand.main(events, output: &output)
        return 1
    }

    /// Runs this executable with `arguments`; a description of the failure, if it failed to
    /// run (exit codes 0 and 1 both mean it ran: 1 is a failed check).
    static func runChild(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if !FileManager.default.isExecutableFile(atPath: process.executableURL?.path ?? ""), let path = Bundle.main.executablePath {
            process.executableURL = URL(fileURLWithPath: path)
        }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "cannot start \(process.executableURL?.path ?? "icsim"): \(error.localizedDescription)" }
        process.waitUntilExit()
        return process.terminationStatus <= 1 ? nil : "the child process exited with code \(process.terminationStatus)"
    }

    /// The `"traceHash"` of a JSON report.
    static func traceHash(in report: Data) -> String? {
        guard let value = try? JSONParser.parse(Array(report)), case .string(let hash)? = value["traceHash"] else { return nil }
        return hash
    }
}

import Foundation
import ICSim

/// The `icsim` command: parses arguments, runs the requested command, writes its output.
///
/// Exit codes: 0 success; 1 the command ran and failed (an I/O error, traces that differ);
/// 2 bad arguments (the message names the argument and what was expected).
public enum CommandLineTool {
    /// The tool's version.
    public static let version = "0.1.0-dev"

    /// Runs `icsim` with `arguments` (without the program name) and returns the exit code.
    public static func main(arguments: [String], output: inout some TextOutputStream, errors: inout some TextOutputStream) -> Int32 {
        do throws(UsageError) {
            switch arguments.first {
            case nil, "run":
                return try RunCommand.main(Array(arguments.dropFirst()), output: &output, errors: &errors)
            case "subnet":
                return try SubnetCommand.main(Array(arguments.dropFirst()), output: &output, errors: &errors)
            case "trace-diff":
                return try TraceDiffCommand.main(Array(arguments.dropFirst()), output: &output)
            case "wasm":
                return try WasmCommand.main(Array(arguments.dropFirst()), output: &output, errors: &errors)
            case "help", "--help", "-h":
                output.write(usage)
                return 0
            case "--version":
                output.write("icsim \(version)\n")
                return 0
            case let option? where option.hasPrefix("--"):
                return try RunCommand.main(arguments, output: &output, errors: &errors)
            case let command?:
                throw UsageError("\(command): unknown command; expected run, subnet, trace-diff, wasm or help")
            }
        } catch {
            errors.write("icsim: \(error.message)\n" + (error.suggestsHelp ? "Run `icsim help` for usage.\n" : ""))
            return 2
        }
    }

    /// The help text.
    public static let usage = """
        icsim: a deterministic discrete-event simulator of the Internet Computer.

        USAGE
          icsim [run] [options]        Run the built-in default scenario and print its report.
          icsim subnet [--nodes N] [--duration D] [--seed N] [--json]
                       [--canister F.wasm [--method NAME] [--rate N]]
                                       One subnet of N ICC nodes (default 13) over six cloud regions,
                                       honest: safety, finalization, latency, rounds, messages and the
                                       trace hash. With --canister, the module runs as canister 1 and
                                       users call METHOD (default inc) N times a second (default 10)
                                       from t = 1 s: answers, latency to certified answer, state hash.
                                       Exit code 1 if safety was violated.
          icsim trace-diff A B         Name the first event where two JSON Lines traces differ.
          icsim wasm validate F.wasm   Decode and validate a WebAssembly module: a summary, or every error.
          icsim wasm run F.wasm --invoke EXPORT [i32:5 i64:-1 f32:1.5 f64:0.25 ...] [--fuel N] [--stats] [--spectest]
                                       Call an export (no imports, or the spec tests' spectest module)
                                       and print its results as TYPE:VALUE;
                                       --fuel defaults to the IC's 40 billion instructions per update.
          icsim help | --version

        The default scenario is, for now, a demonstration of the deterministic kernel
        (gossiping actors with lossy links, timers and crash faults), not yet an IC model.

        RUN OPTIONS
          --seed N           root seed (default 42); same seed, same trace hash
          --duration D       virtual time to simulate, e.g. 500ms, 2.5s, 10m (default 60s)
          --actors N         number of actors, 2-1000 (default 13)
          --fanout N         peers per gossip round (default 3)
          --loss P           message loss, e.g. 1% or 1/100 (default 1%)
          --trace FILE       write every event as JSON Lines to FILE
          --json             print the report as one JSON object (deterministic bytes)

        EXIT CODES
          0 success, 1 failure (I/O error, traces differ), 2 bad arguments or bad input
          (a malformed or invalid module: the message names the byte offset and function),
          3 the WebAssembly code trapped, 4 its instruction limit (--fuel) was reached

        """
}

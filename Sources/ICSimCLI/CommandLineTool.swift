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
            let rest = Array(arguments.dropFirst())
            switch arguments.first {
            case nil, "run": return try RunCommand.main(rest, output: &output, errors: &errors)
            case "verify": return try VerifyCommand.main(rest, output: &output, errors: &errors)
            case "sweep": return try SweepCommand.main(rest, output: &output, errors: &errors)
            case "swarm": return try SwarmCommand.main(rest, output: &output, errors: &errors)
            case "shrink": return try ShrinkCommand.main(rest, output: &output, errors: &errors)
            case "merge": return try MergeCommand.main(rest, output: &output, errors: &errors)
            case "call": return try CallCommand.main(rest, output: &output, errors: &errors)
            case "subnet": return try SubnetCommand.main(rest, output: &output, errors: &errors)
            case "demo": return try DemoCommand.main(rest, output: &output, errors: &errors)
            case "trace-diff": return try TraceDiffCommand.main(rest, output: &output)
            case "wasm": return try WasmCommand.main(rest, output: &output, errors: &errors)
            case "help", "--help", "-h":
                guard let command = rest.first else {
                    output.write(usage)
                    return 0
                }
                guard let text = commandHelp[command] else {
                    throw UsageError("help \(command): no such command; expected one of \(commandHelp.keys.sorted().joined(separator: ", "))")
                }
                output.write(text)
                return 0
            case "--version":
                output.write("icsim \(version)\n")
                return 0
            case let option? where option.hasPrefix("--") || option.hasSuffix(".json"):
                return try RunCommand.main(arguments, output: &output, errors: &errors)
            case let command?:
                throw UsageError("\(command): unknown command; expected run, verify, sweep, merge, swarm, shrink, call, subnet, demo, trace-diff, wasm or help")
            }
        } catch {
            errors.write("icsim: \(error.message)\n" + (error.suggestsHelp ? "Run `icsim help` for usage.\n" : ""))
            return 2
        }
    }

    /// The help of `command` (the general usage if it has none of its own).
    static func help(for command: String) -> String { commandHelp[command] ?? usage }

    /// The help text.
    public static let usage = """
        icsim: a deterministic discrete-event simulator of the Internet Computer.

        USAGE
          icsim                        Run the built-in default scenario (a 13-node application subnet,
                                       a counter canister under mixed load, one Byzantine node) and print
                                       its report. Same as `icsim run`.
          icsim run [SCENARIO.json] [--seed N] [--duration D] [--json F] [--html F] [--trace F] [--threads N] [--quiet]
                                       Run a scenario file (Docs/Scenarios.md) and check its expectations.
          icsim verify SCENARIO.json   Run it in two processes and compare (the first differing event if any).
          icsim sweep SCENARIO.json --seeds A-B [--jobs N] [--shard I/N] [--out DIR]
                                       Many seeds in parallel: the distribution of every metric, failed seeds.
          icsim merge DIR...           Combine sweep shards' results into the report of one sweep.
          icsim swarm --seeds A-B [--nodes N] [--out DIR]
                                       Random scenarios with faults, checked; failures written as scenarios.
          icsim shrink FAILING.json [--check C] [--out F]
                                       Minimise a failing scenario to a small one failing the same check.
          icsim call WASM METHOD [ARGUMENT] [--init ARGUMENT] [--query] [--caller PRINCIPAL] [--did FILE]
                                       Install a module on a 13-node subnet, call it (Candid text), print the reply.
          icsim subnet [options]       One subnet without a scenario file (consensus, optionally a canister).
          icsim demo [options]         The deterministic kernel's demonstration (not an IC model).
          icsim trace-diff A B         Name the first event where two JSON Lines event files differ.
          icsim wasm validate F.wasm   Decode and validate a WebAssembly module.
          icsim wasm run F.wasm --invoke EXPORT [ARGS...]   Call an export of a module.
          icsim help [COMMAND] | --version

        `icsim help COMMAND` (or `icsim COMMAND --help`, `-h`) documents each command's options. An option
        given twice is an error. In every command `--json F` writes a JSON report to F (- for standard
        output); output files are checked before any work starts.

        EXIT CODES
          0 success (every check of a scenario passed), 1 failure (a check failed, an I/O error,
          traces differ), 2 bad arguments or bad input (the message names the argument, the JSON
          path in a scenario, or the byte offset in a module, and what was expected), 3 the
          WebAssembly code trapped, 4 its instruction limit (--fuel) was reached

        """

    /// Each command's help.
    static let commandHelp: [String: String] = [
        "run": """
            icsim run [SCENARIO.json] [options]

            Runs a scenario (the built-in default without a file), prints its summary (each client's
            calls and latency, each subnet's consensus and execution, the faults, every check) and exits
            0 when every check passed, 1 when one failed (the summary says which and why), 2 on bad input
            (every problem of the file, each with its JSON path).

            OPTIONS
              --seed N          replace the scenario's root seed (0...2^64-1)
              --duration D      replace its virtual duration, e.g. 500ms, 2.5s, 10m
              --json F          write the report as JSON (keys sorted; schema in Docs/Scenarios.md); - for stdout
              --html F          write the report as one self-contained HTML page with SVG plots
              --trace F         write a Chrome trace-event file (open it in https://ui.perfetto.dev)
              --quiet           print nothing but errors (and the reports written to -)
              --print-scenario  print the scenario as JSON (defaults filled in) instead of running it
              --threads N       threads for the subnets of a multi-subnet scenario (default: one per
                                core); the run is the same for every N (Docs/Determinism.md)
              --events F        write every event (subnets' and clients') as JSON Lines, for `icsim trace-diff`

            A progress line (virtual time, events per second, time left) goes to stderr when it is a terminal.

            """,
        "verify": """
            icsim verify SCENARIO.json [--seed N] [--duration D]

            Runs the scenario twice, in two separate processes of this executable, and compares their JSON
            reports (trace hash included). Identical: exit 0. Different: runs both again writing every event
            and prints the first event that differs; exit 1.

            """,
        "sweep": """
            icsim sweep SCENARIO.json --seeds A-B [--jobs N] [--shard I/N | --shard-count N] [--out DIR]
                        [--duration D] [--json F] [--quiet]

            Runs the scenario once per seed from A to B, on N threads of this machine (default: one per core;
            each simulation is single-threaded and deterministic), and prints the seeds whose checks failed
            and each metric's distribution over the seeds (min, p50, p90, max, mean). Exit 1 if a seed failed.

              --shard I/N       run only shard I of N (the seeds A+I, A+I+N, ...), for a cluster job; without it,
                                the index comes from SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) or
                                JOB_COMPLETION_INDEX, the count from --shard-count, ICSIM_SHARD_COUNT or
                                SLURM_ARRAY_TASK_COUNT (Docs/Scaling.md)
              --out DIR         write the result to DIR/sweep.json (DIR/sweep-shard-I-of-N.json for a shard),
                                for `icsim merge`
              --json F          write the combined report as JSON (- for stdout)

            """,
        "merge": """
            icsim merge DIR... [--json F] [--quiet]

            Reads every sweep*.json in the directories (the shards of one sweep) and prints the report one
            sweep over all their seeds gives. Fails (exit 2) if the shards ran different scenarios or seed
            ranges, or a shard is missing or given twice.

            """,
        "swarm": """
            icsim swarm --seeds A-B [--nodes N] [--out DIR] [--jobs N] [--fault-phase D] [--verbose | --quiet]

            Swarm testing: each seed generates a random scenario (subnets, protocol parameters, workload,
            and faults from a random subset of the fault kinds, with at most f nodes per subnet crashed,
            paused or Byzantine) in two phases: faults, then every fault healed and time for the liveness
            bound to pass. Each runs with the safety, liveness and nothing-lost checks. Each failing seed's
            scenario is written to DIR/swarm-SEED.json (default DIR: swarm-failures), and its line on stderr
            gives the `icsim run` command that replays it (`icsim shrink` minimises it); a progress line
            follows every 5% of the seeds. Exit 1 if a seed failed.

              --nodes N         nodes per subnet (default: 4, 7 or 13, drawn per seed)
              --fault-phase D   the longest fault phase (default 90s; each seed draws from a fifth of it up)
              --jobs N          threads (default: one per core)
              --verbose         also each seed's drawn parameters when it starts, and its verdict
              --quiet           print only the summary

            """,
        "shrink": """
            icsim shrink FAILING.json [--check CHECK] [--out FILE] [--runs N] [--quiet]

            Delta debugging: removes faults, clients, subnets and canisters, shortens the run, makes subnets
            smaller, narrows each fault (fewer nodes and behaviours, a shorter window), lightens the load and
            returns parameters to their defaults, keeping each change after which the scenario still fails
            the check, until no single change does or the run budget is spent. Writes the result (Wasm files
            embedded, so it stands alone) and prints each step kept.

              --check CHECK     safety, liveness, nothingLost, allCallsAnswered, latency[N] or throughput[N]
                                (default: the first check the scenario fails). The check is judged by its
                                property: for safety, a fork anywhere fails it even if the scenario expects one.
              --out FILE        where to write (default: FAILING.shrunk.json)
              --runs N          the most simulations to run (default 300)

            Exit 0 when written, 1 when the scenario does not fail the check, 2 on bad input.

            """,
        "call": """
            icsim call WASM METHOD [ARGUMENT] [--init ARGUMENT] [--query] [--caller PRINCIPAL] [--did FILE] [--seed N]

            Creates a canister on a default 13-node application subnet (the caller creates it and is its
            controller), installs WASM with the init argument, makes one call of METHOD with ARGUMENT, and
            prints the reply as Candid text. An update call goes through consensus and returns once its
            answer is certified; a query (--query) is answered by one replica.

            Arguments are Candid text, e.g. '("world")' or '(record { a = 1; b = opt "x" })' (default: '()'),
            encoded with the method's types from the module's candid:service section or from --did FILE.
            Without either, the text must annotate its types: '(42 : nat)'.

              --init ARGUMENT    the argument of canister_init (default '()'), typed by the service's init types
              --query            make a query instead of an update call
              --caller P         the caller and controller, a textual principal (default \(CallCommand.defaultCaller))
              --did FILE         the service description to use instead of the module's
              --seed N           the simulation's root seed (default 1)

            Exit 0 with the reply on stdout; 1 if the call was rejected (its reject code and message on
            stderr) or expired; 2 on bad input (which argument, and what was expected).

            """,
        "subnet": """
            icsim subnet [--nodes N] [--duration D] [--seed N] [--json F] [--data-centres] [--canister F.wasm [--method NAME] [--rate N]]

            One subnet of N ICC nodes (default 13) over six cloud regions, honest: safety, finalization,
            latency, rounds, messages and the trace hash. With --data-centres, the nodes are on the IC's
            own network instead: its twelve data centres and their measured round trips (September 2023),
            one node per data centre, round-robin beyond twelve. With --canister, the module runs as
            canister 1 and users call METHOD (default inc) N times a second (default 10) from t = 1 s:
            answers, latency to certified answer, state hash. Exit code 1 if safety was violated.
            --json F writes the report as JSON to F (- for standard output, then nothing else is printed).

            """,
        "demo": """
            icsim demo [--seed N] [--duration D] [--actors N] [--fanout N] [--loss P] [--events F] [--json F]

            The deterministic kernel's demonstration: gossiping actors with lossy links, timers and crash
            faults (not an Internet Computer model).

              --seed N           root seed (default 42); same seed, same trace hash
              --duration D       virtual time to simulate (default 60s)
              --actors N         number of actors, 2-1000 (default 13)
              --fanout N         peers per gossip round (default 3)
              --loss P           message loss, e.g. 1% or 1/100 (default 1%)
              --events FILE      write every event as JSON Lines to FILE (for `icsim trace-diff`)
              --json FILE        write the report as one JSON object (deterministic bytes); - for stdout

            """,
        "trace-diff": """
            icsim trace-diff A B

            Compares two JSON Lines event files (`icsim run --events`, `icsim demo --events`) and names the
            first event that differs.

            """,
        "wasm": """
            icsim wasm validate F.wasm
            icsim wasm run F.wasm --invoke EXPORT [i32:5 i64:-1 f32:1.5 f64:0.25 ...] [--fuel N] [--stats] [--spectest]

            validate: decode and validate a module: a summary, or every error with its byte offset.
            run: call an export (a module with no imports, or the spec tests' spectest module) and print its
            results as TYPE:VALUE; --fuel defaults to the IC's 40 billion instructions per update.

            """,
    ]
}

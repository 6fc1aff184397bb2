import ICSim
import Wasm

/// What a fuzz target found: a crash of its own making, so libFuzzer saves the input.
func finding(_ message: String) -> Never {
    fatalError("icsim-fuzz finding: \(message)")
}

/// The fuzz targets. Each takes any bytes; it returns normally unless it finds a bug, when it
/// stops the process with a message (libFuzzer then saves the input as a crash). A crash of
/// the library itself (a trap, a sanitizer report, a hang past libFuzzer's timeout, memory
/// past its limit) is a finding too.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The decoder and validator: `CompiledModule.load` on the bytes must return a module or
    /// a load error with a description; never crash, hang or allocate without bound.
    case wasmLoad = "wasm-load"
    /// The interpreter on whatever valid module the bytes are: instantiated against stub
    /// imports, every exported function called with zero arguments under a small
    /// instruction limit, then again in slices of random size; both must agree exactly.
    case wasmRun = "wasm-run"
    /// A generated valid program (``ProgramGenerator``) run by the interpreter and by the
    /// reference evaluator written from the specification: result or trap, memory and
    /// global must agree, also when the run is sliced.
    case wasmDifferential = "wasm-differential"
    /// The scenario loader: a scenario or a scenario error with problems; a scenario that
    /// loads must write out and read back equal, and must build a simulation.
    case scenarioLoad = "scenario-load"
    /// Candid: binary messages decoded (without types and at fixed types) and round-tripped,
    /// text parsed and encoded, service descriptions parsed; never a crash.
    case candid = "candid"

    /// Runs the target on one input.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .wasmLoad: WasmHarness.load(bytes)
        case .wasmRun: WasmHarness.run(bytes)
        case .wasmDifferential: WasmHarness.differential(bytes)
        case .scenarioLoad: ScenarioHarness.load(bytes)
        case .candid: CandidHarness.run(bytes)
        }
    }
}

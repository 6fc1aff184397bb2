// swift-tools-version: 6.1
// ICSim: a deterministic discrete-event simulator of the Internet Computer.
// The library takes no package dependencies; see Docs/Architecture.md for the layering.
import PackageDescription

let package = Package(
    name: "ICSim",
    products: [
        // What users import: re-exports every layer below the composition root.
        .library(name: "ICSim", targets: ["ICSim"]),
        // The command-line tool: `swift run icsim`.
        .executable(name: "icsim", targets: ["icsim"]),
        // For the test and fuzz packages beside this one (Tests/Fuzz); not for users.
        .library(name: "ICSimTestSupport", targets: ["ICSimTestSupport"]),
    ],
    targets: [
        // Layer 0: the deterministic kernel (virtual time, random streams, event queue, trace).
        .target(name: "SimCore"),
        // Layer 0: the WebAssembly decoder, validator, compiler and metered interpreter; knows
        // nothing of the IC, whose layer supplies the imports.
        .target(name: "Wasm"),
        // Layer 0: Candid, the IC's interface description language: types, values, the
        // binary format, the textual syntax and service descriptions (.did).
        .target(name: "Candid"),
        // Layer 1: ICC consensus as a pure state machine per node (no I/O, no clock).
        .target(name: "Consensus", dependencies: ["SimCore"]),
        // Layer 1: canisters and the System API over the interpreter: messages, persistence,
        // rollback (no I/O: the shell feeds it finalized blocks).
        .target(name: "ExecutionLayer", dependencies: ["SimCore", "Wasm", "Candid"]),
        // Layer 2, the IC model: the network model, replicas, subnets, several subnets in one
        // virtual time, and the checkers that watch them from outside.
        .target(name: "InternetComputer", dependencies: ["SimCore", "Wasm", "Consensus", "ExecutionLayer"]),
        // Layer 3: the JSON layer, the scenario format (read, validated, written), the clients,
        // the built-in canisters, and a scenario's run (the IC and its clients in one time).
        .target(name: "Scenarios", dependencies: ["SimCore", "Wasm", "Candid", "Consensus", "ExecutionLayer", "InternetComputer"]),
        // Layer 4: what a run reports: text, JSON, HTML with plots, Chrome traces, sweeps.
        .target(name: "ScenarioReports", dependencies: ["SimCore", "Wasm", "Consensus", "ExecutionLayer", "InternetComputer", "Scenarios"]),
        // Layer 3: a simulated IC driven call by call from tests (create, install, update,
        // query, advance time, inject faults), over the same model as scenarios.
        .target(name: "CallAPI", dependencies: ["SimCore", "Wasm", "Candid", "ExecutionLayer", "InternetComputer"]),
        // What users import: re-exports the layers above (not the testing tools or the demo).
        .target(name: "ICSim", dependencies: ["SimCore", "Wasm", "Candid", "Consensus", "ExecutionLayer", "InternetComputer", "Scenarios", "ScenarioReports", "CallAPI"]),
        // Testing tools over scenarios: swarm testing, shrinking, planted bugs.
        .target(name: "ICSimTesting", dependencies: ["ICSim"]),
        // The kernel's demonstration (gossip over the kernel alone), for `icsim demo`.
        .target(name: "KernelDemo", dependencies: ["SimCore"]),
        // The CLI's logic as a library, so tests can drive it without a process.
        .target(name: "ICSimCLI", dependencies: ["ICSim", "ICSimTesting", "KernelDemo"]),
        // The executable: a thin entry point over ICSimCLI.
        .executableTarget(name: "icsim", dependencies: ["ICSimCLI"]),

        // Shared test support: statistics, seeded model builders, process helpers.
        .target(name: "ICSimTestSupport", dependencies: ["SimCore"], path: "Tests/ICSimTestSupport"),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore", "ICSimTestSupport"]),
        // Fixtures/: modules built by other compilers, with their sources and build scripts.
        .testTarget(name: "WasmTests", dependencies: ["Wasm", "SimCore", "ICSimTestSupport"], exclude: ["Fixtures"]),
        // Oracle/: the Python driver of the differential test against ic-py.
        .testTarget(name: "CandidTests", dependencies: ["Candid"], exclude: ["Oracle"]),
        .testTarget(name: "ConsensusTests", dependencies: ["Consensus", "SimCore"]),
        // Fixtures/: canisters written in C, with their sources and build script.
        .testTarget(name: "ExecutionLayerTests", dependencies: ["ExecutionLayer", "Wasm", "SimCore"], exclude: ["Fixtures"]),
        .testTarget(name: "InternetComputerTests", dependencies: ["InternetComputer", "ExecutionLayer", "Consensus", "Wasm", "SimCore", "ICSimTestSupport"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "ICSim", "ICSimTestSupport"]),
        .testTarget(name: "ScenarioReportsTests", dependencies: ["ScenarioReports", "ICSim", "ICSimTestSupport"]),
        .testTarget(name: "CallAPITests", dependencies: ["CallAPI", "ICSim", "ICSimTestSupport"]),
        // RealCanisters/: a scenario of the real canisters in ../shared/canisters (the CLI tests run it).
        .testTarget(name: "ICSimTests", dependencies: ["ICSim", "ICSimTestSupport"], exclude: ["RealCanisters"]),
        .testTarget(name: "ICSimTestingTests", dependencies: ["ICSimTesting", "ICSim", "ICSimTestSupport"]),
        .testTarget(name: "KernelDemoTests", dependencies: ["KernelDemo", "SimCore"]),
        .testTarget(name: "ICSimCLITests", dependencies: ["ICSimCLI", "ICSimTesting", "icsim", "ICSimTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

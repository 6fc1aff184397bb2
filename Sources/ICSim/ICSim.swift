// What users import. `import ICSim` gives the whole public API, layer by layer:
// - SimCore: the deterministic kernel (virtual time, random streams, the event queue, the trace);
// - Wasm: the WebAssembly decoder, validator and metered interpreter;
// - Candid: the interface description language (types, values, binary and text);
// - Consensus: ICC consensus and state certification, each a pure state machine per node;
// - ExecutionLayer: canisters with the IC's System API, messages, rounds and streams;
// - InternetComputer: the network model, replicas, subnets and several subnets in one time;
// - Scenarios: the JSON layer, the scenario format, the clients and the built-in canisters;
// - ScenarioReports: reports as text, JSON, HTML and Chrome traces, and sweeps;
// - CallAPI: a simulated IC driven call by call from tests (PocketIC-style).
// The testing tools (ICSimTesting: swarm, shrinking, planted bugs) and the kernel
// demonstration (KernelDemo) are not part of it; the command line uses them.
@_exported import SimCore
@_exported import Wasm
@_exported import Candid
@_exported import Consensus
@_exported import ExecutionLayer
@_exported import InternetComputer
@_exported import Scenarios
@_exported import ScenarioReports
@_exported import CallAPI

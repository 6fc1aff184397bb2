// The composition root of ICSim. Importing `ICSim` gives the whole public API: the
// deterministic kernel (virtual time, random streams, event queue, trace) from SimCore, the
// WebAssembly decoder, validator and interpreter from Wasm, ICC consensus from Consensus, and
// canisters with the System API from ExecutionLayer.
@_exported import SimCore
@_exported import Wasm
@_exported import Consensus
@_exported import ExecutionLayer

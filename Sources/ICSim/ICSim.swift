// The composition root of ICSim. Importing `ICSim` gives the whole public API: the
// deterministic kernel (virtual time, random streams, event queue, trace) from SimCore and the
// WebAssembly decoder and validator from Wasm.
@_exported import SimCore
@_exported import Wasm
@_exported import Consensus

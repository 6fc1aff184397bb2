// The composition root of ICSim. Importing `ICSim` gives the whole public API, including the
// deterministic kernel (virtual time, random streams, event queue, trace) from SimCore.
@_exported import SimCore

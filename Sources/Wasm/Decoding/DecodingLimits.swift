/// Upper bounds the decoder enforces, so that no input can make it allocate or loop beyond
/// what a real module needs. The defaults are the limits the WebAssembly JavaScript API
/// requires of every engine (its "Limits" section), except where noted.
public struct DecodingLimits: Hashable, Sendable {
    /// Types in the type section.
    public var types = 1_000_000
    /// Functions, imported plus defined.
    public var functions = 1_000_000
    /// Imports.
    public var imports = 100_000
    /// Exports.
    public var exports = 100_000
    /// Globals, imported plus defined.
    public var globals = 1_000_000
    /// Data segments.
    public var dataSegments = 100_000
    /// Element segments.
    public var elementSegments = 10_000_000
    /// Tables, imported plus defined.
    public var tables = 100_000
    /// Memories, imported plus defined (the validator allows one: multi-memory is not part
    /// of WebAssembly 2.0).
    public var memories = 100
    /// Parameters of one function type.
    public var parameters = 1_000
    /// Results of one function type.
    public var results = 1_000
    /// Locals of one function, parameters included.
    public var locals = 50_000
    /// Bytes of one function body.
    public var functionBodyBytes = 7_654_321
    /// Elements in one element segment.
    public var segmentElements = 10_000_000

    /// The defaults.
    public init() {}
}

/// Why a decoded module is not valid WebAssembly, or why a function body is malformed:
/// the function (if any), the byte offset, and what was expected.
///
/// Messages follow the specification's wording ("type mismatch", "unknown local", ...) and
/// add the detail that locates the problem.
public struct WasmValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The function's index in the function index space, when the problem is in a body.
    public var functionIndex: Int?
    /// The byte offset in the module.
    public var offset: Int
    /// What was wrong and what was expected.
    public var message: String
    /// Whether the bytes break the binary format (malformed) rather than the type rules (invalid).
    public var isMalformed: Bool

    /// Creates an error.
    public init(_ message: String, at offset: Int, function functionIndex: Int? = nil, malformed: Bool = false) {
        self.message = message
        self.offset = offset
        self.functionIndex = functionIndex
        self.isMalformed = malformed
    }

    /// `"function 3, byte 0x2a (42): type mismatch: expected i32, found i64"`.
    public var description: String {
        let location = "byte 0x\(String(offset, radix: 16)) (\(offset))"
        return (functionIndex.map { "function \($0), " } ?? "") + location + ": " + message
    }
}

/// Why a module could not be loaded: malformed bytes or an invalid module.
public enum WasmLoadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The binary format was broken.
    case decoding(WasmDecodingError)
    /// The module broke a validation rule (or a body was malformed).
    case validation(WasmValidationError)

    /// The underlying error's description.
    public var description: String {
        switch self {
        case .decoding(let error): return error.description
        case .validation(let error): return error.description
        }
    }

    /// Whether the spec would call the module malformed (rather than invalid).
    public var isMalformed: Bool {
        switch self {
        case .decoding: return true
        case .validation(let error): return error.isMalformed
        }
    }
}

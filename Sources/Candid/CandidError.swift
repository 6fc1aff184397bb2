/// Why Candid bytes or text could not be read, or a value not encoded: what was expected,
/// and where.
public struct CandidError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the problem is.
    public enum Location: Hashable, Sendable {
        /// A byte offset into a binary message.
        case byteOffset(Int)
        /// A line and column (both from 1) in a text.
        case text(line: Int, column: Int)
        /// A path into a value: argument index, then field labels and element indices.
        case valuePath(String)
        /// Nowhere in particular.
        case none
    }

    /// Where.
    public var location: Location
    /// What was expected and what was found.
    public var message: String

    /// Creates an error.
    public init(_ message: String, at location: Location = .none) {
        self.message = message
        self.location = location
    }

    /// `"at byte 12: ..."`, `"at 3:14: ..."`, `"at argument 0.name: ..."`.
    public var description: String {
        switch location {
        case .byteOffset(let offset): "at byte \(offset): \(message)"
        case .text(let line, let column): "at \(line):\(column): \(message)"
        case .valuePath(let path): "at \(path): \(message)"
        case .none: message
        }
    }
}

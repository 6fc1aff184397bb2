/// Why a configuration is invalid: the field at fault and what would be valid.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The field at fault, e.g. `"actors"`.
    public var field: String
    /// What was wrong and what would be valid.
    public var message: String

    /// Creates an error for `field`.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Every problem found in a configuration.
public struct ConfigurationErrors: Error, Equatable, Sendable, CustomStringConvertible {
    /// The problems, in field order.
    public var problems: [ConfigurationError]

    /// Creates the error from its problems.
    public init(problems: [ConfigurationError]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

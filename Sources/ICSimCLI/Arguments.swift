import ICSim

/// A command-line problem: names the argument and what was expected. Exit code 2.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong, naming the argument.
    public var message: String
    /// Whether to point at `icsim help` (not for bad input files, where the message says all).
    public var suggestsHelp: Bool

    /// Creates an error with `message`.
    public init(_ message: String, suggestsHelp: Bool = true) {
        self.message = message
        self.suggestsHelp = suggestsHelp
    }

    public var description: String { message }
}

/// Reads options of the form `--name value`, `--name=value` and `--flag` from a list of
/// arguments, and reports every unknown or malformed one.
struct ArgumentReader {
    private var remaining: [String]
    /// Positional arguments, in order.
    private(set) var positionals: [String] = []
    private var options: [(name: String, value: String?)] = []

    /// Splits `arguments` into options and positionals.
    /// - Parameter valueOptions: the names of options that take a value (without `--`).
    init(_ arguments: [String], valueOptions: Set<String>) throws(UsageError) {
        remaining = arguments
        while !remaining.isEmpty {
            let argument = remaining.removeFirst()
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positionals.append(argument)
                continue
            }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                options.append((String(body[..<equals]), String(body[body.index(after: equals)...])))
            } else if valueOptions.contains(String(body)) {
                guard let value = remaining.first else { throw UsageError("\(argument): expected a value after it") }
                remaining.removeFirst()
                options.append((String(body), value))
            } else {
                options.append((String(body), nil))
            }
        }
    }

    /// Fails on the first option not in `known` (value options and flags).
    func rejectUnknown(known: [String]) throws(UsageError) {
        for option in options where !known.contains(option.name) {
            let list = known.map { "--\($0)" }.joined(separator: ", ")
            throw UsageError("--\(option.name): unknown option; expected one of \(list)")
        }
    }

    /// Whether the flag `--name` was given; fails if it was given a value.
    func flag(_ name: String) throws(UsageError) -> Bool {
        let matches = options.filter { $0.name == name }
        if let withValue = matches.first(where: { $0.value != nil }), let value = withValue.value {
            throw UsageError("--\(name): takes no value, found \"\(value)\"")
        }
        return !matches.isEmpty
    }

    /// The value of `--name` (the last one if repeated), or `nil` if absent.
    func value(_ name: String) -> String? {
        options.last { $0.name == name }?.value ?? nil
    }

    /// The value of `--name` converted by `parse`, or `nil` if absent.
    func value<T>(_ name: String, expected: String, _ parse: (String) -> T?) throws(UsageError) -> T? {
        guard let text = value(name) else { return nil }
        guard let parsed = parse(text) else { throw UsageError("--\(name): expected \(expected), found \"\(text)\"") }
        return parsed
    }
}

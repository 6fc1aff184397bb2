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

/// Reads options of the form `--name value`, `--name=value` and `--flag` (and `-h`, the
/// short form of `--help`) from a list of arguments, and reports every unknown, malformed or
/// repeated one.
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
            if argument == "-h" {
                try add("help", nil)
                continue
            }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positionals.append(argument)
                continue
            }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                try add(String(body[..<equals]), String(body[body.index(after: equals)...]))
            } else if valueOptions.contains(String(body)) {
                guard let value = remaining.first else { throw UsageError("\(argument): expected a value after it") }
                remaining.removeFirst()
                try add(String(body), value)
            } else {
                try add(String(body), nil)
            }
        }
    }

    /// Records option `name`; fails if it was given before (which one would count is not
    /// obvious, so neither does).
    private mutating func add(_ name: String, _ value: String?) throws(UsageError) {
        guard !options.contains(where: { $0.name == name }) else {
            throw UsageError("--\(name): given more than once; give it once")
        }
        options.append((name, value))
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

    /// The value of `--name`, or `nil` if absent.
    func value(_ name: String) -> String? {
        options.first { $0.name == name }?.value ?? nil
    }

    /// The value of `--name` converted by `parse`, or `nil` if absent.
    func value<T>(_ name: String, expected: String, _ parse: (String) -> T?) throws(UsageError) -> T? {
        guard let text = value(name) else { return nil }
        guard let parsed = parse(text) else { throw UsageError("--\(name): expected \(expected), found \"\(text)\"") }
        return parsed
    }
}

/// What a command takes besides its options.
enum Positionals {
    /// Options only: a positional argument fails, even next to `--help`.
    case optionsOnly
    /// Exactly one scenario file (checked after `--help`).
    case oneScenarioFile
    /// Whatever the command checks itself, after `--help`.
    case checkedByCommand
}

extension ArgumentReader {
    /// The opening of every command with its own help: reads `arguments`, fails on an unknown
    /// option and on positionals that `positionals` does not allow, and answers `--help`.
    /// - Parameters:
    ///   - command: the command's name, for its help and the messages.
    ///   - valueOptions: the options that take a value, in the order the message about an
    ///     unknown option lists them (before `flags`).
    ///   - flags: the options that take no value, besides `help`.
    /// - Returns: the reader, or `nil` when `--help` was given: the command's help is written
    ///   to `output` and the command exits 0.
    static func command(_ command: String, _ arguments: [String], valueOptions: [String], flags: [String], positionals: Positionals,
                        output: inout some TextOutputStream) throws(UsageError) -> ArgumentReader? {
        let reader = try ArgumentReader(arguments, valueOptions: Set(valueOptions))
        try reader.rejectUnknown(known: valueOptions + flags + ["help"])
        if positionals == .optionsOnly, let extra = reader.positionals.first {
            throw UsageError("\(extra): unexpected argument; \(command) takes only options")
        }
        if try reader.flag("help") {
            output.write(CommandLineTool.help(for: command))
            return nil
        }
        if positionals == .oneScenarioFile, reader.positionals.count != 1 {
            throw UsageError("\(command): expected one scenario file, found \(reader.positionals.count) arguments")
        }
        return reader
    }
}

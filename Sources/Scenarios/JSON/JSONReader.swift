import SimCore

/// Where a value is in a JSON document, written as scenario problems name it:
/// `topology.subnets[0].nodes`, `faults[2].nodes[0]`; the document itself is `$`.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    /// The steps from the document's root: member names and array indices.
    public enum Step: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The steps, outermost first.
    public private(set) var steps: [Step] = []

    /// The document's root.
    public static let root = JSONPath()

    /// The document's root (as ``root``).
    public init() {}

    /// The path of member `key` of the object here.
    public func appending(_ key: String) -> JSONPath {
        var path = self
        path.steps.append(.key(key))
        return path
    }

    /// The path of element `index` of the array here.
    public func appending(_ index: Int) -> JSONPath {
        var path = self
        path.steps.append(.index(index))
        return path
    }

    /// `topology.subnets[0].nodes`; `$` for the root.
    public var description: String {
        guard !steps.isEmpty else { return "$" }
        var text = ""
        for step in steps {
            switch step {
            case .key(let key):
                let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
                if plain { text += text.isEmpty ? key : ".\(key)" } else { text += "[\(JSONValue.quoted(key))]" }
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}

/// A problem found while reading a document: where, and what is wrong or what would be valid.
public struct JSONProblem: Hashable, Sendable, CustomStringConvertible {
    /// Where.
    public var path: JSONPath
    /// What is wrong, and what would be valid.
    public var message: String

    /// A problem at `path`.
    public init(_ path: JSONPath, _ message: String) {
        self.path = path
        self.message = message
    }

    /// `faults[2].nodes[0]: node 17 does not exist ...`.
    public var description: String { "\(path): \(message)" }
}

/// Reads typed values out of a ``JSONValue``, collecting every problem with its path instead
/// of stopping at the first, so that a user sees everything to fix at once. Each accessor
/// returns `nil` (and records a problem) when the value is missing or not what was asked for.
public struct JSONReader: Sendable {
    /// The problems found so far, in the order they were found.
    public private(set) var problems: [JSONProblem] = []

    /// A reader with no problems yet.
    public init() {}

    /// Records a problem at `path`.
    public mutating func report(_ path: JSONPath, _ message: String) {
        problems.append(JSONProblem(path, message))
    }

    /// The members of the object `value` at `path`, after checking that it has only the keys
    /// in `allowed` (an unknown key is a problem, with the closest allowed key suggested) and
    /// every key in `required`.
    public mutating func object(_ value: JSONValue, at path: JSONPath, allowed: [String], required: [String] = []) -> JSONObjectView? {
        guard case .object(let members) = value else {
            report(path, "expected an object, found \(value.kindDescription)")
            return nil
        }
        for member in members where !allowed.contains(member.key) {
            let suggestion = Self.closest(to: member.key, among: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
            report(path.appending(member.key), "unknown key\(suggestion); expected one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        for key in required where !members.contains(where: { $0.key == key }) {
            report(path.appending(key), "missing; this key is required")
        }
        return JSONObjectView(members: members, path: path)
    }

    /// The elements of the array `value` at `path`, each with its path.
    public mutating func array(_ value: JSONValue, at path: JSONPath) -> [(value: JSONValue, path: JSONPath)]? {
        guard case .array(let values) = value else {
            report(path, "expected an array, found \(value.kindDescription)")
            return nil
        }
        return values.enumerated().map { ($1, path.appending($0)) }
    }

    /// The string `value` at `path`.
    public mutating func string(_ value: JSONValue, at path: JSONPath) -> String? {
        guard case .string(let text) = value else {
            report(path, "expected a string, found \(value.kindDescription)")
            return nil
        }
        return text
    }

    /// The boolean `value` at `path`.
    public mutating func bool(_ value: JSONValue, at path: JSONPath) -> Bool? {
        guard case .bool(let flag) = value else {
            report(path, "expected true or false, found \(value.kindDescription)")
            return nil
        }
        return flag
    }

    /// The integer `value` at `path`, within `range` (written without a fraction or exponent;
    /// read exactly, never through a floating-point number).
    public mutating func integer<Integer: FixedWidthInteger & Sendable>(_ value: JSONValue, at path: JSONPath, in range: ClosedRange<Integer>) -> Integer? {
        guard case .number(let text) = value else {
            report(path, "expected an integer from \(range.lowerBound) to \(range.upperBound), found \(value.kindDescription)")
            return nil
        }
        guard let number = Integer(text, radix: 10), range.contains(number) else {
            let reason = text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? "a whole number is needed" : "out of range"
            report(path, "expected an integer from \(range.lowerBound) to \(range.upperBound), found \(text) (\(reason))")
            return nil
        }
        return number
    }

    /// The number `value` at `path`, within `range` (for rates and probabilities, where a
    /// fraction is meaningful).
    public mutating func number(_ value: JSONValue, at path: JSONPath, in range: ClosedRange<Double>) -> Double? {
        guard case .number(let text) = value, let number = Double(text), number.isFinite else {
            report(path, "expected a number from \(range.lowerBound) to \(range.upperBound), found \(value.kindDescription)")
            return nil
        }
        guard range.contains(number) else {
            report(path, "expected a number from \(range.lowerBound) to \(range.upperBound), found \(text)")
            return nil
        }
        return number
    }

    /// The duration `value` at `path`: a string with a unit (`"300ms"`, `"2.5s"`, `"10m"`),
    /// at most `maximum`.
    public mutating func duration(_ value: JSONValue, at path: JSONPath, maximum: SimDuration = .nanoseconds(Int64.max)) -> SimDuration? {
        guard case .string(let text) = value else {
            report(path, "expected a duration with a unit such as \"300ms\" or \"2.5s\", found \(value.kindDescription)")
            return nil
        }
        do throws(DurationParseError) {
            let duration = try SimDuration.parse(text)
            guard duration <= maximum else {
                report(path, "\"\(text)\" is longer than the most allowed here, \(maximum)")
                return nil
            }
            return duration
        } catch {
            report(path, error.description)
            return nil
        }
    }

    /// The size `value` at `path` in bytes: a string with a unit (`"512B"`, `"4KiB"`,
    /// `"4MiB"`, `"1GiB"`, `"2MB"`), at most `maximum`.
    public mutating func size(_ value: JSONValue, at path: JSONPath, maximum: UInt64 = .max) -> UInt64? {
        guard case .string(let text) = value else {
            report(path, "expected a size with a unit such as \"4MiB\" or \"512B\", found \(value.kindDescription)")
            return nil
        }
        guard let bytes = Self.parseSize(text) else {
            report(path, "expected a size such as \"512B\", \"4KiB\", \"4MiB\", \"1GiB\" or \"2MB\", found \"\(text)\"")
            return nil
        }
        guard bytes <= maximum else {
            report(path, "\"\(text)\" is more than the most allowed here, \(maximum) bytes")
            return nil
        }
        return bytes
    }

    /// Bytes in `text` (a whole number and a unit: B, KB, MB, GB, KiB, MiB, GiB), if it is
    /// one and fits 64 bits.
    package static func parseSize(_ text: String) -> UInt64? {
        let units: [(String, UInt64)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1_000), ("MB", 1_000_000),
                                         ("GB", 1_000_000_000), ("B", 1)]
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unit = text.dropFirst(digits.count).drop { $0 == " " }
        guard !digits.isEmpty, let number = UInt64(digits), let scale = units.first(where: { $0.0 == unit })?.1 else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }

    /// The allowed key closest to `key` by edit distance, if it is close enough to be a typo.
    static func closest(to key: String, among allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(Array(key.lowercased()), Array($0.lowercased()))) }
        guard let best = scored.min(by: { ($0.1, $0.0) < ($1.1, $1.0) }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    /// The Levenshtein distance between `a` and `b`.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var row = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, right) in b.enumerated() {
                row[j + 1] = min(previous[j + 1] + 1, row[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}

/// An object's members with its path: look members up by key, and get each member's path.
public struct JSONObjectView: Sendable {
    /// The members, in file order.
    public let members: [(key: String, value: JSONValue)]
    /// Where the object is.
    public let path: JSONPath

    /// Member `key`, if present, with its path.
    public subscript(key: String) -> (value: JSONValue, path: JSONPath)? {
        members.first { $0.key == key }.map { ($0.value, path.appending(key)) }
    }
}

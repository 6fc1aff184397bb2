/// Why a duration string could not be parsed, with enough detail to fix it.
public enum DurationParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The string was empty.
    case empty
    /// The number part was missing or not a decimal number (`"ms"`, `"1..5s"`).
    case malformedNumber(String)
    /// No unit followed the number (`"300"`).
    case missingUnit(String)
    /// The unit was not one of the accepted ones.
    case unknownUnit(String, text: String)
    /// The value is finer than one nanosecond (`"1.5ns"`, `"0.0000000001s"`).
    case finerThanNanosecond(String)
    /// The value does not fit in 64-bit nanoseconds (about 292 years).
    case overflow(String)

    /// The accepted units, for messages.
    public static let acceptedUnits = "ns, us (or µs), ms, s, m, h"

    public var description: String {
        switch self {
        case .empty:
            return "expected a duration such as \"300ms\" or \"2.5s\", found an empty string"
        case .malformedNumber(let text):
            return "expected a non-negative decimal number before the unit in \"\(text)\""
        case .missingUnit(let text):
            return "expected a unit (\(Self.acceptedUnits)) after the number in \"\(text)\""
        case .unknownUnit(let unit, let text):
            return "unknown unit \"\(unit)\" in \"\(text)\"; expected one of \(Self.acceptedUnits)"
        case .finerThanNanosecond(let text):
            return "\"\(text)\" is finer than the 1 ns resolution of virtual time"
        case .overflow(let text):
            return "\"\(text)\" is longer than the longest representable duration (about 292 years)"
        }
    }
}

extension SimDuration {
    /// Nanoseconds per unit symbol accepted by ``parse(_:)``.
    private static let unitScales: [(symbol: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// Parses a non-negative duration written with a unit: `"300ms"`, `"2.5s"`, `"10m"`, `"1h"`,
    /// `"250us"`, `"42ns"`; a space may separate number and unit.
    ///
    /// The conversion is exact integer arithmetic: `"0.1s"` is exactly 100,000,000 ns.
    /// - Throws: ``DurationParseError`` naming what was wrong and what is accepted.
    public static func parse(_ text: String) throws(DurationParseError) -> SimDuration {
        let trimmed = text.trimmingASCIISpaces()
        guard !trimmed.isEmpty else { throw .empty }
        let numberPart = String(trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") })
        guard !numberPart.isEmpty else { throw .malformedNumber(text) }
        let unit = String(trimmed.dropFirst(numberPart.count)).trimmingASCIISpaces()
        guard !unit.isEmpty else { throw .missingUnit(text) }
        guard let scale = unitScales.first(where: { $0.symbol == unit })?.nanoseconds else {
            throw .unknownUnit(unit, text: text)
        }
        return try scaled(decimal: numberPart, by: scale, text: text)
    }

    /// `decimal` (digits with at most one point) times `scale`, exactly: the fraction's digits
    /// are read as one integer F of d digits and contribute F * scale / 10^d nanoseconds, which
    /// must be a whole number (`"0.000000000001h"`, 3.6 ns, is refused, not truncated).
    private static func scaled(decimal: String, by scale: Int64, text: String) throws(DurationParseError) -> SimDuration {
        let pieces = decimal.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count <= 2, !decimal.isEmpty, decimal != "." else { throw .malformedNumber(text) }
        var whole: Int64 = 0
        for character in pieces[0] {
            guard let digit = character.wholeNumberValue else { throw .malformedNumber(text) }
            whole = try checked(whole.multipliedReportingOverflow(by: 10), text)
            whole = try checked(whole.addingReportingOverflow(Int64(digit)), text)
        }
        var total = try checked(whole.multipliedReportingOverflow(by: scale), text)
        guard pieces.count == 2 else { return SimDuration(nanoseconds: total) }
        // Trailing zeros add nothing; at most 18 significant fraction digits fit the arithmetic.
        let fraction = pieces[1].reversed().drop { $0 == "0" }.reversed()
        guard fraction.allSatisfy({ $0.wholeNumberValue != nil }), pieces[1].allSatisfy({ $0.wholeNumberValue != nil }) else {
            throw .malformedNumber(text)
        }
        guard !fraction.isEmpty else { return SimDuration(nanoseconds: total) }
        guard fraction.count <= 18 else { throw .finerThanNanosecond(text) }
        var numerator: UInt64 = 0
        var denominator: UInt64 = 1
        for character in fraction {
            numerator = numerator * 10 + UInt64(character.wholeNumberValue ?? 0)
            denominator *= 10
        }
        let product = numerator.multipliedFullWidth(by: UInt64(scale))
        let (nanoseconds, remainder) = denominator.dividingFullWidth(product)
        guard remainder == 0 else { throw .finerThanNanosecond(text) }
        total = try checked(total.addingReportingOverflow(Int64(nanoseconds)), text)
        return SimDuration(nanoseconds: total)
    }

    private static func checked(_ result: (partialValue: Int64, overflow: Bool), _ text: String) throws(DurationParseError) -> Int64 {
        guard !result.overflow else { throw .overflow(text) }
        return result.partialValue
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces and tabs.
    func trimmingASCIISpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

/// A span of virtual time, in integer nanoseconds.
///
/// Virtual time is integer so that every platform computes the same schedule: no rounding,
/// no floating-point accumulation. All arithmetic traps on overflow (Swift's checked integer
/// operators), which turns a runaway computation into a loud failure instead of a silent wrap.
/// Values that come from user input should be built with ``SimDuration/parse(_:)``, which
/// reports overflow as an error instead of trapping.
///
/// ```swift
/// let delay = SimDuration.milliseconds(300) + .microseconds(250)
/// print(delay)  // "300.250 ms"
/// ```
public struct SimDuration: Hashable, Comparable, Sendable {
    /// The length of this duration in nanoseconds (may be negative).
    public var nanoseconds: Int64

    /// Creates a duration of `nanoseconds` nanoseconds.
    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// A duration of zero length.
    @inlinable public static var zero: SimDuration { SimDuration(nanoseconds: 0) }

    /// The longest representable duration (about 292 years).
    @inlinable public static var max: SimDuration { SimDuration(nanoseconds: .max) }

    /// A duration of `value` nanoseconds.
    @inlinable
    public static func nanoseconds(_ value: Int64) -> SimDuration {
        SimDuration(nanoseconds: value)
    }

    /// A duration of `value` microseconds. Traps if the result overflows.
    @inlinable
    public static func microseconds(_ value: Int64) -> SimDuration {
        SimDuration(nanoseconds: value * 1_000)
    }

    /// A duration of `value` milliseconds. Traps if the result overflows.
    @inlinable
    public static func milliseconds(_ value: Int64) -> SimDuration {
        SimDuration(nanoseconds: value * 1_000_000)
    }

    /// A duration of `value` seconds. Traps if the result overflows.
    @inlinable
    public static func seconds(_ value: Int64) -> SimDuration {
        SimDuration(nanoseconds: value * 1_000_000_000)
    }

    /// A duration of `value` minutes. Traps if the result overflows.
    @inlinable
    public static func minutes(_ value: Int64) -> SimDuration {
        SimDuration(nanoseconds: value * 60_000_000_000)
    }

    /// A duration of `value` hours. Traps if the result overflows.
    @inlinable
    public static func hours(_ value: Int64) -> SimDuration {
        SimDuration(nanoseconds: value * 3_600_000_000_000)
    }

    @inlinable
    public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The sum of two durations. Traps on overflow.
    @inlinable
    public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds + rhs.nanoseconds)
    }

    /// The difference of two durations. Traps on overflow.
    @inlinable
    public static func - (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds - rhs.nanoseconds)
    }

    /// Adds `rhs` to `lhs`. Traps on overflow.
    @inlinable
    public static func += (lhs: inout SimDuration, rhs: SimDuration) {
        lhs = lhs + rhs
    }

    /// Subtracts `rhs` from `lhs`. Traps on overflow.
    @inlinable
    public static func -= (lhs: inout SimDuration, rhs: SimDuration) {
        lhs = lhs - rhs
    }

    /// The duration scaled by an integer factor. Traps on overflow.
    @inlinable
    public static func * (lhs: SimDuration, rhs: Int64) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds * rhs)
    }

    /// The duration scaled by an integer factor. Traps on overflow.
    @inlinable
    public static func * (lhs: Int64, rhs: SimDuration) -> SimDuration {
        rhs * lhs
    }

    /// The duration divided by an integer, truncated toward zero. Traps if `rhs` is zero.
    @inlinable
    public static func / (lhs: SimDuration, rhs: Int64) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanoseconds / rhs)
    }

    /// The negated duration. Traps for `Int64.min` nanoseconds.
    @inlinable
    public static prefix func - (operand: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: -operand.nanoseconds)
    }

    /// The sum, or `nil` if it does not fit in `Int64` nanoseconds.
    @inlinable
    public func addingReportingOverflow(_ other: SimDuration) -> SimDuration? {
        let (sum, overflow) = nanoseconds.addingReportingOverflow(other.nanoseconds)
        return overflow ? nil : SimDuration(nanoseconds: sum)
    }

    /// The product with `factor`, or `nil` if it does not fit in `Int64` nanoseconds.
    @inlinable
    public func multipliedReportingOverflow(by factor: Int64) -> SimDuration? {
        let (product, overflow) = nanoseconds.multipliedReportingOverflow(by: factor)
        return overflow ? nil : SimDuration(nanoseconds: product)
    }
}

extension SimDuration: CustomStringConvertible {
    /// A human-readable form in the largest fitting unit: `"12.345 s"`, `"300 ms"`, `"1.5 µs"`, `"42 ns"`.
    ///
    /// Seconds are written with at least three decimals (`"1.000 s"`), smaller units with as
    /// many as needed; trailing zeros beyond that are dropped, and no precision is lost.
    public var description: String {
        TimeFormatting.describe(nanoseconds: nanoseconds)
    }
}

extension SimDuration {
    /// Like ``description`` but rounded (half away from zero) to at most `decimals` decimals of
    /// its unit, for reports: `SimDuration.nanoseconds(40_894_463).formatted(decimals: 1)` is
    /// `"40.9 ms"`. Seconds keep at least three decimals.
    public func formatted(decimals: Int) -> String {
        TimeFormatting.describe(nanoseconds: nanoseconds, maximumDecimals: Swift.max(decimals, 0))
    }
}

/// Integer-only formatting shared by ``SimDuration`` and ``SimInstant``.
enum TimeFormatting {
    /// Units from largest to smallest: (nanoseconds per unit, symbol, minimum decimals).
    private static let units: [(scale: UInt64, symbol: String, minimumDecimals: Int)] = [
        (1_000_000_000, "s", 3), (1_000_000, "ms", 0), (1_000, "µs", 0), (1, "ns", 0),
    ]

    static func describe(nanoseconds: Int64, maximumDecimals: Int = 9) -> String {
        let sign = nanoseconds < 0 ? "-" : ""
        var magnitude = nanoseconds.magnitude
        for unit in units where magnitude >= unit.scale || unit.scale == 1 {
            let kept = max(maximumDecimals, unit.minimumDecimals)
            var step = unit.scale  // the rounding granularity: 10^-kept of the unit
            for _ in 0..<kept where step >= 10 { step /= 10 }
            // Magnitudes are below 2^63 and steps at most 10^9: no UInt64 overflow.
            let rounded = magnitude / step * step
            magnitude = (magnitude - rounded) * 2 >= step ? rounded + step : rounded
            let whole = magnitude / unit.scale
            let fraction = fractionDigits(magnitude % unit.scale, scale: unit.scale, minimum: unit.minimumDecimals)
            return "\(sign)\(whole)\(fraction.isEmpty ? "" : ".")\(fraction) \(unit.symbol)"
        }
        return "\(sign)\(magnitude) ns"
    }

    /// The decimal digits of `remainder / scale`, trailing zeros dropped down to `minimum` digits.
    private static func fractionDigits(_ remainder: UInt64, scale: UInt64, minimum: Int) -> String {
        guard scale > 1 else { return "" }
        var digits: [Character] = []
        var place = scale / 10
        var rest = remainder
        while place > 0 {
            let digit = rest / place
            digits.append(Character(String(digit)))
            rest %= place
            place /= 10
        }
        while digits.count > minimum, digits.last == "0" {
            digits.removeLast()
        }
        return String(digits)
    }
}

/// A point in virtual time: integer nanoseconds since the start of the simulation.
///
/// The simulation starts at ``SimInstant/zero``. Instants never come from the wall clock;
/// the kernel advances `now` to the time of each event before its handler runs.
///
/// ```swift
/// let deadline = SimInstant.zero + .seconds(5)
/// deadline - .zero == .seconds(5)  // true
/// ```
public struct SimInstant: Hashable, Comparable, Sendable {
    /// Nanoseconds since the start of the simulation.
    public var nanosecondsSinceStart: Int64

    /// Creates the instant `nanosecondsSinceStart` nanoseconds after the start.
    @inlinable
    public init(nanosecondsSinceStart: Int64) {
        self.nanosecondsSinceStart = nanosecondsSinceStart
    }

    /// The start of the simulation.
    @inlinable public static var zero: SimInstant { SimInstant(nanosecondsSinceStart: 0) }

    /// The latest representable instant (about 292 years after the start).
    @inlinable public static var max: SimInstant { SimInstant(nanosecondsSinceStart: .max) }

    /// The time elapsed since the start of the simulation.
    @inlinable
    public var sinceStart: SimDuration {
        SimDuration(nanoseconds: nanosecondsSinceStart)
    }

    @inlinable
    public static func < (lhs: SimInstant, rhs: SimInstant) -> Bool {
        lhs.nanosecondsSinceStart < rhs.nanosecondsSinceStart
    }

    /// The instant `rhs` after `lhs`. Traps on overflow.
    @inlinable
    public static func + (lhs: SimInstant, rhs: SimDuration) -> SimInstant {
        SimInstant(nanosecondsSinceStart: lhs.nanosecondsSinceStart + rhs.nanoseconds)
    }

    /// The instant `rhs` before `lhs`. Traps on overflow.
    @inlinable
    public static func - (lhs: SimInstant, rhs: SimDuration) -> SimInstant {
        SimInstant(nanosecondsSinceStart: lhs.nanosecondsSinceStart - rhs.nanoseconds)
    }

    /// The duration from `rhs` to `lhs` (negative if `lhs` is earlier). Traps on overflow.
    @inlinable
    public static func - (lhs: SimInstant, rhs: SimInstant) -> SimDuration {
        SimDuration(nanoseconds: lhs.nanosecondsSinceStart - rhs.nanosecondsSinceStart)
    }

    /// Moves `lhs` later by `rhs`. Traps on overflow.
    @inlinable
    public static func += (lhs: inout SimInstant, rhs: SimDuration) {
        lhs = lhs + rhs
    }

    /// The instant `duration` later, or `nil` if it is not representable.
    @inlinable
    public func advancedReportingOverflow(by duration: SimDuration) -> SimInstant? {
        let (sum, overflow) = nanosecondsSinceStart.addingReportingOverflow(duration.nanoseconds)
        return overflow ? nil : SimInstant(nanosecondsSinceStart: sum)
    }
}

extension SimInstant: CustomStringConvertible {
    /// The time since the start, in the same form as ``SimDuration/description``: `"t=12.345 s"`.
    public var description: String {
        "t=" + TimeFormatting.describe(nanoseconds: nanosecondsSinceStart)
    }
}

import SimCore
import InternetComputer

/// How a chart maps values to one axis: a linear range, or a logarithmic one of durations.
/// Logarithms come from ``StableMath`` (no libm), so a page is the same on every platform.
struct ChartScale: Equatable {
    /// The mapping.
    enum Kind: Equatable {
        /// Linear from `lower` to `upper`.
        case linear
        /// Logarithmic (base 10) from `lower` to `upper`, both positive.
        case logarithmic
    }

    var kind: Kind
    var lower: Double
    var upper: Double
    /// Whether tick labels are durations (the values are seconds).
    var isDuration = false

    /// A linear scale from `lower` to `upper` (widened if empty).
    static func linear(_ lower: Double, _ upper: Double) -> ChartScale {
        ChartScale(kind: .linear, lower: lower, upper: upper > lower ? upper : lower + 1)
    }

    /// A linear scale from 0 to a round number at or above `maximum`.
    static func linearFromZero(upTo maximum: Double) -> ChartScale {
        let top = maximum.isFinite && maximum > 0 ? maximum : 1
        let step = niceStep(top)
        return .linear(0, (top / step).rounded(.up) * step)
    }

    /// A logarithmic scale of durations in seconds, from the power of ten at or below
    /// `minimum` to the one at or above `maximum` (at least one decade).
    static func durations(from minimum: Double, to maximum: Double) -> ChartScale {
        var lower = 1e-6
        while lower * 10 <= minimum, lower < 1e4 { lower *= 10 }
        var upper = lower * 10
        while upper < maximum, upper < 1e5 { upper *= 10 }
        return ChartScale(kind: .logarithmic, lower: lower, upper: upper, isDuration: true)
    }

    /// Where `value` falls, from 0 (lower) to 1 (upper), clamped to a little outside.
    func fraction(_ value: Double) -> Double {
        let raw: Double
        switch kind {
        case .linear:
            raw = (value - lower) / (upper - lower)
        case .logarithmic:
            let clamped = max(value, lower / 10)
            raw = StableMath.log(clamped / lower) / StableMath.log(upper / lower)
        }
        return raw.isFinite ? min(max(raw, -0.05), 1.05) : 0
    }

    /// The values to mark, with their labels.
    var ticks: [(value: Double, label: String)] {
        switch kind {
        case .linear:
            let step = Self.niceStep(upper - lower, count: 8)
            var ticks: [(Double, String)] = []
            var value = (lower / step).rounded(.up) * step
            while value <= upper + step * 1e-9 {
                ticks.append((value, isDuration ? Self.duration(value) : Self.label(value, step: step)))
                value += step
            }
            return ticks
        case .logarithmic:
            // Over one or two decades, 2 and 5 times each decade are marked too.
            let multiples: [Double] = upper / lower <= 100.000001 ? [1, 2, 5] : [1]
            var ticks: [(Double, String)] = []
            var decade = lower
            while decade <= upper * 1.000001 {
                ticks += multiples.map { $0 * decade }.filter { $0 <= upper * 1.000001 }.map { ($0, Self.duration($0)) }
                decade *= 10
            }
            return ticks
        }
    }

    /// Minor marks between a logarithmic scale's decades (2 to 9 times each).
    var minorTicks: [Double] {
        guard kind == .logarithmic else { return [] }
        var values: [Double] = []
        var decade = lower
        while decade < upper {
            values += (2...9).map { Double($0) * decade }
            decade *= 10
        }
        return values
    }

    /// A round step (1, 2 or 5 times a power of ten) that cuts `span` into at most `count`
    /// intervals.
    static func niceStep(_ span: Double, count: Double = 5) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        var step = 1e-9
        while span / step > count * 10 { step *= 10 }
        for factor in [1.0, 2, 5, 10, 20, 50, 100] where span / (step * factor) <= count { return step * factor }
        return step * 100
    }

    /// `value` with as many decimals as `step` needs.
    static func label(_ value: Double, step: Double) -> String {
        var decimals = 0
        var scaled = step
        while scaled < 1 && decimals < 6 {
            scaled *= 10
            decimals += 1
        }
        return SubnetReport.fixed(value, decimals: decimals)
    }

    /// `seconds` as the tables write durations (`1 s`, `10 ms`, `2.5 s`).
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "-" }
        let nanos = (seconds * 1e9).rounded()
        guard abs(nanos) < 9e18 else { return "-" }
        return ScenarioReport.readable(.nanoseconds(Int64(nanos)))
    }
}

import SimCore
import Testing
@testable import ExecutionLayer

/// The fees' 128-bit arithmetic against `UInt128`: a quotient by a power of two (a shift) or
/// by anything else, and an amount scaled by the subnet size (13 nodes: the product itself),
/// exact up to where the product saturates, at seeded random and extreme values.
@Suite("Cycles: fee arithmetic")
struct FeeArithmeticTests {
    static func wide(_ cycles: Cycles) -> UInt128 { UInt128(cycles.high) << 64 | UInt128(cycles.low) }

    /// Values spread over every magnitude, and the extremes.
    static func samples(_ seed: UInt64) -> [UInt64] {
        var random = SplitMix64(seed: seed)
        var values: [UInt64] = [0, 1, 2, 12, 13, 14, 1 << 32, 1 << 59, (1 << 59) - 1, 1 << 63, .max - 1, .max]
        for _ in 0..<40 { values.append(random.next() >> (random.next() % 64)) }
        return values
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func quotientsMatchUInt128(seed: UInt64) {
        let values = Self.samples(seed)
        let divisors: [UInt64] = [1, 2, 13, 1 << 30, 1_000_000_000, 1 << 63, .max] + values.filter { $0 > 0 }.prefix(12)
        for high in values.prefix(24) {
            for low in values.suffix(24) {
                let dividend = Cycles(high: high, low: low)
                for divisor in divisors {
                    #expect(Self.wide(dividend.divided(by: divisor)) == Self.wide(dividend) / UInt128(divisor), "\(dividend) / \(divisor)")
                }
                #expect(dividend.divided(by: 0) == .zero)
            }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func scaledAmountsMatchUInt128(seed: UInt64) {
        let values = Self.samples(seed)
        for size in [13, 1, 28, 40, 0] {
            let fees = CyclesFees(subnetSize: size)
            for amount in values {
                for units in values {
                    let product = UInt128(amount) * UInt128(units)
                    let (times, overflow) = product.multipliedReportingOverflow(by: UInt128(size))
                    let expected = overflow ? UInt128.max / 13 : times / 13
                    #expect(Self.wide(fees.scaled(amount, times: units)) == expected, "\(amount) x \(units) on \(size) nodes")
                }
            }
        }
        #expect(CyclesFees.free.scaled(.max, times: .max) == .zero)
    }
}

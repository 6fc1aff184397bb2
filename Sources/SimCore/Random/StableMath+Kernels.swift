// The kernels, exact-arithmetic helpers and constants behind `StableMath`'s public functions.

extension StableMath {
    // MARK: - Kernels (internal, inlinable)

    /// The argument reduction both log kernels share: for `x` with bit pattern `bits` (its
    /// exponent field unbiased by `exponentBias`), `x = 2^k * m` with `m` in [1, 2), and
    /// `log(x) = k * ln2 + log(1/c) + log1p(r)` with `c` from the table row of `m`'s top
    /// bits. Returns `k`, `r = m*c - 1` (exact), `a = k * ln2High + tableHigh` (exact) and the
    /// table's low part.
    @inlinable @inline(__always)
    static func logReduction(_ bits: UInt64, exponentBias: Int) -> (k: Double, r: Double, a: Double, tableLow: Double) {
        let k = Double(Int(truncatingIfNeeded: bits >> 52) &+ exponentBias)
        let fraction = bits & 0x000F_FFFF_FFFF_FFFF
        let row = Int(truncatingIfNeeded: fraction >> 45)
        // m in [1, 2); mHigh keeps its top 44 significant bits, mLow the other 9.
        let m = Double(bitPattern: fraction | 0x3FF0_0000_0000_0000)
        let mHigh = Double(bitPattern: (fraction & 0x000F_FFFF_FFFF_FE00) | 0x3FF0_0000_0000_0000)
        let mLow = m - mHigh
        let (c, tableHigh, tableLow) = logTableRow(row)
        // c has at most 9 significant bits, so both products are exact, the subtraction
        // of 1 is exact (Sterbenz), and so is the final sum: r = m*c - 1 is a multiple
        // of 2^-60 below 2^-7 in magnitude, hence representable.
        let r = (mHigh * c - 1) + mLow * c
        // Exact: both terms are multiples of 2^-43 and the sum is below 2^10.
        let a = k * ln2High + tableHigh
        return (k, r, a, tableLow)
    }

    /// Computes `log(x)` as an unevaluated sum `high + low` (|low| is at most about
    /// `|high| / 256`; not normalized) for the positive finite `x` whose normalized bit
    /// pattern is `bits`, where the unbiased exponent of `x` is `(bits >> 52) + exponentBias`.
    ///
    /// `high + low`, rounded once, is `log(x)` to within 0.518 ulp; see `log(_:)`.
    @inlinable @inline(__always)
    static func logKernel(_ bits: UInt64, exponentBias: Int) -> (high: Double, low: Double) {
        let (k, r, a, tableLow) = logReduction(bits, exponentBias: exponentBias)
        // Fast two-sum (a == 0 or |a| >= |r|, checked for every row when generating the table).
        let s = a + r
        let sError = (a - s) + r
        // log1p(r) - r = -r^2/2 + r^3/3 - ... - r^8/8, evaluated in Estrin form.
        let r2 = r * r
        let p78 = -oneSixth + r * oneSeventh + r2 * -0.125
        let p56 = -0.25 + r * oneFifth + r2 * p78
        let p = r2 * (-0.5 + r * oneThird + r2 * p56)
        return (s, p + (sError + (tableLow + k * ln2Low)))
    }

    /// Computes `log(x)` as a normalized two-double `high + low` with relative error below
    /// about `2^-64`, for `pow`. Same reduction and arguments as `logKernel(_:exponentBias:)`,
    /// but the `-r^2/2` term is exact (Dekker's product), the large partial sums are exact
    /// two-sums, and the series runs to degree 10.
    @inlinable
    static func logKernelExtended(_ bits: UInt64, exponentBias: Int) -> (high: Double, low: Double) {
        let (k, r, a, tableLow) = logReduction(bits, exponentBias: exponentBias)
        let (s1, e1) = twoSum(a, r)
        let (square, squareError) = twoProduct(r, r)
        let (s2, e2) = twoSum(s1, -0.5 * square)
        // r^3 * (1/3 - r/4 + r^2/5 - ... + r^7/10): the rest of log1p(r) - r + r^2/2.
        var q = -0.1
        q = oneNinth + r * q
        q = -0.125 + r * q
        q = oneSeventh + r * q
        q = -oneSixth + r * q
        q = oneFifth + r * q
        q = -0.25 + r * q
        q = oneThird + r * q
        let cubic = (r * square) * q
        let tail = ((e1 + e2) + (-0.5 * squareError + cubic)) + (tableLow + k * ln2Low)
        return fastTwoSum(s2, tail)
    }

    /// Computes `e^(x + xLow)` for `-745.2 < x < 709.8` and `|xLow|` at most a few ulp of
    /// `x` (pass `0` for a plain double argument); see `exp(_:)` for the algorithm.
    @inlinable @inline(__always)
    static func expKernel(_ x: Double, _ xLow: Double) -> Double {
        // Round x * 128/ln2 to an integer (|value| < 2^18, far below the 2^51 limit of the trick).
        let shifted = x * invLn2Over128 + 0x1.8p52
        let kd = shifted - 0x1.8p52
        // The low bits of `shifted` hold k in two's complement (1.5 * 2^52 has zero low bits).
        let k = Int(truncatingIfNeeded: shifted.bitPattern &- 0x4338_0000_0000_0000)
        // Exact: kd * ln2Over128High is exact (18 + 35 bits) and x is within a factor of
        // two of it (or kd == 0), so the first subtraction is exact too.
        // (Written so that xLow == 0 folds away: `v - 0.0 == v` for every v.)
        let r = (x - kd * ln2Over128High) - (kd * ln2Over128Low - xLow)
        // e^r - 1 = r + r^2/2 + r^3/6 + r^4/24 + r^5/120, |r| <= 0.00271.
        let r2 = r * r
        let p = r + r2 * ((0.5 + r * oneSixth) + r2 * (oneTwentyFourth + r * oneOneHundredTwentieth))
        let (tHigh, tLow) = expTableEntry(k & 127)
        // 2^(j/128) * e^r = tHigh + (tLow + tHigh * p), dropping tLow * p (< 2^-61 relative).
        let tail = tLow + tHigh * p
        let y = tHigh + tail
        let scale = k >> 7
        if scale > -1022 && scale <= 1023 {
            return y * powerOfTwo(scale)  // exact
        }
        return expScaleOutOfRange(tHigh, tail, scale)
    }

    /// Returns `(high + tail) * 2^scale` rounded once, for `scale == 1024` (overflow or the
    /// top binade) or `scale <= -1022` (results near or below the smallest normal number),
    /// where `high` is in `[1, 2)` and `|tail| < 2^-7`.
    ///
    /// Rounding `high + tail` to a double and then multiplying by `2^scale` would round twice
    /// when the result is subnormal. Instead, the sum is scaled so that the result's
    /// subnormal spacing becomes the spacing of doubles in `[1, 2)`, added to 1 with a single
    /// rounding, and the 1 is removed again exactly.
    @usableFromInline
    static func expScaleOutOfRange(_ high: Double, _ tail: Double, _ scale: Int) -> Double {
        let y = high + tail
        if scale > 0 {
            return (y * 2) * powerOfTwo(scale - 1)  // rounds once, possibly to +infinity
        }
        if scale == -1022 && y >= 1 {
            return y * 0x1p-1022  // normal result, exact
        }
        // Here (high + tail) * 2^(scale + 1022) <= 1.
        let s = powerOfTwo(scale + 1022)  // 2^-54 ... 1, exact scaling of normal numbers
        let (sum, sumError) = twoSum(1, high * s)
        let z = sum + (sumError + tail * s)  // the one rounding: onto multiples of 2^-52
        return (z - 1) * 0x1p-1022  // both steps exact
    }

    /// Handles the inputs of `log(_:)` that are not positive normal finite numbers.
    @usableFromInline
    static func logSpecialCases(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        // Positive subnormal: scale into the normal range exactly.
        let (high, low) = logKernel((x * 0x1p52).bitPattern, exponentBias: -1023 - 52)
        return high + low
    }

    // MARK: - Exact arithmetic helpers

    /// `2^n` for `-1022 <= n <= 1023`, built from its bit pattern.
    @inlinable @inline(__always)
    static func powerOfTwo(_ n: Int) -> Double {
        Double(bitPattern: UInt64(truncatingIfNeeded: n &+ 1023) << 52)
    }

    /// Knuth's two-sum: `high = fl(a + b)` and `high + low == a + b` exactly.
    @inlinable @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> (high: Double, low: Double) {
        let s = a + b
        let bVirtual = s - a
        let aVirtual = s - bVirtual
        return (s, (a - aVirtual) + (b - bVirtual))
    }

    /// Dekker's fast two-sum: `high = fl(a + b)` and `high + low == a + b` exactly,
    /// provided `a == 0` or `|a| >= |b|`.
    @inlinable @inline(__always)
    static func fastTwoSum(_ a: Double, _ b: Double) -> (high: Double, low: Double) {
        let s = a + b
        return (s, b - (s - a))
    }

    /// Dekker's two-product without fused multiply-add: `high = fl(a * b)` and
    /// `high + low == a * b` exactly, provided `|a|, |b| < 2^996` and nothing underflows.
    @inlinable @inline(__always)
    static func twoProduct(_ a: Double, _ b: Double) -> (high: Double, low: Double) {
        let p = a * b
        let (aHigh, aLow) = veltkampSplit(a)
        let (bHigh, bLow) = veltkampSplit(b)
        return (p, ((aHigh * bHigh - p) + aHigh * bLow + aLow * bHigh) + aLow * bLow)
    }

    /// Veltkamp's splitting: `a == high + low` with each part fitting in 26 bits.
    @inlinable @inline(__always)
    static func veltkampSplit(_ a: Double) -> (high: Double, low: Double) {
        let c = 0x1.0000002p27 * a  // 2^27 + 1
        let high = c - (c - a)
        return (high, a - high)
    }

    // MARK: - Constants

    /// ln 2 rounded to a multiple of 2^-43 (43 significant bits), so `k * ln2High` is exact for every
    /// binary exponent `k` of a double (|k| <= 1075: the product stays below 2^10).
    @inlinable static var ln2High: Double { 0x1.62e42fefa3800p-1 }
    /// ln 2 - ln2High, rounded to nearest.
    @inlinable static var ln2Low: Double { 0x1.ef35793c76730p-45 }
    /// 128 / ln 2, rounded to nearest.
    @inlinable static var invLn2Over128: Double { 0x1.71547652b82fep+7 }
    /// ln 2 / 128 rounded to a multiple of 2^-42 (35 significant bits).
    @inlinable static var ln2Over128High: Double { 0x1.62e42fefc0000p-8 }
    /// ln 2 / 128 - ln2Over128High, rounded to nearest.
    @inlinable static var ln2Over128Low: Double { -0x1.c610ca86c3899p-44 }
    /// 1/3, rounded to nearest.
    @inlinable static var oneThird: Double { 0x1.5555555555555p-2 }
    /// 1/5, rounded to nearest.
    @inlinable static var oneFifth: Double { 0x1.999999999999ap-3 }
    /// 1/6, rounded to nearest.
    @inlinable static var oneSixth: Double { 0x1.5555555555555p-3 }
    /// 1/7, rounded to nearest.
    @inlinable static var oneSeventh: Double { 0x1.2492492492492p-3 }
    /// 1/9, rounded to nearest.
    @inlinable static var oneNinth: Double { 0x1.c71c71c71c71cp-4 }
    /// 1/24, rounded to nearest.
    @inlinable static var oneTwentyFourth: Double { 0x1.5555555555555p-5 }
    /// 1/120, rounded to nearest.
    @inlinable static var oneOneHundredTwentieth: Double { 0x1.1111111111111p-7 }
}

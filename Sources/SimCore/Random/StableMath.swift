// Deterministic elementary functions for the simulation kernel.
//
// Written from first principles for ICSim. The tables below were generated with
// 300-bit arithmetic (mpmath) by a throwaway script; each entry is the double
// nearest to the exact value (or, for the `high` parts, the exact value rounded
// to a multiple of 2^-43), so they can be regenerated and checked independently.

/// Elementary functions computed with IEEE-754 basic operations only, so they give
/// bit-identical results on every platform (libm's `log`/`exp` do not).
///
/// The platform's `log`, `exp` and `pow` come from whatever C library the process links
/// (glibc, Apple's libm, musl, the Windows CRT), and those libraries disagree in the last
/// bit for some inputs. A simulation that feeds such results into its schedule would then
/// diverge between machines. Everything in `StableMath` is built only from:
///
/// - the IEEE-754 basic operations `+`, `-`, `*` (and comparisons), which every
///   conforming platform rounds correctly, in round-to-nearest-even (Swift never changes
///   the rounding mode);
/// - integer and bit-pattern manipulation of `Double`;
/// - constants written as exact hexadecimal literals and two literal tables.
///
/// No fused multiply-add is used (`a * b + c` is two roundings: Swift emits plain
/// `fmul`/`fadd` without the `contract` flag, so the optimizer may not fuse them, and it
/// never reassociates floating-point arithmetic), no `Foundation`, no libm call, and no
/// extended precision (Swift evaluates `Double` in binary64 on every supported target).
/// Hence each function is a fixed sequence of correctly rounded operations on the same
/// operands and returns the same bits everywhere, with or without inlining. NaN results
/// are always the canonical `Double.nan`, so even NaN bit patterns agree.
///
/// Accuracy was measured against 160-bit reference values (mpmath, outside this
/// repository) on 3.0 million inputs for `log`, 2.5 million for `exp` and 0.95 million for
/// `pow`, covering every binade, the neighbourhood of 1, table-interval boundaries,
/// subnormal inputs and subnormal results: `log` is within 0.518 ulp of the exact result,
/// `exp` within 0.512 ulp and `pow` within 0.515 ulp. The error analyses below bound
/// everything but the final rounding by about 0.02 ulp, so each result is one of the two
/// doubles bracketing the exact value, and all but roughly 0.1% of them are the correctly
/// rounded one. (`StableMathTests` checks agreement with the platform's libm to 1 ulp and
/// pins exact bit patterns.)
public enum StableMath {

    // MARK: - Public API

    /// Natural logarithm. log(+0 or -0) = -infinity, log(x<0) = nan, log(+inf) = +inf, log(nan) = nan; subnormals handled.
    ///
    /// Algorithm: write `x = 2^k * m` with `m` in `[1, 2)` from the bit pattern
    /// (subnormals are first scaled by `2^52`). The top 7 fraction bits of `m` select one of
    /// 128 table rows holding `c`, a 9-bit approximation of `1/m` (exactly `1` for the first
    /// row so that inputs just above 1 lose nothing), and `-log(c)` split into a high part (a
    /// multiple of `2^-43`) and a low part. The reduced argument `r = m * c - 1` is computed
    /// exactly (|r| < 2^-7) by splitting `m` so that both partial products are exact. Then
    ///
    ///     log(x) = k*ln2 - log(c) + log1p(r),
    ///
    /// where `k*ln2_hi - log(c)_hi` is exact, its sum with `r` is carried as an exact
    /// two-term sum, and `log1p(r) - r` is its Taylor series to degree 8 (truncation error
    /// below `2^-59 * |r|`). Inputs just below 1 land in the last row, where `c = 1/2`
    /// cancels `k = -1` exactly, so there is no cancellation anywhere near `x = 1`.
    ///
    /// Accuracy: at most 0.518 ulp measured. Before the final rounding, the only errors are
    /// tiny: the table and `ln2` low parts are good to `2^-97`, and the series, whose size is
    /// at most `|r|/2` times the result, carries a few roundings of `2^-53` relative, which
    /// is at most about 0.02 ulp (for inputs within `2^-7` of 1) and well below 0.01 ulp
    /// elsewhere.
    ///
    /// Special values: the result for a NaN or negative input is `Double.nan`.
    ///
    /// Determinism: integer operations, one table lookup and correctly rounded `+`, `-`, `*`
    /// only (see `StableMath`), so the result has the same bits on every platform.
    @inlinable
    public static func log(_ x: Double) -> Double {
        let bits = x.bitPattern
        // Positive, normal, finite inputs have bit patterns in [0x0010..., 0x7FF0...).
        if bits &- 0x0010_0000_0000_0000 < 0x7FE0_0000_0000_0000 {
            let (high, low) = logKernel(bits, exponentBias: -1023)
            return high + low
        }
        return logSpecialCases(x)
    }

    /// e^x. Overflow gives +inf, underflow gives 0 (or a subnormal), exp(-inf) = 0, exp(nan) = nan.
    ///
    /// Algorithm: `k = round(x * 128/ln2)` (rounding by adding and subtracting `1.5 * 2^52`),
    /// `r = x - k * ln2/128` with `ln2/128` split Cody-Waite style into a 35-bit high part
    /// (so `k * high` and the subtraction are exact) and a low part, giving
    /// `|r| <= ln2/256`. Then
    ///
    ///     e^x = 2^(k >> 7) * 2^((k & 127)/128) * e^r,
    ///
    /// with `2^(j/128)` read from a table as a high + low pair, `e^r - 1` the Taylor series
    /// to degree 5 (truncation error below `2^-60`), and the power of two assembled from
    /// its bit pattern. Results that overflow or fall below the normal range are finished
    /// by `expScaleOutOfRange`, which still rounds only once, so subnormal results are not
    /// double-rounded.
    ///
    /// Accuracy: at most 0.512 ulp measured, subnormal results included. Before the final
    /// rounding the error is below about 0.015 ulp (mostly the rounding of `tHigh * p`, with
    /// `|p| < 2^-8`). Inputs above `log(Double.greatestFiniteMagnitude)` (about 709.78)
    /// return `+infinity`, inputs below about -745.13 return `0`.
    ///
    /// Special values: a NaN input returns `Double.nan`.
    ///
    /// Determinism: integer operations, one table lookup and correctly rounded `+`, `-`, `*`
    /// only (see `StableMath`), so the result has the same bits on every platform.
    @inlinable
    public static func exp(_ x: Double) -> Double {
        // NaN fails both comparisons and lands in the slow branch.
        guard x > -745.2 && x < 709.8 else {
            if x.isNaN { return .nan }
            return x > 0 ? .infinity : 0
        }
        return expKernel(x, 0)
    }

    /// x^y for x > 0 (finite), computed as exp(y * log(x)) with care; see the discussion for the accuracy.
    ///
    /// Algorithm: `log(x)` is evaluated as an unevaluated sum of two doubles with relative
    /// error below about `2^-64` (the same table reduction as `log`, with the `r^2/2` term
    /// computed exactly by Dekker's product and every large partial sum carried exactly).
    /// `y * log(x)` is formed as a two-double product (Dekker's splitting; no fused
    /// multiply-add), and `exp` is applied to that two-double argument, whose low part
    /// joins the reduced argument. Because the argument of `exp` is known to far more than
    /// 53 bits, the usual error magnification of `exp(y * log(x))` (up to ~700 ulp when done
    /// naively in double) disappears.
    ///
    /// Accuracy: at most 0.515 ulp measured, subnormal results included. The largest errors
    /// occur when `|y * log(x)|` approaches 709 with `x` near 1, where the `2^-64` relative
    /// error of the two-double `log(x)` is magnified the most (to about 0.02 ulp). Results
    /// that are exactly representable come out exact in every case tested, for example
    /// `pow(2, 10) == 1024`, `pow(4, 0.5) == 2` and
    /// `pow(2, -1074) == Double.leastNonzeroMagnitude`.
    ///
    /// Special values (deliberately simpler than C's `pow`): `pow(x, 0) == 1` and
    /// `pow(1, y) == 1` for every `x` and `y` (even NaN); otherwise, if `x <= 0`, `x` is
    /// infinite or NaN, or `y` is infinite or NaN, the result is `Double.nan`;
    /// `pow(x, 1) == x` exactly. Overflow gives `+infinity`, underflow `0` or a subnormal.
    ///
    /// Determinism: built from the same kernels as `log` and `exp` plus error-free
    /// transformations (two-sum, Dekker's two-product), all made of correctly rounded
    /// `+`, `-`, `*`, so the result has the same bits on every platform.
    @inlinable
    public static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 || x == 1 { return 1 }
        guard x > 0 && x < .infinity && y.isFinite else { return .nan }
        if y == 1 { return x }
        let (logHigh, logLow) = x < 0x1p-1022
            ? logKernelExtended((x * 0x1p52).bitPattern, exponentBias: -1023 - 52)
            : logKernelExtended(x.bitPattern, exponentBias: -1023)
        // |log x| >= 2^-54 for x != 1, so a y large enough to overflow Dekker's splitting
        // would already have sent y * log(x) far out of this range.
        let t = y * logHigh
        guard t > -745.2 && t < 709.8 else { return t > 0 ? .infinity : 0 }
        let (productHigh, productLow) = twoProduct(y, logHigh)
        return expKernel(productHigh, productLow + y * logLow)
    }

    // MARK: - Kernels (internal, inlinable)

    /// Computes `log(x)` as an unevaluated sum `high + low` (|low| is at most about
    /// `|high| / 256`; not normalized) for the positive finite `x` whose normalized bit
    /// pattern is `bits`, where the unbiased exponent of `x` is `(bits >> 52) + exponentBias`.
    ///
    /// `high + low`, rounded once, is `log(x)` to within 0.518 ulp; see `log(_:)`.
    @inlinable @inline(__always)
    static func logKernel(_ bits: UInt64, exponentBias: Int) -> (high: Double, low: Double) {
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
        let k = Double(Int(truncatingIfNeeded: bits >> 52) &+ exponentBias)
        let fraction = bits & 0x000F_FFFF_FFFF_FFFF
        let row = Int(truncatingIfNeeded: fraction >> 45)
        let m = Double(bitPattern: fraction | 0x3FF0_0000_0000_0000)
        let mHigh = Double(bitPattern: (fraction & 0x000F_FFFF_FFFF_FE00) | 0x3FF0_0000_0000_0000)
        let mLow = m - mHigh
        let (c, tableHigh, tableLow) = logTableRow(row)
        let r = (mHigh * c - 1) + mLow * c
        let a = k * ln2High + tableHigh
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

    // MARK: - Tables
    //
    // The tables are array literals inside inlinable functions rather than stored
    // properties: in optimized builds the compiler turns such a literal into a statically
    // initialized constant in the client module, so a lookup is one load with no lazy-
    // initialization check (a `static let` would cost a cross-module `swift_once` call per
    // lookup). Unoptimized builds allocate the array on each call: slower, same results.

    /// Returns `2^(j/128)` for `j` in `0..<128` as a pair: `high` is the nearest double and
    /// `low` the nearest double to the remainder.
    @inlinable @inline(__always)
    static func expTableEntry(_ j: Int) -> (high: Double, low: Double) {
        let table: [Double] = [
            0x1.0000000000000p+0, 0x0.0p+0,
            0x1.0163da9fb3335p+0, 0x1.b61299ab8cdb7p-54,
            0x1.02c9a3e778061p+0, -0x1.19083535b085dp-56,
            0x1.04315e86e7f85p+0, -0x1.0a31c1977c96ep-54,
            0x1.059b0d3158574p+0, 0x1.d73e2a475b465p-55,
            0x1.0706b29ddf6dep+0, -0x1.c91dfe2b13c27p-55,
            0x1.0874518759bc8p+0, 0x1.186be4bb284ffp-57,
            0x1.09e3ecac6f383p+0, 0x1.1487818316136p-54,
            0x1.0b5586cf9890fp+0, 0x1.8a62e4adc610bp-54,
            0x1.0cc922b7247f7p+0, 0x1.01edc16e24f71p-54,
            0x1.0e3ec32d3d1a2p+0, 0x1.03a1727c57b53p-59,
            0x1.0fb66affed31bp+0, -0x1.b9bedc44ebd7bp-57,
            0x1.11301d0125b51p+0, -0x1.6c51039449b3ap-54,
            0x1.12abdc06c31ccp+0, -0x1.1b514b36ca5c7p-58,
            0x1.1429aaea92de0p+0, -0x1.32fbf9af1369ep-54,
            0x1.15a98c8a58e51p+0, 0x1.2406ab9eeab0ap-55,
            0x1.172b83c7d517bp+0, -0x1.19041b9d78a76p-55,
            0x1.18af9388c8deap+0, -0x1.11023d1970f6cp-54,
            0x1.1a35beb6fcb75p+0, 0x1.e5b4c7b4968e4p-55,
            0x1.1bbe084045cd4p+0, -0x1.95386352ef607p-54,
            0x1.1d4873168b9aap+0, 0x1.e016e00a2643cp-54,
            0x1.1ed5022fcd91dp+0, -0x1.1df98027bb78cp-54,
            0x1.2063b88628cd6p+0, 0x1.dc775814a8495p-55,
            0x1.21f49917ddc96p+0, 0x1.2a97e9494a5eep-55,
            0x1.2387a6e756238p+0, 0x1.9b07eb6c70573p-54,
            0x1.251ce4fb2a63fp+0, 0x1.ac155bef4f4a4p-55,
            0x1.26b4565e27cddp+0, 0x1.2bd339940e9d9p-55,
            0x1.284dfe1f56381p+0, -0x1.a4c3a8c3f0d7ep-54,
            0x1.29e9df51fdee1p+0, 0x1.612e8afad1255p-55,
            0x1.2b87fd0dad990p+0, -0x1.10adcd6381aa4p-59,
            0x1.2d285a6e4030bp+0, 0x1.0024754db41d5p-54,
            0x1.2ecafa93e2f56p+0, 0x1.1ca0f45d52383p-56,
            0x1.306fe0a31b715p+0, 0x1.6f46ad23182e4p-55,
            0x1.32170fc4cd831p+0, 0x1.a9ce78e18047cp-55,
            0x1.33c08b26416ffp+0, 0x1.32721843659a6p-54,
            0x1.356c55f929ff1p+0, -0x1.b5cee5c4e4628p-55,
            0x1.371a7373aa9cbp+0, -0x1.63aeabf42eae2p-54,
            0x1.38cae6d05d866p+0, -0x1.e958d3c9904bdp-54,
            0x1.3a7db34e59ff7p+0, -0x1.5e436d661f5e3p-56,
            0x1.3c32dc313a8e5p+0, -0x1.efff8375d29c3p-54,
            0x1.3dea64c123422p+0, 0x1.ada0911f09ebcp-55,
            0x1.3fa4504ac801cp+0, -0x1.7d023f956f9f3p-54,
            0x1.4160a21f72e2ap+0, -0x1.ef3691c309278p-58,
            0x1.431f5d950a897p+0, -0x1.1c7dde35f7999p-55,
            0x1.44e086061892dp+0, 0x1.89b7a04ef80d0p-59,
            0x1.46a41ed1d0057p+0, 0x1.c944bd1648a76p-54,
            0x1.486a2b5c13cd0p+0, 0x1.3c1a3b69062f0p-56,
            0x1.4a32af0d7d3dep+0, 0x1.9cb62f3d1be56p-54,
            0x1.4bfdad5362a27p+0, 0x1.d4397afec42e2p-56,
            0x1.4dcb299fddd0dp+0, 0x1.8ecdbbc6a7833p-54,
            0x1.4f9b2769d2ca7p+0, -0x1.4b309d25957e3p-54,
            0x1.516daa2cf6642p+0, -0x1.f768569bd93efp-55,
            0x1.5342b569d4f82p+0, -0x1.07abe1db13cadp-55,
            0x1.551a4ca5d920fp+0, -0x1.d689cefede59bp-55,
            0x1.56f4736b527dap+0, 0x1.9bb2c011d93adp-54,
            0x1.58d12d497c7fdp+0, 0x1.295e15b9a1de8p-55,
            0x1.5ab07dd485429p+0, 0x1.6324c054647adp-54,
            0x1.5c9268a5946b7p+0, 0x1.c4b1b816986a2p-60,
            0x1.5e76f15ad2148p+0, 0x1.ba6f93080e65ep-54,
            0x1.605e1b976dc09p+0, -0x1.3e2429b56de47p-54,
            0x1.6247eb03a5585p+0, -0x1.383c17e40b497p-54,
            0x1.6434634ccc320p+0, -0x1.c483c759d8933p-55,
            0x1.6623882552225p+0, -0x1.bb60987591c34p-54,
            0x1.68155d44ca973p+0, 0x1.038ae44f73e65p-57,
            0x1.6a09e667f3bcdp+0, -0x1.bdd3413b26456p-54,
            0x1.6c012750bdabfp+0, -0x1.2895667ff0b0dp-56,
            0x1.6dfb23c651a2fp+0, -0x1.bbe3a683c88abp-57,
            0x1.6ff7df9519484p+0, -0x1.83c0f25860ef6p-55,
            0x1.71f75e8ec5f74p+0, -0x1.16e4786887a99p-55,
            0x1.73f9a48a58174p+0, -0x1.0a8d96c65d53cp-54,
            0x1.75feb564267c9p+0, -0x1.0245957316dd3p-54,
            0x1.780694fde5d3fp+0, 0x1.866b80a02162dp-54,
            0x1.7a11473eb0187p+0, -0x1.41577ee04992fp-55,
            0x1.7c1ed0130c132p+0, 0x1.f124cd1164dd6p-54,
            0x1.7e2f336cf4e62p+0, 0x1.05d02ba15797ep-56,
            0x1.80427543e1a12p+0, -0x1.27c86626d972bp-54,
            0x1.82589994cce13p+0, -0x1.d4c1dd41532d8p-54,
            0x1.8471a4623c7adp+0, -0x1.8d684a341cdfbp-55,
            0x1.868d99b4492edp+0, -0x1.fc6f89bd4f6bap-54,
            0x1.88ac7d98a6699p+0, 0x1.994c2f37cb53ap-54,
            0x1.8ace5422aa0dbp+0, 0x1.6e9f156864b27p-54,
            0x1.8cf3216b5448cp+0, -0x1.0d55e32e9e3aap-56,
            0x1.8f1ae99157736p+0, 0x1.5cc13a2e3976cp-55,
            0x1.9145b0b91ffc6p+0, -0x1.dd6792e582524p-54,
            0x1.93737b0cdc5e5p+0, -0x1.75fc781b57ebcp-57,
            0x1.95a44cbc8520fp+0, -0x1.64b7c96a5f039p-56,
            0x1.97d829fde4e50p+0, -0x1.d185b7c1b85d1p-54,
            0x1.9a0f170ca07bap+0, -0x1.173bd91cee632p-54,
            0x1.9c49182a3f090p+0, 0x1.c7c46b071f2bep-56,
            0x1.9e86319e32323p+0, 0x1.824ca78e64c6ep-56,
            0x1.a0c667b5de565p+0, -0x1.359495d1cd533p-54,
            0x1.a309bec4a2d33p+0, 0x1.6305c7ddc36abp-54,
            0x1.a5503b23e255dp+0, -0x1.d2f6edb8d41e1p-54,
            0x1.a799e1330b358p+0, 0x1.bcb7ecac563c7p-54,
            0x1.a9e6b5579fdbfp+0, 0x1.0fac90ef7fd31p-54,
            0x1.ac36bbfd3f37ap+0, -0x1.f9234cae76cd0p-55,
            0x1.ae89f995ad3adp+0, 0x1.7a1cd345dcc81p-54,
            0x1.b0e07298db666p+0, -0x1.bdef54c80e425p-54,
            0x1.b33a2b84f15fbp+0, -0x1.2805e3084d708p-57,
            0x1.b59728de5593ap+0, -0x1.c71dfbbba6de3p-54,
            0x1.b7f76f2fb5e47p+0, -0x1.5584f7e54ac3bp-56,
            0x1.ba5b030a1064ap+0, -0x1.efcd30e54292ep-54,
            0x1.bcc1e904bc1d2p+0, 0x1.23dd07a2d9e84p-55,
            0x1.bf2c25bd71e09p+0, -0x1.efdca3f6b9c73p-54,
            0x1.c199bdd85529cp+0, 0x1.11065895048ddp-55,
            0x1.c40ab5fffd07ap+0, 0x1.b4537e083c60ap-54,
            0x1.c67f12e57d14bp+0, 0x1.2884dff483cadp-54,
            0x1.c8f6d9406e7b5p+0, 0x1.1acbc48805c44p-56,
            0x1.cb720dcef9069p+0, 0x1.503cbd1e949dbp-56,
            0x1.cdf0b555dc3fap+0, -0x1.dd83b53829d72p-55,
            0x1.d072d4a07897cp+0, -0x1.cbc3743797a9cp-54,
            0x1.d2f87080d89f2p+0, -0x1.d487b719d8578p-54,
            0x1.d5818dcfba487p+0, 0x1.2ed02d75b3707p-55,
            0x1.d80e316c98398p+0, -0x1.11ec18beddfe8p-54,
            0x1.da9e603db3285p+0, 0x1.c2300696db532p-54,
            0x1.dd321f301b460p+0, 0x1.2da5778f018c3p-54,
            0x1.dfc97337b9b5fp+0, -0x1.1a5cd4f184b5cp-54,
            0x1.e264614f5a129p+0, -0x1.7b627817a1496p-54,
            0x1.e502ee78b3ff6p+0, 0x1.39e8980a9cc8fp-55,
            0x1.e7a51fbc74c83p+0, 0x1.2d522ca0c8de2p-54,
            0x1.ea4afa2a490dap+0, -0x1.e9c23179c2893p-54,
            0x1.ecf482d8e67f1p+0, -0x1.c93f3b411ad8cp-54,
            0x1.efa1bee615a27p+0, 0x1.dc7f486a4b6b0p-54,
            0x1.f252b376bba97p+0, 0x1.3a1a5bf0d8e43p-54,
            0x1.f50765b6e4540p+0, 0x1.9d3e12dd8a18bp-54,
            0x1.f7bfdad9cbe14p+0, -0x1.dbb12d006350ap-54,
            0x1.fa7c1819e90d8p+0, 0x1.74853f3a5931ep-55,
            0x1.fd3c22b8f71f1p+0, 0x1.2eb74966579e7p-57,
        ]
        return (table[2 &* j], table[2 &* j &+ 1])
    }

    /// Returns row `j` of a table of 128 rows `[c, high, low]`, one per interval `[1 + j/128, 1 + (j+1)/128)` of the
    /// significand: `c` is `1/(1 + (j + 1/2)/128)` rounded to a multiple of `2^-8` (but exactly
    /// `1` for `j = 0`), `high` is `-log(c)` rounded to a multiple of `2^-43`, and `low` the
    /// nearest double to `-log(c) - high`. The last row has `c = 1/2`, so its `high`/`low` are
    /// exactly `ln2High`/`ln2Low`.
    @inlinable @inline(__always)
    static func logTableRow(_ j: Int) -> (c: Double, high: Double, low: Double) {
        let table: [Double] = [
            0x1.0000000000000p+0, 0x0.0p+0, 0x0.0p+0,
            0x1.fa00000000000p-1, 0x1.82448a3890000p-7, -0x1.75577da74f640p-45,
            0x1.f600000000000p-1, 0x1.432a925980000p-6, 0x1.98139928637fep-47,
            0x1.f200000000000p-1, 0x1.c63d2ec148000p-6, 0x1.578c63f9eb2f3p-45,
            0x1.ee00000000000p-1, 0x1.252f32f8d0000p-5, 0x1.83e9ae021b67bp-45,
            0x1.ea00000000000p-1, 0x1.67c94f2d4c000p-5, -0x1.29efbec19afa2p-47,
            0x1.e800000000000p-1, 0x1.894aa149fc000p-5, -0x1.97995d05a267dp-46,
            0x1.e400000000000p-1, 0x1.ccb73cdddc000p-5, -0x1.a68f247d82807p-46,
            0x1.e000000000000p-1, 0x1.08598b59e4000p-4, -0x1.7e5dd7009902cp-46,
            0x1.dc00000000000p-1, 0x1.2aa04a4472000p-4, -0x1.0b6e8ae9c697dp-45,
            0x1.da00000000000p-1, 0x1.3bdf5a7d1e000p-4, 0x1.cc85ea5db4ed7p-45,
            0x1.d600000000000p-1, 0x1.5e95a4d97a000p-4, -0x1.c69063c5d1d1ep-45,
            0x1.d200000000000p-1, 0x1.8197e2f40e000p-4, 0x1.f80dcf96ffdf7p-47,
            0x1.d000000000000p-1, 0x1.9335e5d594000p-4, 0x1.3115c3abd47dap-45,
            0x1.cc00000000000p-1, 0x1.b6ac88dad6000p-4, -0x1.390802bf768e5p-46,
            0x1.c800000000000p-1, 0x1.da72763844000p-4, 0x1.a89401fa71733p-46,
            0x1.c600000000000p-1, 0x1.ec739830a2000p-4, -0x1.dc068afe645e0p-45,
            0x1.c200000000000p-1, 0x1.08598b59e4000p-3, -0x1.7e5dd7009902cp-45,
            0x1.c000000000000p-1, 0x1.1178e8227e000p-3, 0x1.1ef78ce2d07f2p-45,
            0x1.bc00000000000p-1, 0x1.23d712a49c000p-3, 0x1.00d238fd3df5cp-46,
            0x1.ba00000000000p-1, 0x1.2d1610c868000p-3, 0x1.39d6ccb81b4a1p-47,
            0x1.b600000000000p-1, 0x1.3fb45a5993000p-3, -0x1.cd1d87e6a354dp-45,
            0x1.b400000000000p-1, 0x1.4913d8333b000p-3, 0x1.5837954fdb678p-45,
            0x1.b000000000000p-1, 0x1.5bf406b544000p-3, -0x1.27023eb68981cp-46,
            0x1.ae00000000000p-1, 0x1.6574ebe8c1000p-3, 0x1.9cf8b2c3c2e78p-46,
            0x1.aa00000000000p-1, 0x1.7898d85445000p-3, -0x1.c661070914305p-46,
            0x1.a800000000000p-1, 0x1.823c16551a000p-3, 0x1.e0ddb9a631e83p-46,
            0x1.a600000000000p-1, 0x1.8beafeb390000p-3, -0x1.73d54aae92cd1p-47,
            0x1.a200000000000p-1, 0x1.9f6c407089000p-3, 0x1.9904d6865817ap-45,
            0x1.a000000000000p-1, 0x1.a93ed3c8ae000p-3, -0x1.8724350562169p-45,
            0x1.9e00000000000p-1, 0x1.b31d8575bd000p-3, -0x1.c358d4eace1aap-47,
            0x1.9a00000000000p-1, 0x1.c6ffbc6f01000p-3, -0x1.1ec72c5962bd2p-48,
            0x1.9800000000000p-1, 0x1.d1037f2656000p-3, -0x1.84a7e75b6f6e4p-47,
            0x1.9600000000000p-1, 0x1.db13db0d49000p-3, -0x1.aff2af715b035p-45,
            0x1.9400000000000p-1, 0x1.e530effe71000p-3, 0x1.212276041f430p-51,
            0x1.9000000000000p-1, 0x1.f991c6cb3b000p-3, 0x1.bcbecca0cdf30p-46,
            0x1.8e00000000000p-1, 0x1.01eae5626c800p-2, -0x1.6f08c1485e94ap-46,
            0x1.8c00000000000p-1, 0x1.07138604d5800p-2, 0x1.89cdb16ed4e91p-48,
            0x1.8a00000000000p-1, 0x1.0c42d67616000p-2, 0x1.7188b163ceae9p-45,
            0x1.8800000000000p-1, 0x1.1178e8227e800p-2, -0x1.c210e63a5f01cp-45,
            0x1.8400000000000p-1, 0x1.1bf99635a6800p-2, 0x1.ca6ed5147bdb7p-45,
            0x1.8200000000000p-1, 0x1.214456d0eb800p-2, 0x1.a87deba46baeap-47,
            0x1.8000000000000p-1, 0x1.269621134d800p-2, 0x1.c93c1df5bb3b6p-45,
            0x1.7e00000000000p-1, 0x1.2bef07cdc9000p-2, 0x1.a9cfa4a5004f4p-45,
            0x1.7c00000000000p-1, 0x1.314f1e1d36000p-2, -0x1.8e27ad3213cb8p-45,
            0x1.7a00000000000p-1, 0x1.36b6776be1000p-2, 0x1.16ecdb0f177c8p-46,
            0x1.7800000000000p-1, 0x1.3c25277333000p-2, 0x1.83b54b606bd5cp-46,
            0x1.7600000000000p-1, 0x1.419b423d5e800p-2, 0x1.8e436ec90e09dp-47,
            0x1.7400000000000p-1, 0x1.4718dc271c800p-2, -0x1.f27ce0967d675p-45,
            0x1.7200000000000p-1, 0x1.4c9e09e173000p-2, -0x1.e20891b0ad8a4p-45,
            0x1.7000000000000p-1, 0x1.522ae0738a000p-2, 0x1.ebe708164c759p-45,
            0x1.6e00000000000p-1, 0x1.57bf753c8d000p-2, 0x1.fadedee5d40efp-46,
            0x1.6c00000000000p-1, 0x1.5d5bddf596000p-2, -0x1.a0b2a08a465dcp-47,
            0x1.6a00000000000p-1, 0x1.630030b3ab000p-2, -0x1.db623e731ae00p-45,
            0x1.6800000000000p-1, 0x1.68ac83e9c6800p-2, 0x1.0a0d32756eba0p-45,
            0x1.6600000000000p-1, 0x1.6e60ee6af1800p-2, 0x1.721657c222d87p-46,
            0x1.6400000000000p-1, 0x1.741d876c67800p-2, 0x1.d8b0949dc60b3p-45,
            0x1.6200000000000p-1, 0x1.79e26687cf800p-2, 0x1.9ec7d2efd1778p-45,
            0x1.6000000000000p-1, 0x1.7fafa3bd81800p-2, -0x1.72090c812566ap-45,
            0x1.5e00000000000p-1, 0x1.85855776dc800p-2, 0x1.fd56f3333778ap-45,
            0x1.5c00000000000p-1, 0x1.8b639a88b3000p-2, -0x1.05ae1e5e70470p-45,
            0x1.5a00000000000p-1, 0x1.914a8635bf800p-2, -0x1.766b52ee6307dp-46,
            0x1.5800000000000p-1, 0x1.973a343135800p-2, -0x1.52313a502d9f0p-46,
            0x1.5600000000000p-1, 0x1.9d32bea15f000p-2, -0x1.6279e10d0c0b0p-45,
            0x1.5400000000000p-1, 0x1.a33440224f800p-2, 0x1.3c6457f9d79f5p-45,
            0x1.5200000000000p-1, 0x1.a93ed3c8ad800p-2, 0x1.e36f2bea77a5dp-46,
            0x1.5000000000000p-1, 0x1.af5295248d000p-2, -0x1.17cc552774458p-45,
            0x1.5000000000000p-1, 0x1.af5295248d000p-2, -0x1.17cc552774458p-45,
            0x1.4e00000000000p-1, 0x1.b56fa04462800p-2, 0x1.095252d841995p-46,
            0x1.4c00000000000p-1, 0x1.bb9611b80e000p-2, 0x1.7d85bf40a666dp-45,
            0x1.4a00000000000p-1, 0x1.c1c60693fa000p-2, 0x1.cec807fe8e180p-45,
            0x1.4800000000000p-1, 0x1.c7ff9c7455800p-2, -0x1.9b6ddc15249aep-45,
            0x1.4600000000000p-1, 0x1.ce42f18064800p-2, -0x1.797c33ec7a6b0p-47,
            0x1.4600000000000p-1, 0x1.ce42f18064800p-2, -0x1.797c33ec7a6b0p-47,
            0x1.4400000000000p-1, 0x1.d490246def800p-2, 0x1.35bafe9a767a8p-45,
            0x1.4200000000000p-1, 0x1.dae75484c9800p-2, -0x1.ea42d60dc616ap-46,
            0x1.4000000000000p-1, 0x1.e148a1a272800p-2, -0x1.326b207322938p-46,
            0x1.3e00000000000p-1, 0x1.e7b42c3ddb000p-2, -0x1.465505372bd08p-45,
            0x1.3e00000000000p-1, 0x1.e7b42c3ddb000p-2, -0x1.465505372bd08p-45,
            0x1.3c00000000000p-1, 0x1.ee2a156b41000p-2, 0x1.f27f45a470251p-45,
            0x1.3a00000000000p-1, 0x1.f4aa7ee031800p-2, 0x1.2cde56f014a8bp-46,
            0x1.3800000000000p-1, 0x1.fb358af7a4800p-2, 0x1.085fa3c164935p-47,
            0x1.3800000000000p-1, 0x1.fb358af7a4800p-2, 0x1.085fa3c164935p-47,
            0x1.3600000000000p-1, 0x1.00e5ae5b20800p-1, -0x1.53ba3b1727b1cp-47,
            0x1.3400000000000p-1, 0x1.04360be760400p-1, -0x1.4c45fe79539e0p-47,
            0x1.3200000000000p-1, 0x1.078bf0533c400p-1, 0x1.6812241edf5fdp-45,
            0x1.3200000000000p-1, 0x1.078bf0533c400p-1, 0x1.6812241edf5fdp-45,
            0x1.3000000000000p-1, 0x1.0ae76e2d05400p-1, 0x1.f486b887e7e27p-46,
            0x1.2e00000000000p-1, 0x1.0e4898611cc00p-1, 0x1.c299807801742p-46,
            0x1.2e00000000000p-1, 0x1.0e4898611cc00p-1, 0x1.c299807801742p-46,
            0x1.2c00000000000p-1, 0x1.11af823c75c00p-1, -0x1.58647bb9ddcb2p-45,
            0x1.2a00000000000p-1, 0x1.151c3f6f29800p-1, -0x1.edd97a293ae49p-45,
            0x1.2a00000000000p-1, 0x1.151c3f6f29800p-1, -0x1.edd97a293ae49p-45,
            0x1.2800000000000p-1, 0x1.188ee40f23c00p-1, 0x1.4cc4ef8ab4650p-46,
            0x1.2600000000000p-1, 0x1.1c07849ae6000p-1, 0x1.cacdeed70e667p-51,
            0x1.2600000000000p-1, 0x1.1c07849ae6000p-1, 0x1.cacdeed70e667p-51,
            0x1.2400000000000p-1, 0x1.1f8635fc61800p-1, -0x1.a7242c9fe81d3p-45,
            0x1.2200000000000p-1, 0x1.230b0d8bebc00p-1, 0x1.2fc066e48667bp-46,
            0x1.2200000000000p-1, 0x1.230b0d8bebc00p-1, 0x1.2fc066e48667bp-46,
            0x1.2000000000000p-1, 0x1.269621134dc00p-1, -0x1.b61f105226250p-47,
            0x1.1e00000000000p-1, 0x1.2a2786d0ec000p-1, 0x1.06d2be797882dp-45,
            0x1.1e00000000000p-1, 0x1.2a2786d0ec000p-1, 0x1.06d2be797882dp-45,
            0x1.1c00000000000p-1, 0x1.2dbf557b0e000p-1, -0x1.7a6e507b9dc11p-46,
            0x1.1c00000000000p-1, 0x1.2dbf557b0e000p-1, -0x1.7a6e507b9dc11p-46,
            0x1.1a00000000000p-1, 0x1.315da44340800p-1, -0x1.74e93c5a0ed9cp-45,
            0x1.1800000000000p-1, 0x1.35028ad9d8c00p-1, 0x1.0b83f9527e6acp-46,
            0x1.1800000000000p-1, 0x1.35028ad9d8c00p-1, 0x1.0b83f9527e6acp-46,
            0x1.1600000000000p-1, 0x1.38ae217197800p-1, -0x1.18b7abb5569a4p-45,
            0x1.1600000000000p-1, 0x1.38ae217197800p-1, -0x1.18b7abb5569a4p-45,
            0x1.1400000000000p-1, 0x1.3c6080c36c000p-1, -0x1.2b7367cfe13c2p-47,
            0x1.1200000000000p-1, 0x1.4019c2125cc00p-1, -0x1.6ce7930f0c74cp-45,
            0x1.1200000000000p-1, 0x1.4019c2125cc00p-1, -0x1.6ce7930f0c74cp-45,
            0x1.1000000000000p-1, 0x1.43d9ff2f92400p-1, -0x1.d984f481051f7p-48,
            0x1.1000000000000p-1, 0x1.43d9ff2f92400p-1, -0x1.d984f481051f7p-48,
            0x1.0e00000000000p-1, 0x1.47a1527e8a400p-1, -0x1.2cb6af94d60aap-45,
            0x1.0e00000000000p-1, 0x1.47a1527e8a400p-1, -0x1.2cb6af94d60aap-45,
            0x1.0c00000000000p-1, 0x1.4b6fd6f970c00p-1, 0x1.f7115ed4c541cp-49,
            0x1.0a00000000000p-1, 0x1.4f45a835a5000p-1, -0x1.e6c516d93b8fbp-45,
            0x1.0a00000000000p-1, 0x1.4f45a835a5000p-1, -0x1.e6c516d93b8fbp-45,
            0x1.0800000000000p-1, 0x1.5322e26867800p-1, 0x1.5ccc45d257531p-47,
            0x1.0800000000000p-1, 0x1.5322e26867800p-1, 0x1.5ccc45d257531p-47,
            0x1.0600000000000p-1, 0x1.5707a26bb8c00p-1, 0x1.9980bff3303ddp-47,
            0x1.0600000000000p-1, 0x1.5707a26bb8c00p-1, 0x1.9980bff3303ddp-47,
            0x1.0400000000000p-1, 0x1.5af405c364800p-1, 0x1.dfa63ac10c9fbp-45,
            0x1.0400000000000p-1, 0x1.5af405c364800p-1, 0x1.dfa63ac10c9fbp-45,
            0x1.0200000000000p-1, 0x1.5ee82aa241800p-1, 0x1.202380cda46bep-45,
            0x1.0200000000000p-1, 0x1.5ee82aa241800p-1, 0x1.202380cda46bep-45,
            0x1.0000000000000p-1, 0x1.62e42fefa3800p-1, 0x1.ef35793c76730p-45,
        ]
        return (table[3 &* j], table[3 &* j &+ 1], table[3 &* j &+ 2])
    }
}

// Deterministic elementary functions for the simulation kernel.
//
// Written from first principles for ICSim. The kernels are in StableMath+Kernels.swift, the
// tables in StableMath+Tables.swift.

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
}

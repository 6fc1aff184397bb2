/// The numeric instructions the interpreter does not run inline (float comparisons, min/max,
/// copysign, rounding, conversions, sign extension, saturating truncations) on 64-bit value
/// slots, with the WebAssembly semantics: traps for invalid conversions, IEEE-754 floats with
/// every NaN result canonicalized (as the IC does), and bitwise abs/neg/copysign. Integer
/// arithmetic runs inline in `Execution.interpret`.
enum Numerics {
    static let canonicalNaN32: UInt32 = 0x7FC0_0000
    static let canonicalNaN64: UInt64 = 0x7FF8_0000_0000_0000

    // `value != value` is the IEEE test for NaN: one unordered comparison, cheaper in the
    // interpreter's hot path than `isNaN`'s bit tests.
    @inline(__always) static func f32(_ value: Float) -> UInt64 {
        UInt64(value != value ? canonicalNaN32 : value.bitPattern)
    }

    @inline(__always) static func f64(_ value: Double) -> UInt64 {
        value != value ? canonicalNaN64 : value.bitPattern
    }

    @inline(__always) static func bool(_ value: Bool) -> UInt64 { value ? 1 : 0 }

    /// Applies unary `opcode` to `a` (the float and conversion opcodes the interpreter does not
    /// run inline).
    static func unary(_ opcode: UInt8, _ a: UInt64) throws(TrapReason) -> UInt64 {
        let a32 = UInt32(truncatingIfNeeded: a)
        let fa = Float(bitPattern: a32)
        let da = Double(bitPattern: a)
        switch opcode {
        case 0x8B: return UInt64(a32 & 0x7FFF_FFFF)
        case 0x8C: return UInt64(a32 ^ 0x8000_0000)
        case 0x8D: return f32(fa.rounded(.up))
        case 0x8E: return f32(fa.rounded(.down))
        case 0x8F: return f32(fa.rounded(.towardZero))
        case 0x90: return f32(fa.rounded(.toNearestOrEven))
        case 0x91: return f32(fa.squareRoot())
        case 0x99: return a & 0x7FFF_FFFF_FFFF_FFFF
        case 0x9A: return a ^ 0x8000_0000_0000_0000
        case 0x9B: return f64(da.rounded(.up))
        case 0x9C: return f64(da.rounded(.down))
        case 0x9D: return f64(da.rounded(.towardZero))
        case 0x9E: return f64(da.rounded(.toNearestOrEven))
        case 0x9F: return f64(da.squareRoot())
        default: return try conversion(opcode, a, a32, fa, da)
        }
    }

    static func conversion(_ opcode: UInt8, _ a: UInt64, _ a32: UInt32, _ fa: Float, _ da: Double) throws(TrapReason) -> UInt64 {
        switch opcode {
        case 0xA8: return UInt64(UInt32(bitPattern: try truncate(Double(fa), Int32.self)))
        case 0xA9: return UInt64(try truncate(Double(fa), UInt32.self))
        case 0xAA: return UInt64(UInt32(bitPattern: try truncate(da, Int32.self)))
        case 0xAB: return UInt64(try truncate(da, UInt32.self))
        case 0xAE: return UInt64(bitPattern: try truncate(Double(fa), Int64.self))
        case 0xAF: return try truncate(Double(fa), UInt64.self)
        case 0xB0: return UInt64(bitPattern: try truncate(da, Int64.self))
        case 0xB1: return try truncate(da, UInt64.self)
        case 0xB2: return f32(Float(Int32(bitPattern: a32)))
        case 0xB3: return f32(Float(a32))
        case 0xB4: return f32(Float(Int64(bitPattern: a)))
        case 0xB5: return f32(Float(a))
        case 0xB6: return f32(Float(da))
        case 0xB7: return f64(Double(Int32(bitPattern: a32)))
        case 0xB8: return f64(Double(a32))
        case 0xB9: return f64(Double(Int64(bitPattern: a)))
        case 0xBA: return f64(Double(a))
        case 0xBB: return f64(Double(fa))
        case 0xC0: return UInt64(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: a32))))
        case 0xC1: return UInt64(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: a32))))
        case 0xC2: return UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: a)))
        case 0xC3: return UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: a)))
        case 0xC4: return UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a)))
        default: preconditionFailure("validated code has no unary opcode 0x\(String(opcode, radix: 16))")
        }
    }

    /// `value` truncated toward zero into `T`, trapping on NaN or out-of-range values. Every
    /// Float converts to Double exactly, so one routine serves both widths.
    static func truncate<T: FixedWidthInteger>(_ value: Double, _: T.Type) throws(TrapReason) -> T {
        guard !value.isNaN else { throw .invalidConversionToInteger }
        let truncated = value.rounded(.towardZero)
        // Bounds as doubles, all exact: T.min is minus a power of two (or zero), and the
        // exclusive upper bound is 2^(bits-1) for signed types, 2^bits for unsigned ones.
        let lower = Double(T.min)
        let upperExclusive = T.isSigned ? -Double(T.min) : Double(T.max) + 1
        guard truncated >= lower, truncated < upperExclusive else { throw .integerOverflow }
        return T(truncated)
    }

    /// `value` truncated toward zero into `T`, saturating (NaN gives 0).
    static func truncateSaturating<T: FixedWidthInteger>(_ value: Double, _: T.Type) -> T {
        if value.isNaN { return 0 }
        let truncated = value.rounded(.towardZero)
        if truncated <= Double(T.min) { return T.min }
        if truncated >= Double(T.max) { return T.max }
        return T(truncated)
    }

    /// A saturating truncation, by its 0xFC sub-opcode.
    static func saturatingTruncation(_ code: UInt8, _ a: UInt64) -> UInt64 {
        let value = code & 2 == 0 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: a))) : Double(bitPattern: a)
        switch code {
        case 0, 2: return UInt64(UInt32(bitPattern: truncateSaturating(value, Int32.self)))
        case 1, 3: return UInt64(truncateSaturating(value, UInt32.self))
        case 4, 6: return UInt64(bitPattern: truncateSaturating(value, Int64.self))
        default: return truncateSaturating(value, UInt64.self)
        }
    }

    static func binaryF32(_ opcode: UInt8, _ a: Float, _ b: Float, _ bitsA: UInt64, _ bitsB: UInt64) -> UInt64 {
        switch opcode {
        case 0x5B: return bool(a == b)
        case 0x5C: return bool(a != b)
        case 0x5D: return bool(a < b)
        case 0x5E: return bool(a > b)
        case 0x5F: return bool(a <= b)
        case 0x60: return bool(a >= b)
        case 0x92: return f32(a + b)
        case 0x93: return f32(a - b)
        case 0x94: return f32(a * b)
        case 0x95: return f32(a / b)
        case 0x96: return f32(minimum(a, b))
        case 0x97: return f32(maximum(a, b))
        default: return (bitsA & 0x7FFF_FFFF) | (bitsB & 0x8000_0000)  // copysign
        }
    }

    static func binaryF64(_ opcode: UInt8, _ a: Double, _ b: Double, _ bitsA: UInt64, _ bitsB: UInt64) -> UInt64 {
        switch opcode {
        case 0x61: return bool(a == b)
        case 0x62: return bool(a != b)
        case 0x63: return bool(a < b)
        case 0x64: return bool(a > b)
        case 0x65: return bool(a <= b)
        case 0x66: return bool(a >= b)
        case 0xA0: return f64(a + b)
        case 0xA1: return f64(a - b)
        case 0xA2: return f64(a * b)
        case 0xA3: return f64(a / b)
        case 0xA4: return f64(minimum(a, b))
        case 0xA5: return f64(maximum(a, b))
        default: return (bitsA & 0x7FFF_FFFF_FFFF_FFFF) | (bitsB & 0x8000_0000_0000_0000)  // copysign
        }
    }

    /// WebAssembly `min`: NaN if either is NaN; -0 below +0.
    static func minimum<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> F {
        if a.isNaN || b.isNaN { return .nan }
        if a == b { return a.sign == .minus ? a : b }
        return a < b ? a : b
    }

    /// WebAssembly `max`: NaN if either is NaN; +0 above -0.
    static func maximum<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> F {
        if a.isNaN || b.isNaN { return .nan }
        if a == b { return a.sign == .minus ? b : a }
        return a > b ? a : b
    }
}

extension FixedWidthInteger where Self: UnsignedInteger {
    /// Rotated left by `count` modulo the bit width.
    @inline(__always)
    func rotated(left count: Self) -> Self {
        let shift = count & Self(Self.bitWidth - 1)
        return (self &<< shift) | (self &>> ((Self(Self.bitWidth) &- shift) & Self(Self.bitWidth - 1)))
    }
}

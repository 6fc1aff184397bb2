import Wasm

/// One WebAssembly numeric instruction: its encoding, its type, and its meaning written
/// directly from the core specification (section 4.3, "Numerics"), independently of the
/// interpreter's code. NaN results of arithmetic are the canonical NaN, as the IC's
/// deterministic execution makes them; abs, neg, copysign and reinterpretations are bitwise.
struct NumericOp: Sendable {
    let name: String
    let code: [UInt8]
    let operands: [ValueType]
    let result: ValueType
    let apply: @Sendable ([Value]) throws(TrapReason) -> Value
}

extension NumericOp {
    /// Every instruction the generator uses, grouped by result type.
    static let all: [NumericOp] = integerOps(bits32: true) + integerOps(bits32: false)
        + floatOps(bits32: true) + floatOps(bits32: false) + conversions

    /// The ops producing `type`.
    static func producing(_ type: ValueType) -> [NumericOp] {
        byResult[type] ?? []
    }

    private static let byResult: [ValueType: [NumericOp]] = Dictionary(grouping: all, by: \.result)
}

// MARK: - Values

extension Value {
    var i32Bits: UInt32 { if case .i32(let bits) = self { bits } else { 0 } }
    var i64Bits: UInt64 { if case .i64(let bits) = self { bits } else { 0 } }
    var f32Value: Float { if case .f32(let bits) = self { Float(bitPattern: bits) } else { 0 } }
    var f64Value: Double { if case .f64(let bits) = self { Double(bitPattern: bits) } else { 0 } }

    /// An arithmetic f32 result: NaN becomes the canonical NaN.
    static func arithmetic(_ value: Float) -> Value { .f32(value.isNaN ? 0x7FC0_0000 : value.bitPattern) }
    /// An arithmetic f64 result: NaN becomes the canonical NaN.
    static func arithmetic(_ value: Double) -> Value { .f64(value.isNaN ? 0x7FF8_0000_0000_0000 : value.bitPattern) }

    /// The zero of `type`.
    static func zero(_ type: ValueType) -> Value {
        switch type {
        case .i64: .i64(0)
        case .f32: .f32(0)
        case .f64: .f64(0)
        default: .i32(0)
        }
    }

    /// An integer value of `type` (i32 or i64) from 64 bits (truncated for i32).
    static func integer(_ type: ValueType, _ bits: UInt64) -> Value {
        type == .i64 ? .i64(bits) : .i32(UInt32(truncatingIfNeeded: bits))
    }

    /// The bits of an integer value, zero-extended.
    var integerBits: UInt64 {
        switch self {
        case .i32(let bits): UInt64(bits)
        case .i64(let bits): bits
        default: 0
        }
    }
}

// MARK: - Integers

extension NumericOp {
    /// The i32 (`bits32`) or i64 comparisons and arithmetic, computed on 64-bit values and
    /// truncated, with the width's sign where it matters.
    static func integerOps(bits32: Bool) -> [NumericOp] {
        let type: ValueType = bits32 ? .i32 : .i64
        let width: UInt64 = bits32 ? 32 : 64
        let mask: UInt64 = bits32 ? 0xFFFF_FFFF : .max
        let base: UInt8 = bits32 ? 0x45 : 0x50
        let arithmeticBase: UInt8 = bits32 ? 0x67 : 0x79
        @Sendable func signed(_ value: UInt64) -> Int64 {
            bits32 ? Int64(Int32(truncatingIfNeeded: value)) : Int64(bitPattern: value)
        }
        @Sendable func make(_ value: UInt64) -> Value { .integer(type, value & mask) }
        func compare(_ offset: UInt8, _ name: String, _ test: @escaping @Sendable (UInt64, UInt64, Int64, Int64) -> Bool) -> NumericOp {
            NumericOp(name: "\(type).\(name)", code: [base + offset], operands: [type, type], result: .i32) { values throws(TrapReason) in
                let (a, b) = (values[0].integerBits, values[1].integerBits)
                return .i32(test(a, b, signed(a), signed(b)) ? 1 : 0)
            }
        }
        func unary(_ offset: UInt8, _ name: String, _ apply: @escaping @Sendable (UInt64) -> UInt64) -> NumericOp {
            NumericOp(name: "\(type).\(name)", code: [arithmeticBase + offset], operands: [type], result: type) { values throws(TrapReason) in
                make(apply(values[0].integerBits))
            }
        }
        func binary(_ offset: UInt8, _ name: String, _ apply: @escaping @Sendable (UInt64, UInt64) throws(TrapReason) -> UInt64) -> NumericOp {
            NumericOp(name: "\(type).\(name)", code: [arithmeticBase + offset], operands: [type, type], result: type) { values throws(TrapReason) in
                make(try apply(values[0].integerBits, values[1].integerBits))
            }
        }
        let minimum: Int64 = bits32 ? Int64(Int32.min) : Int64.min
        var ops = [
            NumericOp(name: "\(type).eqz", code: [base], operands: [type], result: .i32) { values throws(TrapReason) in
                .i32(values[0].integerBits == 0 ? 1 : 0)
            },
            compare(1, "eq") { a, b, _, _ in a == b }, compare(2, "ne") { a, b, _, _ in a != b },
            compare(3, "lt_s") { _, _, a, b in a < b }, compare(4, "lt_u") { a, b, _, _ in a < b },
            compare(5, "gt_s") { _, _, a, b in a > b }, compare(6, "gt_u") { a, b, _, _ in a > b },
            compare(7, "le_s") { _, _, a, b in a <= b }, compare(8, "le_u") { a, b, _, _ in a <= b },
            compare(9, "ge_s") { _, _, a, b in a >= b }, compare(10, "ge_u") { a, b, _, _ in a >= b },
            unary(0, "clz") { value in UInt64(value.leadingZeroBitCount) - (64 - width) },
            unary(1, "ctz") { value in value == 0 ? width : UInt64(value.trailingZeroBitCount) },
            unary(2, "popcnt") { value in UInt64(value.nonzeroBitCount) },
            binary(3, "add") { a, b in a &+ b }, binary(4, "sub") { a, b in a &- b }, binary(5, "mul") { a, b in a &* b },
        ]
        ops += [
            binary(6, "div_s") { a, b throws(TrapReason) in
                guard b != 0 else { throw .integerDivideByZero }
                guard !(signed(a) == minimum && signed(b) == -1) else { throw .integerOverflow }
                return UInt64(bitPattern: signed(a) / signed(b))
            },
            binary(7, "div_u") { a, b throws(TrapReason) in
                guard b != 0 else { throw .integerDivideByZero }
                return a / b
            },
            binary(8, "rem_s") { a, b throws(TrapReason) in
                guard b != 0 else { throw .integerDivideByZero }
                return signed(b) == -1 ? 0 : UInt64(bitPattern: signed(a) % signed(b))
            },
            binary(9, "rem_u") { a, b throws(TrapReason) in
                guard b != 0 else { throw .integerDivideByZero }
                return a % b
            },
            binary(10, "and") { a, b in a & b }, binary(11, "or") { a, b in a | b }, binary(12, "xor") { a, b in a ^ b },
            binary(13, "shl") { a, b in a << (b % width) },
            binary(14, "shr_s") { a, b in UInt64(bitPattern: signed(a) >> Int64(b % width)) },
            binary(15, "shr_u") { a, b in a >> (b % width) },
            binary(16, "rotl") { a, b in
                let shift = b % width
                return shift == 0 ? a : (a << shift | a >> (width - shift)) & mask
            },
            binary(17, "rotr") { a, b in
                let shift = b % width
                return shift == 0 ? a : (a >> shift | a << (width - shift)) & mask
            },
        ]
        return ops + signExtensions(type)
    }

    /// `extend8_s`, `extend16_s` (and `i64.extend32_s`).
    static func signExtensions(_ type: ValueType) -> [NumericOp] {
        let widths: [(UInt64, UInt8)] = type == .i32 ? [(8, 0xC0), (16, 0xC1)] : [(8, 0xC2), (16, 0xC3), (32, 0xC4)]
        return widths.map { bits, code in
            NumericOp(name: "\(type).extend\(bits)_s", code: [code], operands: [type], result: type) { values throws(TrapReason) in
                let shift = 64 - bits
                return .integer(type, UInt64(bitPattern: Int64(bitPattern: values[0].integerBits << shift) >> Int64(shift)))
            }
        }
    }
}

// MARK: - Floats

/// Float arithmetic with WebAssembly's rules, for either width.
protocol WasmFloat: BinaryFloatingPoint & Sendable {
    /// The unsigned integer of the same width, for `bitPattern`.
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    var bitPattern: Bits { get }
    init(bitPattern: Bits)
    static func value(_ value: Value) -> Self
    var wasmValue: Value { get }
    var bitsValue: Value { get }
}

extension Float: WasmFloat {
    static func value(_ value: Value) -> Float { value.f32Value }
    var wasmValue: Value { .arithmetic(self) }
    var bitsValue: Value { .f32(bitPattern) }
}

extension Double: WasmFloat {
    static func value(_ value: Value) -> Double { value.f64Value }
    var wasmValue: Value { .arithmetic(self) }
    var bitsValue: Value { .f64(bitPattern) }
}

enum FloatRules {
    // fmin and fmax (spec 4.3.3), on bit patterns rather than float comparisons, so that they
    // share no code or structure with the interpreter's: a NaN operand gives a NaN (the canonical
    // one, as every NaN result here); otherwise the operand first or last in the order
    // -inf < ... < -0 < +0 < ... < +inf, which is the spec's "the smaller (larger) value", its
    // infinity cases and its rule that -0 is the min and +0 the max of the two zeros.

    /// `fmin`.
    static func minimum<F: WasmFloat>(_ a: F, _ b: F) -> F {
        if isNaN(a) || isNaN(b) { return canonicalNaN() }
        return orderKey(a) <= orderKey(b) ? a : b
    }

    /// `fmax`.
    static func maximum<F: WasmFloat>(_ a: F, _ b: F) -> F {
        if isNaN(a) || isNaN(b) { return canonicalNaN() }
        return orderKey(a) >= orderKey(b) ? a : b
    }

    static func signBit<F: WasmFloat>(_: F.Type) -> F.Bits { 1 << (F.Bits.bitWidth - 1) }

    /// The bits of +infinity: every exponent bit set, the significand zero.
    static func infinityBits<F: WasmFloat>(_: F.Type) -> F.Bits {
        ((1 << F.Bits(F.exponentBitCount)) - 1) << F.Bits(F.significandBitCount)
    }

    /// A NaN: every exponent bit set and a significand that is not zero, either sign.
    static func isNaN<F: WasmFloat>(_ value: F) -> Bool {
        value.bitPattern & ~signBit(F.self) > infinityBits(F.self)
    }

    /// The canonical NaN: positive, only the significand's top bit set.
    static func canonicalNaN<F: WasmFloat>() -> F {
        F(bitPattern: infinityBits(F.self) | 1 << F.Bits(F.significandBitCount - 1))
    }

    /// An unsigned key whose order is the order of the non-NaN floats, -0 just below +0:
    /// a negative float's bits inverted (the larger the magnitude, the smaller the key), a
    /// positive float's with the sign bit set (above every negative one).
    static func orderKey<F: WasmFloat>(_ value: F) -> F.Bits {
        let bits = value.bitPattern
        return bits & signBit(F.self) != 0 ? ~bits : bits | signBit(F.self)
    }

    /// `trunc_s`/`trunc_u` to an integer of `width` bits: traps on NaN and out of range.
    static func truncate<F: WasmFloat>(_ value: F, width: Int, signed: Bool) throws(TrapReason) -> UInt64 {
        guard !value.isNaN else { throw .invalidConversionToInteger }
        let truncated = value.rounded(.towardZero)
        let limit = F(sign: .plus, exponent: F.Exponent(signed ? width - 1 : width), significand: 1)
        let lowest: F = signed ? -limit : 0
        guard truncated >= lowest, truncated < limit else { throw .integerOverflow }
        return signed ? UInt64(bitPattern: Int64(truncated)) : UInt64(truncated)
    }

    /// `trunc_sat_s`/`trunc_sat_u`: NaN is zero, out of range clamps.
    static func saturate<F: WasmFloat>(_ value: F, width: Int, signed: Bool) -> UInt64 {
        if value.isNaN { return 0 }
        let limit = F(sign: .plus, exponent: F.Exponent(signed ? width - 1 : width), significand: 1)
        let truncated = value.rounded(.towardZero)
        if signed {
            if truncated < -limit { return UInt64(bitPattern: Int64.min >> Int64(64 - width)) }
            if truncated >= limit { return UInt64(Int64.max >> Int64(64 - width)) }
            return UInt64(bitPattern: Int64(truncated))
        }
        if truncated <= 0 { return 0 }
        if truncated >= limit { return width == 64 ? .max : (1 << UInt64(width)) - 1 }
        return UInt64(truncated)
    }
}

extension NumericOp {
    /// The f32 (`bits32`) or f64 comparisons and arithmetic.
    static func floatOps(bits32: Bool) -> [NumericOp] {
        bits32 ? floatOps(Float.self, type: .f32, compareBase: 0x5B, arithmeticBase: 0x8B)
            : floatOps(Double.self, type: .f64, compareBase: 0x61, arithmeticBase: 0x99)
    }

    static func floatOps<F: WasmFloat>(_: F.Type, type: ValueType, compareBase: UInt8, arithmeticBase: UInt8) -> [NumericOp] {
        func compare(_ offset: UInt8, _ name: String, _ test: @escaping @Sendable (F, F) -> Bool) -> NumericOp {
            NumericOp(name: "\(type).\(name)", code: [compareBase + offset], operands: [type, type], result: .i32) { values throws(TrapReason) in
                .i32(test(F.value(values[0]), F.value(values[1])) ? 1 : 0)
            }
        }
        func unary(_ offset: UInt8, _ name: String, _ apply: @escaping @Sendable (F) -> Value) -> NumericOp {
            NumericOp(name: "\(type).\(name)", code: [arithmeticBase + offset], operands: [type], result: type) { values throws(TrapReason) in
                apply(F.value(values[0]))
            }
        }
        func binary(_ offset: UInt8, _ name: String, _ apply: @escaping @Sendable (F, F) -> Value) -> NumericOp {
            NumericOp(name: "\(type).\(name)", code: [arithmeticBase + offset], operands: [type, type], result: type) { values throws(TrapReason) in
                apply(F.value(values[0]), F.value(values[1]))
            }
        }
        return [
            compare(0, "eq") { $0 == $1 }, compare(1, "ne") { $0 != $1 }, compare(2, "lt") { $0 < $1 },
            compare(3, "gt") { $0 > $1 }, compare(4, "le") { $0 <= $1 }, compare(5, "ge") { $0 >= $1 },
            unary(0, "abs") { F(sign: .plus, exponentBitPattern: $0.exponentBitPattern, significandBitPattern: $0.significandBitPattern).bitsValue },
            unary(1, "neg") { F(sign: $0.sign == .plus ? .minus : .plus, exponentBitPattern: $0.exponentBitPattern, significandBitPattern: $0.significandBitPattern).bitsValue },
            unary(2, "ceil") { $0.rounded(.up).wasmValue }, unary(3, "floor") { $0.rounded(.down).wasmValue },
            unary(4, "trunc") { $0.rounded(.towardZero).wasmValue }, unary(5, "nearest") { $0.rounded(.toNearestOrEven).wasmValue },
            unary(6, "sqrt") { $0.squareRoot().wasmValue },
            binary(7, "add") { ($0 + $1).wasmValue }, binary(8, "sub") { ($0 - $1).wasmValue },
            binary(9, "mul") { ($0 * $1).wasmValue }, binary(10, "div") { ($0 / $1).wasmValue },
            binary(11, "min") { FloatRules.minimum($0, $1).wasmValue }, binary(12, "max") { FloatRules.maximum($0, $1).wasmValue },
            binary(13, "copysign") { F(sign: $1.sign, exponentBitPattern: $0.exponentBitPattern, significandBitPattern: $0.significandBitPattern).bitsValue },
        ]
    }
}

// MARK: - Conversions

extension NumericOp {
    /// The conversions between types (0xA7-0xBF) and the saturating truncations (0xFC 0-7).
    static let conversions: [NumericOp] = truncations + saturatingTruncations + [
        op("i32.wrap_i64", 0xA7, .i64, .i32) { .i32(UInt32(truncatingIfNeeded: $0.i64Bits)) },
        op("i64.extend_i32_s", 0xAC, .i32, .i64) { .i64(UInt64(bitPattern: Int64(Int32(bitPattern: $0.i32Bits)))) },
        op("i64.extend_i32_u", 0xAD, .i32, .i64) { .i64(UInt64($0.i32Bits)) },
        op("f32.convert_i32_s", 0xB2, .i32, .f32) { .f32(Float(Int32(bitPattern: $0.i32Bits)).bitPattern) },
        op("f32.convert_i32_u", 0xB3, .i32, .f32) { .f32(Float($0.i32Bits).bitPattern) },
        op("f32.convert_i64_s", 0xB4, .i64, .f32) { .f32(Float(Int64(bitPattern: $0.i64Bits)).bitPattern) },
        op("f32.convert_i64_u", 0xB5, .i64, .f32) { .f32(Float($0.i64Bits).bitPattern) },
        op("f32.demote_f64", 0xB6, .f64, .f32) { .arithmetic(Float($0.f64Value)) },
        op("f64.convert_i32_s", 0xB7, .i32, .f64) { .f64(Double(Int32(bitPattern: $0.i32Bits)).bitPattern) },
        op("f64.convert_i32_u", 0xB8, .i32, .f64) { .f64(Double($0.i32Bits).bitPattern) },
        op("f64.convert_i64_s", 0xB9, .i64, .f64) { .f64(Double(Int64(bitPattern: $0.i64Bits)).bitPattern) },
        op("f64.convert_i64_u", 0xBA, .i64, .f64) { .f64(Double($0.i64Bits).bitPattern) },
        op("f64.promote_f32", 0xBB, .f32, .f64) { .arithmetic(Double($0.f32Value)) },
        op("i32.reinterpret_f32", 0xBC, .f32, .i32) { if case .f32(let bits) = $0 { .i32(bits) } else { .i32(0) } },
        op("i64.reinterpret_f64", 0xBD, .f64, .i64) { if case .f64(let bits) = $0 { .i64(bits) } else { .i64(0) } },
        op("f32.reinterpret_i32", 0xBE, .i32, .f32) { .f32($0.i32Bits) },
        op("f64.reinterpret_i64", 0xBF, .i64, .f64) { .f64($0.i64Bits) },
    ]

    static func op(_ name: String, _ code: UInt8, _ from: ValueType, _ to: ValueType, _ apply: @escaping @Sendable (Value) -> Value) -> NumericOp {
        NumericOp(name: name, code: [code], operands: [from], result: to) { values throws(TrapReason) in apply(values[0]) }
    }

    /// `iNN.trunc_fMM_s/u`, 0xA8-0xAB and 0xAE-0xB1.
    static let truncations: [NumericOp] = [(ValueType.i32, 0xA8 as UInt8), (.i64, 0xAE)].flatMap { target, base in
        [(ValueType.f32, "s"), (.f32, "u"), (.f64, "s"), (.f64, "u")].enumerated().map { offset, source in
            let width = target == .i32 ? 32 : 64
            let signed = source.1 == "s"
            return NumericOp(name: "\(target).trunc_\(source.0)_\(source.1)", code: [base + UInt8(offset)], operands: [source.0], result: target) { values throws(TrapReason) in
                let bits = source.0 == .f32 ? try FloatRules.truncate(values[0].f32Value, width: width, signed: signed)
                    : try FloatRules.truncate(values[0].f64Value, width: width, signed: signed)
                return .integer(target, bits)
            }
        }
    }

    /// `iNN.trunc_sat_fMM_s/u`, 0xFC 0-7.
    static let saturatingTruncations: [NumericOp] = (0..<8).map { index in
        let target: ValueType = index < 4 ? .i32 : .i64
        let source: ValueType = index % 4 < 2 ? .f32 : .f64
        let signed = index % 2 == 0
        let width = target == .i32 ? 32 : 64
        return NumericOp(name: "\(target).trunc_sat_\(source)_\(signed ? "s" : "u")", code: [0xFC, UInt8(index)], operands: [source], result: target) { values throws(TrapReason) in
            let bits = source == .f32 ? FloatRules.saturate(values[0].f32Value, width: width, signed: signed)
                : FloatRules.saturate(values[0].f64Value, width: width, signed: signed)
            return .integer(target, bits)
        }
    }
}

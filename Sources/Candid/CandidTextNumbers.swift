/// Number literals read at a numeric type: `nat`, `int`, the fixed-width integers with
/// range checks, and the floats.
enum CandidTextNumbers {
    /// The most digits an integer literal may have (about 66 000 bits), so that reading one
    /// (quadratic in its length) stays fast.
    static let digitsMax = 20_000

    /// The literal's magnitude, if it is an integer literal (decimal or hexadecimal) of at
    /// most ``digitsMax`` digits.
    static func natural(_ literal: CandidNumberLiteral) -> CandidNatural? {
        guard !literal.isFloat, literal.digits.utf8.count <= digitsMax else { return nil }
        guard literal.isHexadecimal else { return CandidNatural(decimal: literal.digits) }
        var number = CandidNatural.zero
        for byte in literal.digits.utf8 {
            guard let digit = CandidTextLexer.hexValue(byte) else { return nil }
            number.multiplyAdd(16, UInt32(digit))
        }
        return number
    }

    /// The literal as a value of the integer or float type `type`, or a message saying why not.
    static func value(_ literal: CandidNumberLiteral, as type: CandidType) -> Result<CandidValue, CandidError> {
        switch type {
        case .float32, .float64: return float(literal, as: type)
        default: break
        }
        guard !literal.isFloat else {
            return .failure(CandidError("expected an integer for \(CandidText.print(type)); found the float `\(literal)`"))
        }
        guard let magnitude = natural(literal) else {
            return .failure(CandidError("an integer literal has at most \(digitsMax) digits"))
        }
        let integer = CandidInteger(isNegative: literal.isNegative, magnitude: magnitude)
        if type == .int { return .success(.int(integer)) }
        if type == .nat {
            guard !integer.isNegative else { return .failure(CandidError("expected a nat; found the negative number `\(literal)`")) }
            return .success(.nat(magnitude))
        }
        guard let value = fixedWidth(integer, as: type) else {
            return .failure(CandidError("`\(literal)` is out of range for \(CandidText.print(type))"))
        }
        return .success(value)
    }

    /// An integer as a value of a fixed-width integer type, if it is in range.
    private static func fixedWidth(_ integer: CandidInteger, as type: CandidType) -> CandidValue? {
        if let unsigned = integer.isNegative ? nil : integer.magnitude.uint64Value {
            switch type {
            case .nat8: return UInt8(exactly: unsigned).map { .nat8($0) }
            case .nat16: return UInt16(exactly: unsigned).map { .nat16($0) }
            case .nat32: return UInt32(exactly: unsigned).map { .nat32($0) }
            case .nat64: return .nat64(unsigned)
            default: break
            }
        }
        guard let signed = integer.int64Value else { return nil }
        switch type {
        case .int8: return Int8(exactly: signed).map { .int8($0) }
        case .int16: return Int16(exactly: signed).map { .int16($0) }
        case .int32: return Int32(exactly: signed).map { .int32($0) }
        case .int64: return .int64(signed)
        default: return nil
        }
    }

    /// The literal as a `float32` or `float64`, correctly rounded; a finite literal too large
    /// for the type is an error.
    private static func float(_ literal: CandidNumberLiteral, as type: CandidType) -> Result<CandidValue, CandidError> {
        var text = (literal.isNegative ? "-" : "") + (literal.isHexadecimal ? "0x" : "") + literal.digits
        if literal.isHexadecimal, !literal.isFloat { text += "p0" }
        if type == .float32 {
            guard let value = Float(text), value.isFinite else { return .failure(CandidError("`\(literal)` is out of range for float32")) }
            return .success(.float32(value))
        }
        guard let value = Double(text), value.isFinite else { return .failure(CandidError("`\(literal)` is out of range for float64")) }
        return .success(.float64(value))
    }

    /// `nan` or `inf` (signed) as a value of a float type.
    static func special(isNegative: Bool, isNaN: Bool, as type: CandidType) -> CandidValue? {
        switch type {
        case .float32:
            let value: Float = isNaN ? .nan : .infinity
            return .float32(isNegative ? -value : value)
        case .float64:
            let value: Double = isNaN ? .nan : .infinity
            return .float64(isNegative ? -value : value)
        default:
            return nil
        }
    }
}

/// Reading primitive values and references (the formal Candid specification, "Memory").
extension CandidValueDecoder {
    /// A value of a primitive type (not `empty`, `reserved` or `principal`).
    mutating func readPrimitive(_ type: CandidType) throws -> CandidValue {
        switch type {
        case .null:
            try charge(1)
            return .null
        case .bool:
            try charge(1)
            return .bool(try readBool())
        case .nat:
            return .nat(try readNatural())
        case .int:
            let start = reader.offset
            if let small = try reader.readSmallSLEB("an int") {
                try charge(reader.offset - start)
                return .int(CandidInteger(small))
            }
            let groups = try reader.readGroups("an int")
            try charge(groups.count)
            return .int(CandidInteger(signedGroups: groups))
        case .nat8: return .nat8(UInt8(truncatingIfNeeded: try readFixed(1, "a nat8")))
        case .nat16: return .nat16(UInt16(truncatingIfNeeded: try readFixed(2, "a nat16")))
        case .nat32: return .nat32(UInt32(truncatingIfNeeded: try readFixed(4, "a nat32")))
        case .nat64: return .nat64(try readFixed(8, "a nat64"))
        case .int8: return .int8(Int8(truncatingIfNeeded: try readFixed(1, "an int8")))
        case .int16: return .int16(Int16(truncatingIfNeeded: try readFixed(2, "an int16")))
        case .int32: return .int32(Int32(truncatingIfNeeded: try readFixed(4, "an int32")))
        case .int64: return .int64(Int64(truncatingIfNeeded: try readFixed(8, "an int64")))
        case .float32: return .float32(Float(bitPattern: UInt32(truncatingIfNeeded: try readFixed(4, "a float32"))))
        case .float64: return .float64(Double(bitPattern: try readFixed(8, "a float64")))
        case .text: return .text(try readText("a text"))
        default: throw reader.error("\(type.kindName) is not a primitive value type")
        }
    }

    /// A fixed-width little-endian number, charged its width.
    private mutating func readFixed(_ width: Int, _ what: String) throws -> UInt64 {
        try charge(width)
        return try reader.readLittleEndian(width: width, what)
    }

    /// A boolean byte: 0 or 1.
    mutating func readBool() throws(CandidError) -> Bool {
        let offset = reader.offset
        switch try reader.readByte("a bool") {
        case 0: return false
        case 1: return true
        case let byte: throw CandidError("a bool must be 0 or 1, found \(byte)", at: .byteOffset(offset))
        }
    }

    /// A `nat` in LEB128, charged its length.
    mutating func readNatural() throws -> CandidNatural {
        let start = reader.offset
        if let small = try reader.readSmallLEB("a nat") {
            try charge(reader.offset - start)
            return CandidNatural(small)
        }
        let groups = try reader.readGroups("a nat")
        try charge(groups.count)
        return CandidNatural(groups: groups)
    }

    /// A length-prefixed UTF-8 text, charged 1 + its length.
    mutating func readText(_ what: String) throws -> String {
        let offset = reader.offset
        let length = try reader.readLength("\(what)'s length")
        try charge(CandidValueDecoder.sum(length, 1))
        let bytes = try reader.readBytes(length, what)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CandidError("\(what) is not valid UTF-8", at: .byteOffset(offset))
        }
        return text
    }

    /// A transparent principal reference: flag 1, a length of at most 29, the bytes
    /// (opaque references, flag 0, are not supported: the system never sends them).
    mutating func readPrincipal() throws -> CandidPrincipal {
        let offset = reader.offset
        switch try reader.readByte("a reference's flag") {
        case 1: break
        case 0: throw CandidError("opaque references are not supported (expected flag 1)", at: .byteOffset(offset))
        case let flag: throw CandidError("a reference's flag must be 1, found \(flag)", at: .byteOffset(offset))
        }
        let lengthOffset = reader.offset
        let length = try reader.readLength("a principal's length")
        guard length <= CandidPrincipal.bytesMax else {
            throw CandidError("a principal has at most \(CandidPrincipal.bytesMax) bytes, found a length of \(length)",
                              at: .byteOffset(lengthOffset))
        }
        try charge(max(30, length))
        return CandidPrincipal(bytes: Array(try reader.readBytes(length, "a principal")))
    }

    /// A `service` reference (a principal) or a `func` reference (flag 1, a service, a
    /// method name), given the resolved wire type.
    mutating func readReference(_ type: CandidType) throws -> CandidValue {
        try charge(2)
        guard case .function = type else { return .service(try readPrincipal()) }
        let offset = reader.offset
        guard try reader.readByte("a func reference's flag") == 1 else {
            throw CandidError("a func reference must be public (flag 1); opaque ones are not supported", at: .byteOffset(offset))
        }
        let service = try readPrincipal()
        return .function(service: service, method: try readText("a method name"))
    }

    /// Whether `count` elements of `element` could follow: an element type whose values
    /// take at least one byte cannot have more elements than bytes remain.
    func checkPlausibleCount(_ count: Int, of element: CandidType, at offset: Int) throws(CandidError) {
        guard count > reader.remaining else { return }
        let resolved = try? wire.resolve(element)
        switch resolved {
        case .known(.null)?, .known(.reserved)?, .known(.record)?, .known(.empty)?, nil:
            return
        default:
            throw CandidError("a vec claims \(count) elements but only \(reader.remaining) bytes follow", at: .byteOffset(offset))
        }
    }

    /// `left + right`, or `Int.max` when that overflows.
    static func sum(_ left: Int, _ right: Int) -> Int {
        let (value, overflow) = left.addingReportingOverflow(right)
        return overflow ? Int.max : value
    }
}

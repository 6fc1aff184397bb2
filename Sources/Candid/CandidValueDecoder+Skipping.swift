/// Skipping values that are not needed (extra arguments, extra record fields, values read
/// as `reserved`, `opt` contents that do not coerce): each is read and validated at its
/// wire type and discarded, charged at the skipping rate.
extension CandidValueDecoder {
    /// Reads and discards a value of wire type `wireType`.
    mutating func skip(_ wireType: CandidType) throws {
        try enter()
        let wasSkipping = isSkipping
        isSkipping = true
        defer {
            depth -= 1
            isSkipping = wasSkipping
        }
        guard case .known(let type) = try wire.resolve(wireType) else {
            try skipFutureValue()
            return
        }
        switch type {
        case .null, .reserved:
            try charge(1)
        case .empty:
            throw reader.error("no value has type empty")
        case .principal:
            _ = try readPrincipal()
        case .opt(let element):
            try charge(2)
            if try readOptionFlag() { try skip(element) }
        case .vec(let element):
            try skipVector(element)
        case .record(let fields):
            try charge(2)
            for field in fields {
                try charge(7)
                try skip(field.type)
            }
        case .variant(let fields):
            try charge(7)
            let offset = reader.offset
            let index = try reader.readLength("a variant's index")
            guard index < fields.count else {
                throw CandidError("variant index \(index) is out of range (the type has \(fields.count) alternatives)",
                                  at: .byteOffset(offset))
            }
            try skip(fields[index].type)
        case .function, .service:
            _ = try readReference(type)
        default:
            _ = try readPrimitive(type)
        }
    }

    /// An `opt`'s presence flag.
    private mutating func readOptionFlag() throws(CandidError) -> Bool {
        let offset = reader.offset
        switch try reader.readByte("an opt's presence flag") {
        case 0: return false
        case 1: return true
        case let flag: throw CandidError("an opt's flag must be 0 or 1, found \(flag)", at: .byteOffset(offset))
        }
    }

    /// A vector's elements, charged before they are read.
    private mutating func skipVector(_ element: CandidType) throws {
        let offset = reader.offset
        let count = try reader.readLength("a vec's length")
        try checkPlausibleCount(count, of: element, at: offset)
        try charge(CandidValueDecoder.sum(2, CandidValueDecoder.product(count, 3)))
        for _ in 0..<count { try skip(element) }
    }

    /// A future type's value: a byte count, a reference count, then the bytes (the formal
    /// Candid specification, "Deserialisation of future types").
    private mutating func skipFutureValue() throws {
        let length = try reader.readLength("a future value's byte count")
        try charge(CandidValueDecoder.sum(length, 1))
        _ = try reader.readLength("a future value's reference count")
        try reader.skipBytes(length, "a future value")
    }
}

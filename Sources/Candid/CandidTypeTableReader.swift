/// A binary message's header: its type table and argument types (the formal Candid
/// specification, "Parameters and Results": `DIDL`, `T*(<datatype>*)`, `I*(<datatype>*)`).
struct CandidMessageHeader {
    /// The table entries, bound as ``CandidTypeScope/tableName(_:)``.
    var scope: CandidTypeScope
    /// The argument types: primitives, or references to table entries.
    var argumentTypes: [CandidType]
    /// The table's size (the subtype check's cost counts it).
    var tableCount: Int
}

/// Parses and validates a message header: indices in range, table entries that are type
/// constructors (not primitives or bare indices), field IDs strictly ascending, method names
/// strictly ascending, method types that are function entries, known annotations.
struct CandidTypeTableReader {
    /// The reader, left at the first value byte.
    var reader: CandidByteReader
    /// The limits (the table size bound).
    let limits: CandidDecodingLimits
    private var tableCount = 0
    private var methodTypeChecks: [(offset: Int, index: Int)] = []

    /// A table reader over a message.
    init(_ bytes: [UInt8], limits: CandidDecodingLimits) {
        self.reader = CandidByteReader(bytes)
        self.limits = limits
    }

    /// Reads the magic number, the type table and the argument types.
    mutating func readHeader() throws(CandidError) -> CandidMessageHeader {
        let magic = try reader.readBytes(4, "the magic number DIDL")
        guard Array(magic) == Array("DIDL".utf8) else {
            throw CandidError("expected the magic number DIDL", at: .byteOffset(0))
        }
        let countOffset = reader.offset
        let count = try reader.readLength("the type table's length")
        guard count <= limits.typeTableEntriesMax else {
            throw CandidError("the type table has \(count) entries, more than the limit \(limits.typeTableEntriesMax)",
                              at: .byteOffset(countOffset))
        }
        guard count <= reader.remaining else {
            throw CandidError("the type table claims \(count) entries but only \(reader.remaining) bytes follow",
                              at: .byteOffset(countOffset))
        }
        tableCount = count
        var environment = CandidTypeEnvironment()
        var futureNames: Set<String> = []
        for index in 0..<count {
            if let entry = try readEntry() {
                environment.bind(CandidTypeScope.tableName(index), to: entry)
            } else {
                futureNames.insert(CandidTypeScope.tableName(index))
            }
        }
        for check in methodTypeChecks {
            guard case .function = environment[CandidTypeScope.tableName(check.index)] else {
                throw CandidError("a service method's type must be a function type", at: .byteOffset(check.offset))
            }
        }
        let argumentOffset = reader.offset
        let argumentCount = try reader.readLength("the number of arguments")
        guard argumentCount <= reader.remaining else {
            throw CandidError("the message claims \(argumentCount) arguments but only \(reader.remaining) bytes follow",
                              at: .byteOffset(argumentOffset))
        }
        var arguments: [CandidType] = []
        for _ in 0..<argumentCount { arguments.append(try readTypeReference("an argument type")) }
        return CandidMessageHeader(scope: CandidTypeScope(environment, futureNames: futureNames),
                                   argumentTypes: arguments, tableCount: count)
    }

    /// A type reference `I(t)`: a primitive opcode or a table index in range.
    private mutating func readTypeReference(_ what: String) throws(CandidError) -> CandidType {
        try readTypeCode(what).type
    }

    /// A type reference and its code (a table index when not negative).
    private mutating func readTypeCode(_ what: String) throws(CandidError) -> (type: CandidType, code: Int64) {
        let start = reader.offset
        let code = try reader.readSLEB64(what)
        return (try type(forCode: code, what, at: start), code)
    }

    private func type(forCode code: Int64, _ what: String, at start: Int) throws(CandidError) -> CandidType {
        if code >= 0 {
            guard code < Int64(tableCount) else {
                throw CandidError("\(what) refers to type table entry \(code), but the table has \(tableCount)",
                                  at: .byteOffset(start))
            }
            return .reference(CandidTypeScope.tableName(Int(code)))
        }
        guard let primitive = CandidOpcode.primitive(code) else {
            throw CandidError("\(what) has opcode \(code), which is not a primitive type (constructors belong in the type table)",
                              at: .byteOffset(start))
        }
        return primitive
    }

    /// One table entry; `nil` for a future type.
    private mutating func readEntry() throws(CandidError) -> CandidType? {
        let start = reader.offset
        let code = try reader.readSLEB64("a type table entry's opcode")
        switch code {
        case CandidOpcode.opt: return .opt(try readTypeReference("an opt's element type"))
        case CandidOpcode.vec: return .vec(try readTypeReference("a vec's element type"))
        case CandidOpcode.record: return .record(try readFields("record field"))
        case CandidOpcode.variant: return .variant(try readFields("variant alternative"))
        case CandidOpcode.function: return .function(try readFunction())
        case CandidOpcode.service: return .service(try readService())
        case ..<CandidOpcode.principal:
            let length = try reader.readLength("a future type's length")
            try reader.skipBytes(length, "a future type")
            return nil
        default:
            throw CandidError("a type table entry must be a type constructor, found opcode \(code)", at: .byteOffset(start))
        }
    }

    /// Record fields or variant alternatives, IDs strictly ascending and within 32 bits.
    private mutating func readFields(_ what: String) throws(CandidError) -> [CandidFieldType] {
        let countOffset = reader.offset
        let count = try reader.readLength("the number of \(what)s")
        guard count <= reader.remaining / 2 else {
            throw CandidError("\(count) \(what)s claimed but only \(reader.remaining) bytes follow", at: .byteOffset(countOffset))
        }
        var fields: [CandidFieldType] = []
        var previous: UInt32?
        for _ in 0..<count {
            let idOffset = reader.offset
            let id = try reader.readLEB64("a \(what)'s ID")
            guard id <= UInt64(UInt32.max) else {
                throw CandidError("a \(what)'s ID \(id) does not fit 32 bits", at: .byteOffset(idOffset))
            }
            if let previous, UInt32(id) <= previous {
                throw CandidError("\(what) IDs must be strictly ascending: \(id) after \(previous)", at: .byteOffset(idOffset))
            }
            previous = UInt32(id)
            fields.append(CandidFieldType(label: .id(UInt32(id)), type: try readTypeReference("a \(what)'s type")))
        }
        return fields
    }

    /// A function type: arguments, results, annotations (1 query, 2 oneway, 3 composite_query).
    private mutating func readFunction() throws(CandidError) -> CandidFunctionType {
        let arguments = try readTypeList("function argument")
        let results = try readTypeList("function result")
        let countOffset = reader.offset
        let count = try reader.readLength("the number of function annotations")
        guard count <= reader.remaining else {
            throw CandidError("\(count) annotations claimed but only \(reader.remaining) bytes follow", at: .byteOffset(countOffset))
        }
        var modes: [CandidFunctionType.Mode] = []
        for _ in 0..<count {
            let modeOffset = reader.offset
            let byte = try reader.readByte("a function annotation")
            guard let mode = CandidFunctionType.Mode(rawValue: byte) else {
                throw CandidError("unknown function annotation \(byte) (expected 1, 2 or 3)", at: .byteOffset(modeOffset))
            }
            if !modes.contains(mode) { modes.append(mode) }
        }
        return CandidFunctionType(arguments: arguments, results: results, modes: modes)
    }

    /// A counted list of type references.
    private mutating func readTypeList(_ what: String) throws(CandidError) -> [CandidType] {
        let countOffset = reader.offset
        let count = try reader.readLength("the number of \(what)s")
        guard count <= reader.remaining else {
            throw CandidError("\(count) \(what)s claimed but only \(reader.remaining) bytes follow", at: .byteOffset(countOffset))
        }
        var types: [CandidType] = []
        for _ in 0..<count { types.append(try readTypeReference("a \(what)'s type")) }
        return types
    }

    /// A service type: methods with UTF-8 names in strictly ascending byte order, each a
    /// reference to a function entry (checked once the whole table is read).
    private mutating func readService() throws(CandidError) -> CandidServiceType {
        let countOffset = reader.offset
        let count = try reader.readLength("the number of service methods")
        guard count <= reader.remaining / 2 else {
            throw CandidError("\(count) methods claimed but only \(reader.remaining) bytes follow", at: .byteOffset(countOffset))
        }
        var methods: [CandidServiceType.Method] = []
        var previous: [UInt8]?
        for _ in 0..<count {
            let nameOffset = reader.offset
            let length = try reader.readLength("a method name's length")
            let nameBytes = Array(try reader.readBytes(length, "a method name"))
            guard let name = String(validating: nameBytes, as: UTF8.self) else {
                throw CandidError("a method name is not valid UTF-8", at: .byteOffset(nameOffset))
            }
            if let previous, !previous.lexicographicallyPrecedes(nameBytes) {
                throw CandidError("method names must be strictly ascending: \(name) is out of order or repeated",
                                  at: .byteOffset(nameOffset))
            }
            previous = nameBytes
            let typeOffset = reader.offset
            let (type, code) = try readTypeCode("a method's type")
            guard code >= 0 else {
                throw CandidError("a service method's type must be a function type", at: .byteOffset(typeOffset))
            }
            methodTypeChecks.append((typeOffset, Int(code)))
            methods.append(CandidServiceType.Method(name: name, type: type))
        }
        return CandidServiceType(methods: methods)
    }
}

/// A value on the wire that does not coerce to the expected type (the formal Candid
/// specification, "Deserialisation": `v !: t`). Under an `opt` this is not an error: the
/// `opt` reads as `null`. Everywhere else it becomes the ``CandidError`` it carries.
struct CandidCoercionFailure: Error {
    /// What did not match, and where.
    var error: CandidError
}

/// Decodes a message's values at expected types in one pass, coercing as it reads (the
/// formal Candid specification, "Deserialisation" and its decoding relation `v :? t ~> v'`).
///
/// Malformed bytes and exceeded limits throw ``CandidError``; values that are well formed but
/// do not coerce throw ``CandidCoercionFailure``, which an enclosing `opt` turns into `null`
/// after skipping the value (as dfinity/candid's de.rs does in `recoverable_visit_some`).
struct CandidValueDecoder {
    /// The message, positioned at the next value.
    var reader: CandidByteReader
    /// The cost so far.
    var meter: CandidCostMeter
    /// The relation used for `func` and `service` references.
    var subtyping: CandidSubtyping
    /// The message's types.
    let wire: CandidTypeScope
    /// The expected types.
    let expected: CandidTypeScope
    /// The type table's size (each reference subtype check costs this much).
    let tableCount: Int
    /// How deep the decoder is in nested values.
    var depth = 0
    /// Whether the value being read is skipped (charged at the skipping rate).
    var isSkipping = false

    /// A decoder reading `reader`'s values of the message with `header`.
    init(reader: CandidByteReader, header: CandidMessageHeader, expected: CandidTypeScope, limits: CandidDecodingLimits) {
        self.reader = reader
        self.meter = CandidCostMeter(limits)
        self.wire = header.scope
        self.expected = expected
        self.tableCount = header.tableCount
        self.subtyping = CandidSubtyping(wire: header.scope, expected: expected, depthMax: limits.nestingDepthMax)
    }

    /// A coercion failure at the current offset.
    func mismatch(_ message: String) -> CandidCoercionFailure {
        CandidCoercionFailure(error: reader.error(message))
    }

    /// Charges the meter at the current offset.
    mutating func charge(_ units: Int) throws(CandidError) {
        try meter.charge(units, skipping: isSkipping, at: reader.offset)
    }

    /// Enters one level of nesting, refusing to go deeper than the limit.
    mutating func enter() throws(CandidError) {
        depth += 1
        guard depth <= meter.limits.nestingDepthMax else {
            throw reader.error("values or types nest deeper than the limit of \(meter.limits.nestingDepthMax)")
        }
    }

    /// Whether a reference's wire type is a subtype of the expected one, each step of the
    /// check charged to the meter (and the check stopped when the budget is spent).
    private mutating func checkSubtype(_ source: CandidType, _ target: CandidType) throws(CandidError) -> Bool {
        if let maximum = meter.limits.decodingCostMax { subtyping.stepsMax = max(0, maximum - meter.decodingCost) }
        let holds = subtyping.isSubtype(source, .wire, target, .expected)
        try charge(subtyping.steps)
        if subtyping.budgetExhausted { throw reader.error("checking a reference's type costs more than the decoding limit") }
        return holds
    }

    /// The value of wire type `wireType`, coerced to `expectedType`.
    mutating func decode(_ wireType: CandidType, as expectedType: CandidType) throws -> CandidValue {
        try enter()
        defer { depth -= 1 }
        let target = try expected.resolveKnown(expectedType)
        switch target {
        case .reserved:
            try skip(wireType)
            return .reserved
        case .opt(let element):
            return try decodeOption(wireType, as: element)
        default:
            break
        }
        guard case .known(let source) = try wire.resolve(wireType) else {
            throw mismatch("a value of a future type cannot be read as \(target.kindName)")
        }
        return try decodeKnown(source, as: target)
    }

    /// A value whose wire and expected types are resolved (and the expected one not
    /// `reserved` or `opt`).
    private mutating func decodeKnown(_ source: CandidType, as target: CandidType) throws -> CandidValue {
        switch (source, target) {
        case (.vec(let sourceElement), .vec(let targetElement)):
            return try decodeVector(sourceElement, as: targetElement)
        case (.record(let sourceFields), .record(let targetFields)):
            return try decodeRecord(sourceFields, as: targetFields)
        case (.variant(let sourceFields), .variant(let targetFields)):
            return try decodeVariant(sourceFields, as: targetFields)
        case (.principal, .principal), (.service, .principal):
            return .principal(try readPrincipal())
        case (.service, .service), (.function, .function):
            try charge(tableCount)
            let holds = try checkSubtype(source, target)
            guard holds else {
                throw mismatch("a \(source.kindName) reference whose type is not a subtype of the expected one")
            }
            return try readReference(source)
        case (.nat, .int):
            try charge(1)
            return .int(CandidInteger(try readNatural()))
        case (.empty, _):
            throw reader.error("no value has type empty")
        default:
            guard source == target, CandidOpcode.code(ofPrimitive: source) != nil else {
                throw mismatch("a value of type \(source.kindName) cannot be read as \(target.kindName)")
            }
            return try readPrimitive(source)
        }
    }

    /// The `opt` rules: `null` and `reserved` read as `null`; an `opt` value reads its
    /// content, or `null` if that does not coerce; any other value is read as the content.
    private mutating func decodeOption(_ wireType: CandidType, as element: CandidType) throws -> CandidValue {
        try charge(2)
        let source = try wire.resolve(wireType)
        switch source {
        case .known(.null), .known(.reserved):
            return .opt(nil)
        case .known(.opt(let sourceElement)):
            let flagOffset = reader.offset
            switch try reader.readByte("an opt's presence flag") {
            case 0: return .opt(nil)
            case 1: return .opt(try attempt(sourceElement, as: element))
            case let flag: throw CandidError("an opt's flag must be 0 or 1, found \(flag)", at: .byteOffset(flagOffset))
            }
        default:
            return .opt(try attempt(wireType, as: element))
        }
    }

    /// The value coerced, or `nil` (the value skipped) if it does not coerce.
    private mutating func attempt(_ wireType: CandidType, as expectedType: CandidType) throws -> CandidValue? {
        let start = reader.offset
        do {
            return try decode(wireType, as: expectedType)
        } catch is CandidCoercionFailure {
            reader.offset = start
            try charge(10)
            try skip(wireType)
            return nil
        }
    }

    /// A vector, element by element (a `blob` in one read).
    private mutating func decodeVector(_ sourceElement: CandidType, as targetElement: CandidType) throws -> CandidValue {
        let countOffset = reader.offset
        let count = try reader.readLength("a vec's length")
        try checkPlausibleCount(count, of: sourceElement, at: countOffset)
        try charge(2)
        let resolved = try? (wire.resolve(sourceElement), expected.resolveKnown(targetElement))
        if case (.known(.nat8), .nat8)? = resolved {
            try charge(count)
            return .vec(try reader.readBytes(count, "a blob").map { .nat8($0) })
        }
        try charge(Self.product(count, 3))
        var elements: [CandidValue] = []
        elements.reserveCapacity(min(count, reader.remaining))
        if case (.known(let source), let target)? = resolved, source == target || (source, target) == (.nat, .int),
           CandidOpcode.code(ofPrimitive: source) != nil, source != .empty, source != .reserved, source != .principal {
            // Elements of one primitive type: read directly, without resolving types per element.
            for _ in 0..<count {
                let element = try readPrimitive(source)
                if case .nat(let natural) = element, target == .int {
                    elements.append(.int(CandidInteger(natural)))
                } else {
                    elements.append(element)
                }
            }
            return .vec(elements)
        }
        for _ in 0..<count { elements.append(try decode(sourceElement, as: targetElement)) }
        return .vec(elements)
    }

    /// A record: wire fields matched by ID, extra ones skipped, missing ones defaulted if
    /// their expected type is `opt`, `null` or `reserved`.
    private mutating func decodeRecord(_ sourceFields: [CandidFieldType], as targetFields: [CandidFieldType]) throws -> CandidValue {
        try charge(2)
        let targets = try sortedFields(targetFields)
        var fields: [CandidFieldValue] = []
        fields.reserveCapacity(targets.count)
        var next = 0
        for sourceField in sourceFields {
            try charge(7)
            while next < targets.count, targets[next].label.id < sourceField.label.id {
                fields.append(try absentField(targets[next]))
                next += 1
            }
            if next < targets.count, targets[next].label.id == sourceField.label.id {
                fields.append(CandidFieldValue(label: targets[next].label, value: try decode(sourceField.type, as: targets[next].type)))
                next += 1
            } else {
                try skip(sourceField.type)
            }
        }
        while next < targets.count {
            fields.append(try absentField(targets[next]))
            next += 1
        }
        return .record(fields)
    }

    /// The value of an expected field that is not on the wire.
    private func absentField(_ field: CandidFieldType) throws -> CandidFieldValue {
        let value: CandidValue
        switch try expected.resolveKnown(field.type) {
        case .opt: value = .opt(nil)
        case .null: value = .null
        case .reserved: value = .reserved
        default: throw mismatch("the record has no field \(field.label), whose type is not opt, null or reserved")
        }
        return CandidFieldValue(label: field.label, value: value)
    }

    /// A variant: its alternative must exist in the expected type.
    private mutating func decodeVariant(_ sourceFields: [CandidFieldType], as targetFields: [CandidFieldType]) throws -> CandidValue {
        try charge(7)
        let indexOffset = reader.offset
        let index = try reader.readLength("a variant's index")
        guard index < sourceFields.count else {
            throw CandidError("variant index \(index) is out of range (the type has \(sourceFields.count) alternatives)",
                              at: .byteOffset(indexOffset))
        }
        let sourceField = sourceFields[index]
        guard let targetField = targetFields.first(where: { $0.label.id == sourceField.label.id }) else {
            throw mismatch("the variant alternative \(sourceField.label) is not in the expected type")
        }
        return .variant(CandidFieldValue(label: targetField.label, value: try decode(sourceField.type, as: targetField.type)))
    }

    /// Expected fields in ascending ID order, IDs unique.
    private func sortedFields(_ fields: [CandidFieldType]) throws(CandidError) -> [CandidFieldType] {
        let sorted = fields.indices.dropFirst().allSatisfy { fields[$0 - 1].label.id < fields[$0].label.id }
            ? fields : fields.sorted { $0.label.id < $1.label.id }
        for index in sorted.indices.dropFirst() where sorted[index - 1].label.id == sorted[index].label.id {
            throw CandidError("the expected type has two fields with ID \(sorted[index].label.id)")
        }
        return sorted
    }

    /// `count * factor`, or `Int.max` when that overflows (the meter then refuses it).
    static func product(_ count: Int, _ factor: Int) -> Int {
        let (value, overflow) = count.multipliedReportingOverflow(by: factor)
        return overflow ? Int.max : value
    }
}

extension CandidType {
    /// The type's constructor, for messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .nat: "nat"
        case .int: "int"
        case .nat8: "nat8"
        case .nat16: "nat16"
        case .nat32: "nat32"
        case .nat64: "nat64"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .float32: "float32"
        case .float64: "float64"
        case .text: "text"
        case .reserved: "reserved"
        case .empty: "empty"
        case .principal: "principal"
        case .opt: "opt"
        case .vec: "vec"
        case .record: "record"
        case .variant: "variant"
        case .function: "func"
        case .service: "service"
        case .reference(let name): name
        }
    }
}

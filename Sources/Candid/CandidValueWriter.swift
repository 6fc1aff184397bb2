/// Encodes values at their types (the formal Candid specification, "Memory": `M`), checking
/// that each value has its type and naming the value path where one does not.
struct CandidValueWriter {
    /// The named types.
    let environment: CandidTypeEnvironment
    /// The values written so far.
    private(set) var bytes: [UInt8] = []
    private var depth = 0
    private static let depthMax = 512

    /// A writer for values of types in `environment`.
    init(environment: CandidTypeEnvironment) {
        self.environment = environment
    }

    /// Writes `value` at `type`; `path` names the value in errors.
    mutating func write(_ value: CandidValue, as type: CandidType, path: String) throws(CandidError) {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.depthMax else { throw CandidError("the value nests deeper than \(Self.depthMax)", at: .valuePath(path)) }
        guard let resolved = environment.resolve(type) else {
            throw CandidError("the type \(type.kindName) is not defined", at: .valuePath(path))
        }
        if try writePrimitive(value, as: resolved, path: path) { return }
        switch (value, resolved) {
        case (.opt(nil), .opt), (.null, .opt):
            bytes.append(0)
        case (.opt(let content?), .opt(let element)):
            bytes.append(1)
            try write(content, as: element, path: path + "?")
        case (.vec(let elements), .vec(let element)) where environment.resolve(element) == .nat8:
            guard let blob = value.blobBytes else {
                let index = elements.firstIndex { if case .nat8 = $0 { false } else { true } } ?? 0
                throw CandidError("a \(elements[index].kindName) value does not have type nat8", at: .valuePath("\(path)[\(index)]"))
            }
            Self.appendLEB(UInt64(blob.count), to: &bytes)
            bytes += blob
        case (.vec(let elements), .vec(let element)):
            Self.appendLEB(UInt64(elements.count), to: &bytes)
            for (index, item) in elements.enumerated() { try write(item, as: element, path: "\(path)[\(index)]") }
        case (.record(let fields), .record(let fieldTypes)):
            try writeRecord(fields, as: fieldTypes, path: path)
        case (.variant(let field), .variant(let fieldTypes)):
            let sorted = fieldTypes.sorted { $0.label.id < $1.label.id }
            guard let index = sorted.firstIndex(where: { $0.label.id == field.label.id }) else {
                throw CandidError("the variant type has no alternative \(field.label)", at: .valuePath(path))
            }
            Self.appendLEB(UInt64(index), to: &bytes)
            try write(field.value, as: sorted[index].type, path: "\(path).\(field.label)")
        case (.principal(let principal), .principal), (.service(let principal), .service), (.principal(let principal), .service):
            appendPrincipal(principal)
        case (.function(let service, let method), .function):
            bytes.append(1)
            appendPrincipal(service)
            appendText(method)
        default:
            throw CandidError("a \(value.kindName) value does not have type \(resolved.kindName)", at: .valuePath(path))
        }
    }

    /// Writes a value of a primitive type; `false` if the type is not primitive.
    private mutating func writePrimitive(_ value: CandidValue, as type: CandidType, path: String) throws(CandidError) -> Bool {
        switch (value, type) {
        case (.null, .null), (_, .reserved): break
        case (.bool(let flag), .bool): bytes.append(flag ? 1 : 0)
        case (.nat(let number), .nat): bytes += number.leb128
        case (.int(let number), .int): bytes += number.sleb128
        case (.nat(let number), .int): bytes += CandidInteger(number).sleb128
        case (.nat8(let number), .nat8): appendLittleEndian(UInt64(number), width: 1)
        case (.nat16(let number), .nat16): appendLittleEndian(UInt64(number), width: 2)
        case (.nat32(let number), .nat32): appendLittleEndian(UInt64(number), width: 4)
        case (.nat64(let number), .nat64): appendLittleEndian(number, width: 8)
        case (.int8(let number), .int8): appendLittleEndian(UInt64(UInt8(bitPattern: number)), width: 1)
        case (.int16(let number), .int16): appendLittleEndian(UInt64(UInt16(bitPattern: number)), width: 2)
        case (.int32(let number), .int32): appendLittleEndian(UInt64(UInt32(bitPattern: number)), width: 4)
        case (.int64(let number), .int64): appendLittleEndian(UInt64(bitPattern: number), width: 8)
        case (.float32(let number), .float32): appendLittleEndian(UInt64(number.bitPattern), width: 4)
        case (.float64(let number), .float64): appendLittleEndian(number.bitPattern, width: 8)
        case (.text(let text), .text): appendText(text)
        case (_, .empty): throw CandidError("no value has type empty", at: .valuePath(path))
        default:
            guard CandidOpcode.code(ofPrimitive: type) == nil || type == .principal else {
                throw CandidError("a \(value.kindName) value does not have type \(type.kindName)", at: .valuePath(path))
            }
            return false
        }
        return true
    }

    /// A record's fields in ID order; a field the value lacks may be left out only if its
    /// type is `opt`, `null` or `reserved`; a field the type lacks is an error.
    private mutating func writeRecord(_ fields: [CandidFieldValue], as fieldTypes: [CandidFieldType], path: String) throws(CandidError) {
        for field in fields where !fieldTypes.contains(where: { $0.label.id == field.label.id }) {
            throw CandidError("the record type has no field \(field.label)", at: .valuePath(path))
        }
        let ids = fields.map(\.label.id).sorted()
        for index in ids.indices.dropFirst() where ids[index - 1] == ids[index] {
            throw CandidError("the record value has two fields with ID \(ids[index])", at: .valuePath(path))
        }
        for fieldType in fieldTypes.sorted(by: { $0.label.id < $1.label.id }) {
            let fieldPath = "\(path).\(fieldType.label)"
            if let field = fields.first(where: { $0.label.id == fieldType.label.id }) {
                try write(field.value, as: fieldType.type, path: fieldPath)
            } else if let resolved = environment.resolve(fieldType.type), resolved.mayBeAbsent {
                try write(resolved == .null ? .null : (resolved == .reserved ? .reserved : .opt(nil)), as: resolved, path: fieldPath)
            } else {
                throw CandidError("the record value has no field \(fieldType.label)", at: .valuePath(fieldPath))
            }
        }
    }

    private mutating func appendPrincipal(_ principal: CandidPrincipal) {
        bytes.append(1)
        Self.appendLEB(UInt64(principal.bytes.count), to: &bytes)
        bytes += principal.bytes
    }

    private mutating func appendText(_ text: String) {
        let utf8 = Array(text.utf8)
        Self.appendLEB(UInt64(utf8.count), to: &bytes)
        bytes += utf8
    }

    private mutating func appendLittleEndian(_ value: UInt64, width: Int) {
        for index in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    /// Appends `value` in unsigned LEB128.
    static func appendLEB(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        repeat {
            let group = UInt8(rest & 0x7f)
            rest >>= 7
            bytes.append(rest == 0 ? group : group | 0x80)
        } while rest != 0
    }

    /// Appends `value` in signed LEB128.
    static func appendSLEB(_ value: Int64, to bytes: inout [UInt8]) {
        var rest = value
        while true {
            let group = UInt8(truncatingIfNeeded: rest & 0x7f)
            rest >>= 7
            let done = (rest == 0 && group & 0x40 == 0) || (rest == -1 && group & 0x40 != 0)
            bytes.append(done ? group : group | 0x80)
            if done { return }
        }
    }
}

extension CandidValue {
    /// The value's constructor, for messages: the constructor of the type its shape gives it.
    var kindName: String { CandidTextPrinter.shapeType(of: self).kindName }
}

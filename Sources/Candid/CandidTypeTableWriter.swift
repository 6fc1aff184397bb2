/// Builds a message's type table while encoding (the formal Candid specification, "Types":
/// `T` and `I`): primitives are opcodes; every other type is an entry, identical entries
/// shared; a named type gets its entry before its body is written, so recursive types refer
/// back to it. Record and variant fields are written in ID order, service methods in name
/// order.
struct CandidTypeTableWriter {
    /// The named types.
    let environment: CandidTypeEnvironment
    /// The entries' bytes, by index.
    private(set) var entries: [[UInt8]] = []
    private var indexByEntry: [[UInt8]: Int] = [:]
    private var indexByName: [String: Int64] = [:]
    private var depth = 0
    private static let depthMax = 512

    /// A writer for types in `environment`.
    init(environment: CandidTypeEnvironment) {
        self.environment = environment
    }

    /// The table: its length, then its entries.
    var tableBytes: [UInt8] {
        var bytes: [UInt8] = []
        CandidValueWriter.appendLEB(UInt64(entries.count), to: &bytes)
        for entry in entries { bytes += entry }
        return bytes
    }

    /// The code `I(type)`: an opcode for a primitive, else an entry's index.
    mutating func code(for type: CandidType) throws(CandidError) -> Int64 {
        if let primitive = CandidOpcode.code(ofPrimitive: type) { return primitive }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.depthMax else { throw CandidError("the type nests deeper than \(Self.depthMax)") }
        if case .reference(let name) = type { return try code(forName: name) }
        let entry = try entryBytes(for: type)
        if let index = indexByEntry[entry] { return Int64(index) }
        entries.append(entry)
        indexByEntry[entry] = entries.count - 1
        return Int64(entries.count - 1)
    }

    /// The code of a named type: its entry, reserved before its body so that the body may
    /// refer to the name.
    private mutating func code(forName name: String) throws(CandidError) -> Int64 {
        if let index = indexByName[name] { return index }
        guard let resolved = environment.resolve(.reference(name)) else {
            throw CandidError("the type name \(name) is not defined, or defined only through other names")
        }
        if let primitive = CandidOpcode.code(ofPrimitive: resolved) {
            indexByName[name] = primitive
            return primitive
        }
        let index = entries.count
        entries.append([])
        indexByName[name] = Int64(index)
        entries[index] = try entryBytes(for: resolved)
        return Int64(index)
    }

    /// `T(type)` for a constructed type.
    private mutating func entryBytes(for type: CandidType) throws(CandidError) -> [UInt8] {
        var bytes: [UInt8] = []
        switch type {
        case .opt(let element):
            CandidValueWriter.appendSLEB(CandidOpcode.opt, to: &bytes)
            CandidValueWriter.appendSLEB(try code(for: element), to: &bytes)
        case .vec(let element):
            CandidValueWriter.appendSLEB(CandidOpcode.vec, to: &bytes)
            CandidValueWriter.appendSLEB(try code(for: element), to: &bytes)
        case .record(let fields):
            CandidValueWriter.appendSLEB(CandidOpcode.record, to: &bytes)
            try appendFields(fields, to: &bytes)
        case .variant(let fields):
            CandidValueWriter.appendSLEB(CandidOpcode.variant, to: &bytes)
            try appendFields(fields, to: &bytes)
        case .function(let function):
            CandidValueWriter.appendSLEB(CandidOpcode.function, to: &bytes)
            try appendFunction(function, to: &bytes)
        case .service(let service):
            CandidValueWriter.appendSLEB(CandidOpcode.service, to: &bytes)
            try appendService(service, to: &bytes)
        default:
            preconditionFailure("primitives and references have no entry of their own")
        }
        return bytes
    }

    private mutating func appendFields(_ fields: [CandidFieldType], to bytes: inout [UInt8]) throws(CandidError) {
        let sorted = fields.sorted { $0.label.id < $1.label.id }
        for index in sorted.indices.dropFirst() where sorted[index - 1].label.id == sorted[index].label.id {
            throw CandidError("two fields have the ID \(sorted[index].label.id) (\(sorted[index - 1].label) and \(sorted[index].label))")
        }
        CandidValueWriter.appendLEB(UInt64(sorted.count), to: &bytes)
        for field in sorted {
            CandidValueWriter.appendLEB(UInt64(field.label.id), to: &bytes)
            CandidValueWriter.appendSLEB(try code(for: field.type), to: &bytes)
        }
    }

    private mutating func appendFunction(_ function: CandidFunctionType, to bytes: inout [UInt8]) throws(CandidError) {
        CandidValueWriter.appendLEB(UInt64(function.arguments.count), to: &bytes)
        for argument in function.arguments { CandidValueWriter.appendSLEB(try code(for: argument), to: &bytes) }
        CandidValueWriter.appendLEB(UInt64(function.results.count), to: &bytes)
        for result in function.results { CandidValueWriter.appendSLEB(try code(for: result), to: &bytes) }
        let modes = Set(function.modes).sorted()
        CandidValueWriter.appendLEB(UInt64(modes.count), to: &bytes)
        bytes += modes.map(\.rawValue)
    }

    private mutating func appendService(_ service: CandidServiceType, to bytes: inout [UInt8]) throws(CandidError) {
        let methods = service.methods.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        for index in methods.indices.dropFirst() where methods[index - 1].name == methods[index].name {
            throw CandidError("the service has two methods named \(methods[index].name)")
        }
        CandidValueWriter.appendLEB(UInt64(methods.count), to: &bytes)
        for method in methods {
            guard case .function? = environment.resolve(method.type) else {
                throw CandidError("the service method \(method.name) does not have a function type")
            }
            let name = Array(method.name.utf8)
            CandidValueWriter.appendLEB(UInt64(name.count), to: &bytes)
            bytes += name
            CandidValueWriter.appendSLEB(try code(for: method.type), to: &bytes)
        }
    }
}

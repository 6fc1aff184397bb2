/// Decodes the WebAssembly binary format (WebAssembly 2.0 without SIMD) into a ``WasmModule``.
///
/// Checks everything the binary format itself requires: the header, section ids, order and
/// sizes, LEB128 encodings, UTF-8 names, type, import, export and segment encodings, constant
/// expressions, local declarations, and the agreement of the function and code sections and of
/// the data count and data sections. It does not type-check function bodies: that is the
/// validator's job. Every failure is a ``WasmDecodingError`` naming the byte offset.
public enum ModuleDecoder {
    /// Section ids in the order the binary format requires (custom sections, id 0, anywhere).
    private static let sectionOrder: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11]

    /// Decodes `bytes`.
    /// - Throws: ``WasmDecodingError`` at the first problem found.
    public static func decode(_ bytes: [UInt8], limits: DecodingLimits = DecodingLimits()) throws(WasmDecodingError) -> WasmModule {
        var state = DecoderState(reader: ByteReader(bytes: bytes), limits: limits, module: WasmModule(bytes: bytes))
        try state.header()
        var lastRank = 0
        while !state.reader.isAtEnd {
            let idOffset = state.reader.offset
            let id = try state.reader.byte()
            let size = Int(try state.reader.u32())
            let outer = try state.reader.narrow(to: size)
            if id != 0 {
                guard let rank = sectionOrder.firstIndex(of: id).map({ $0 + 1 }) else {
                    throw WasmDecodingError(.malformedSectionID(id), at: idOffset)
                }
                guard rank > lastRank else { throw WasmDecodingError(.sectionOutOfOrder(id), at: idOffset) }
                lastRank = rank
                state.module.sectionOffsets[Int(id)] = idOffset
            }
            try state.section(id)
            guard state.reader.isAtEnd else {
                throw WasmDecodingError(.sectionSizeMismatch(section: id), at: state.reader.offset)
            }
            state.reader.restore(limit: outer)
        }
        try state.checkCounts(at: bytes.count)
        return state.module
    }
}

/// The decoder's working state: the reader, the limits, and the module being filled in.
private struct DecoderState {
    var reader: ByteReader
    let limits: DecodingLimits
    var module: WasmModule

    mutating func header() throws(WasmDecodingError) {
        guard reader.remaining >= 4, Array(reader.bytes[0..<4]) == [0x00, 0x61, 0x73, 0x6D] else {
            throw WasmDecodingError(.magicHeaderNotDetected, at: 0)
        }
        reader.skip(to: 4)
        let version = try reader.fixedUInt32()
        guard version == 1 else { throw WasmDecodingError(.unknownBinaryVersion(version), at: 4) }
    }

    mutating func section(_ id: UInt8) throws(WasmDecodingError) {
        let limits = self.limits
        switch id {
        case 0: try customSection()
        case 1: module.types = try Self.vector(&reader, "types", limits.types) { (r: inout ByteReader) throws(WasmDecodingError) in try Self.functionType(&r, limits) }
        case 2: module.imports = try Self.vector(&reader, "imports", limits.imports, Self.importEntry)
        case 3: module.functionTypeIndices = try Self.vector(&reader, "functions", limits.functions) { (r: inout ByteReader) throws(WasmDecodingError) in try r.u32() }
        case 4: module.tables = try Self.vector(&reader, "tables", limits.tables, Self.tableType)
        case 5: module.memories = try Self.vector(&reader, "memories", limits.memories) { (r: inout ByteReader) throws(WasmDecodingError) in try Self.memoryType(&r) }
        case 6: module.globals = try Self.vector(&reader, "globals", limits.globals, Self.global)
        case 7: module.exports = try Self.vector(&reader, "exports", limits.exports, Self.export)
        case 8: module.startFunction = try reader.u32()
        case 9: module.elements = try Self.vector(&reader, "element segments", limits.elementSegments) { (r: inout ByteReader) throws(WasmDecodingError) in try Self.elementSegment(&r, limits) }
        case 10: module.bodies = try Self.vector(&reader, "function bodies", limits.functions) { (r: inout ByteReader) throws(WasmDecodingError) in try Self.functionBody(&r, limits) }
        case 11: module.data = try Self.vector(&reader, "data segments", limits.dataSegments, Self.dataSegment)
        case 12: module.dataCount = try reader.u32()
        default: preconditionFailure("section ids are checked before dispatch")
        }
    }

    /// A vector: a u32 count, then that many elements read by `element`.
    static func vector<Element>(
        _ r: inout ByteReader, _ what: String, _ maximum: Int,
        _ element: (inout ByteReader) throws(WasmDecodingError) -> Element
    ) throws(WasmDecodingError) -> [Element] {
        let count = try r.count(what, limit: maximum)
        var result: [Element] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            result.append(try element(&r))
        }
        return result
    }

    func checkCounts(at end: Int) throws(WasmDecodingError) {
        guard module.functionTypeIndices.count == module.bodies.count else {
            throw WasmDecodingError(
                .functionAndCodeCountMismatch(functions: module.functionTypeIndices.count, bodies: module.bodies.count), at: end)
        }
        if let declared = module.dataCount, Int(declared) != module.data.count {
            throw WasmDecodingError(.dataCountMismatch(declared: declared, found: module.data.count), at: end)
        }
        let functions = module.importedFunctionCount + module.functionTypeIndices.count
        guard functions <= limits.functions else {
            throw WasmDecodingError(.limitExceeded(what: "functions", limit: limits.functions), at: end)
        }
    }

    // MARK: - Section contents

    mutating func customSection() throws(WasmDecodingError) {
        let name = try reader.name()
        let contents = try reader.range(reader.remaining)
        module.customSections.append(WasmModule.CustomSection(name: name, contents: contents))
        if name == "name" {
            // The name section is advisory: a malformed one is ignored, never an error.
            module.functionNames = (try? Self.functionNames(reader.bytes, contents)) ?? []
        }
    }

    static func functionType(_ r: inout ByteReader, _ limits: DecodingLimits) throws(WasmDecodingError) -> FunctionType {
        let position = r.offset
        let form = try r.byte()
        guard form == 0x60 else { throw WasmDecodingError(.malformedFunctionType(form), at: position) }
        let parameters = try valueTypes(&r, "parameters", limits.parameters)
        let results = try valueTypes(&r, "results", limits.results)
        return FunctionType(parameters: parameters, results: results)
    }

    static func importEntry(_ r: inout ByteReader) throws(WasmDecodingError) -> WasmModule.Import {
        let moduleName = try r.name()
        let name = try r.name()
        let position = r.offset
        let kind = try r.byte()
        let descriptor: WasmModule.ImportDescriptor
        switch kind {
        case 0: descriptor = .function(typeIndex: try r.u32())
        case 1: descriptor = .table(try tableType(&r))
        case 2: descriptor = .memory(try memoryType(&r))
        case 3: descriptor = .global(try globalType(&r))
        default: throw WasmDecodingError(.malformedImportKind(kind), at: position)
        }
        return WasmModule.Import(module: moduleName, name: name, descriptor: descriptor)
    }

    static func tableType(_ r: inout ByteReader) throws(WasmDecodingError) -> TableType {
        let elementType = try r.referenceType()
        let (limits, isTable64) = try readTableLimits(&r)
        return TableType(elementType: elementType, limits: limits, isTable64: isTable64)
    }

    static func global(_ r: inout ByteReader) throws(WasmDecodingError) -> WasmModule.Global {
        let type = try globalType(&r)
        return WasmModule.Global(type: type, initializer: try constantExpression(&r))
    }

    static func export(_ r: inout ByteReader) throws(WasmDecodingError) -> WasmModule.Export {
        let name = try r.name()
        let position = r.offset
        let kind = try r.byte()
        let index = try r.u32()
        let descriptor: WasmModule.ExportDescriptor
        switch kind {
        case 0: descriptor = .function(index)
        case 1: descriptor = .table(index)
        case 2: descriptor = .memory(index)
        case 3: descriptor = .global(index)
        default: throw WasmDecodingError(.malformedExportKind(kind), at: position)
        }
        return WasmModule.Export(name: name, descriptor: descriptor)
    }

    static func functionBody(_ r: inout ByteReader, _ limits: DecodingLimits) throws(WasmDecodingError) -> WasmModule.FunctionBody {
        let sizeOffset = r.offset
        let size = Int(try r.u32())
        guard size <= limits.functionBodyBytes else {
            throw WasmDecodingError(.limitExceeded(what: "bytes in a function body", limit: limits.functionBodyBytes), at: sizeOffset)
        }
        let outer = try r.narrow(to: size)
        let groupCount = try r.count("local declarations", limit: limits.locals, minimumBytesEach: 2)
        var groups: [WasmModule.FunctionBody.LocalGroup] = []
        var total: UInt64 = 0
        for _ in 0..<groupCount {
            let position = r.offset
            let count = try r.u32()
            total += UInt64(count)
            guard total <= UInt64(limits.locals) else { throw WasmDecodingError(.tooManyLocals(limit: limits.locals), at: position) }
            groups.append(.init(count: count, type: try r.valueType()))
        }
        let code = try r.range(r.remaining)
        guard let last = code.last, r.bytes[last] == 0x0B else {
            throw WasmDecodingError(.endOpcodeExpected, at: code.upperBound)
        }
        r.restore(limit: outer)
        return WasmModule.FunctionBody(localCount: Int(total), code: code, localGroups: groups)
    }

    static func elementSegment(_ r: inout ByteReader, _ limits: DecodingLimits) throws(WasmDecodingError) -> WasmModule.ElementSegment {
        let position = r.offset
        let flags = try r.u32()
        guard flags <= 7 else { throw WasmDecodingError(.malformedSegmentKind(flags), at: position) }
        let usesExpressions = flags & 4 != 0
        let mode: WasmModule.SegmentMode
        if flags & 1 == 0 {
            let table = flags & 2 != 0 ? try r.u32() : 0
            mode = .active(index: table, offset: try constantExpression(&r))
        } else {
            mode = flags & 2 != 0 ? .declarative : .passive
        }
        var elementType = ValueType.funcref
        if flags & 3 != 0 {  // flags 1, 2, 3, 5, 6, 7 carry an element kind or reference type
            if usesExpressions {
                elementType = try r.referenceType()
            } else {
                let kindOffset = r.offset
                let kind = try r.byte()
                guard kind == 0 else { throw WasmDecodingError(.malformedElementKind(kind), at: kindOffset) }
            }
        }
        let count = try r.count("elements in a segment", limit: limits.segmentElements)
        var elements: [WasmModule.ConstantExpression] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            if usesExpressions {
                elements.append(try constantExpression(&r))
            } else {
                elements.append(WasmModule.ConstantExpression(instructions: [.refFunc(try r.u32())]))
            }
        }
        return WasmModule.ElementSegment(mode: mode, elementType: elementType, elements: elements)
    }

    static func dataSegment(_ r: inout ByteReader) throws(WasmDecodingError) -> WasmModule.DataSegment {
        let position = r.offset
        let flags = try r.u32()
        let mode: WasmModule.SegmentMode
        switch flags {
        case 0: mode = .active(index: 0, offset: try constantExpression(&r))
        case 1: mode = .passive
        case 2:
            let memory = try r.u32()
            mode = .active(index: memory, offset: try constantExpression(&r))
        default: throw WasmDecodingError(.malformedSegmentKind(flags), at: position)
        }
        let lengthOffset = r.offset
        let length = Int(try r.u32())
        guard length <= r.remaining else { throw WasmDecodingError(.unexpectedEnd, at: lengthOffset) }
        return WasmModule.DataSegment(mode: mode, bytes: try r.range(length))
    }

    // MARK: - Shared encodings

    static func valueTypes(_ r: inout ByteReader, _ what: String, _ maximum: Int) throws(WasmDecodingError) -> [ValueType] {
        let count = try r.count(what, limit: maximum)
        var types: [ValueType] = []
        types.reserveCapacity(count)
        for _ in 0..<count { types.append(try r.valueType()) }
        return types
    }

    /// A table's limits and address type: flag 0 or 1 (a 32-bit table, u32 limits) or 4 or 5
    /// (a 64-bit table, u64 limits; table64, the memory64 part of WebAssembly 3.0); bit 0 says
    /// a maximum follows. Any other flag is malformed.
    static func readTableLimits(_ r: inout ByteReader) throws(WasmDecodingError) -> (limits: Limits, isTable64: Bool) {
        let position = r.offset
        let flag = try r.byte()
        guard flag & ~0x05 == 0 else { throw WasmDecodingError(.malformedLimits(flag), at: position) }
        let bits = flag & 0x04 != 0 ? 64 : 32
        let minimum = try r.unsignedLEB(bits: bits)
        let maximum = flag & 0x01 != 0 ? try r.unsignedLEB(bits: bits) : nil
        return (Limits(minimum: minimum, maximum: maximum), bits == 64)
    }

    /// A memory type: limits flag 0 or 1 (a 32-bit memory, u32 limits) or 4 or 5 (a 64-bit
    /// memory, u64 limits; the memory64 part of WebAssembly 3.0); bit 0 says a maximum follows.
    /// The flags of shared memories (2, 3, 6, 7: threads, not part of WebAssembly 3.0) are
    /// malformed.
    static func memoryType(_ r: inout ByteReader) throws(WasmDecodingError) -> MemoryType {
        let position = r.offset
        let flag = try r.byte()
        guard flag & ~0x05 == 0 else { throw WasmDecodingError(.malformedMemoryLimits(flag), at: position) }
        let bits = flag & 0x04 != 0 ? 64 : 32
        let minimum = try r.unsignedLEB(bits: bits)
        let maximum = flag & 0x01 != 0 ? try r.unsignedLEB(bits: bits) : nil
        return MemoryType(limits: Limits(minimum: minimum, maximum: maximum), isMemory64: bits == 64)
    }

    static func globalType(_ r: inout ByteReader) throws(WasmDecodingError) -> GlobalType {
        let type = try r.valueType()
        let position = r.offset
        let mutability = try r.byte()
        guard mutability <= 1 else { throw WasmDecodingError(.malformedMutability(mutability), at: position) }
        return GlobalType(valueType: type, isMutable: mutability == 1)
    }

    /// Instructions up to and including the `end` that closes the expression. Non-constant
    /// instructions are recorded as such (the validator rejects them) and skipped, nested
    /// blocks included.
    static func constantExpression(_ r: inout ByteReader) throws(WasmDecodingError) -> WasmModule.ConstantExpression {
        var instructions: [WasmModule.ConstantInstruction] = []
        while true {
            let opcode = try r.byte()
            switch opcode {
            case 0x0B: return WasmModule.ConstantExpression(instructions: instructions)
            case 0x41: instructions.append(.i32Const(Int32(truncatingIfNeeded: try r.signedLEB(bits: 32))))
            case 0x42: instructions.append(.i64Const(try r.signedLEB(bits: 64)))
            case 0x43: instructions.append(.f32Const(try r.fixedUInt32()))
            case 0x44: instructions.append(.f64Const(try r.fixedUInt64()))
            case 0xD0: instructions.append(.refNull(try r.referenceType()))
            case 0xD2: instructions.append(.refFunc(try r.u32()))
            case 0x23: instructions.append(.globalGet(try r.u32()))
            default:
                instructions.append(.nonConstant(opcode: opcode))
                if try r.skipImmediates(of: opcode) > 0 { try r.skipInstructions(depth: 1) }
            }
        }
    }

    /// The function names of a `name` section (subsection 1), sorted by index.
    static func functionNames(_ bytes: [UInt8], _ contents: Range<Int>) throws(WasmDecodingError) -> [(index: UInt32, name: String)] {
        var r = ByteReader(bytes: bytes, offset: contents.lowerBound, limit: contents.upperBound)
        while !r.isAtEnd {
            let id = try r.byte()
            let size = Int(try r.u32())
            let outer = try r.narrow(to: size)
            if id == 1 {
                let count = try r.count("function names", limit: 10_000_000, minimumBytesEach: 2)
                var names: [(index: UInt32, name: String)] = []
                for _ in 0..<count {
                    let index = try r.u32()
                    names.append((index, try r.name()))
                }
                return names.sorted { $0.index < $1.index }
            }
            r.skip(to: r.limit)
            r.restore(limit: outer)
        }
        return []
    }
}

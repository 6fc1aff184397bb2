/// Checks a decoded module against the WebAssembly 2.0 validation rules: index spaces, limits,
/// constant expressions, exports, the start function, segments, and every function body
/// (see ``FunctionValidator``).
public enum ModuleValidator {
    /// The largest memory, in 64 KiB pages (4 GiB, the wasm32 limit).
    public static let memoryPagesMax: UInt32 = 65_536
    /// The largest 64-bit memory a module may declare, in 64 KiB pages (2^48: 2^64 bytes, the
    /// memory64 validation rule). What an instance may actually allocate is the host's
    /// ``LinearMemory/pagesMax``.
    public static let memory64PagesMax: UInt64 = 1 << 48

    /// Validates `module`.
    /// - Throws: ``WasmValidationError`` at the first rule broken, with its offset (the
    ///   section's, for module-level rules; the instruction's, in a body) and function index.
    /// - Returns: every defined function compiled to the internal instruction stream, charged
    ///   by `costTable`.
    @discardableResult
    public static func validate(
        _ module: WasmModule, limits: DecodingLimits = DecodingLimits(), costTable: InstructionCostTable = .internetComputer
    ) throws(WasmValidationError) -> [CompiledFunction] {
        let context = ValidationContext(module)
        try ModuleChecker(context: context, module: module).all()
        var compiled: [CompiledFunction] = []
        compiled.reserveCapacity(module.bodies.count)
        for index in module.bodies.indices {
            compiled.append(try validateBody(index, module, context, limits, costTable))
        }
        return compiled
    }

    /// Every problem found: the first module-level one (if any), then the first one in each
    /// function body, in order. Empty when the module is valid.
    public static func allErrors(in module: WasmModule, limits: DecodingLimits = DecodingLimits()) -> [WasmValidationError] {
        let context = ValidationContext(module)
        var errors: [WasmValidationError] = []
        do { try ModuleChecker(context: context, module: module).all() } catch { errors.append(error) }
        for index in module.bodies.indices {
            do { try validateBody(index, module, context, limits) } catch { errors.append(error) }
        }
        return errors
    }

    @discardableResult
    private static func validateBody(
        _ index: Int, _ module: WasmModule, _ context: ValidationContext, _ limits: DecodingLimits,
        _ costTable: InstructionCostTable = .internetComputer
    ) throws(WasmValidationError) -> CompiledFunction {
        let functionIndex = module.importedFunctionCount + index
        var validator = FunctionValidator(
            context: context, functionIndex: functionIndex, body: module.bodies[index], limits: limits, costTable: costTable)
        try validator.validate()
        return validator.compiled
    }
}

extension WasmModule {
    /// Decodes and validates `bytes`.
    /// - Throws: ``WasmLoadError`` saying whether the bytes are malformed or the module invalid.
    public static func load(_ bytes: [UInt8], limits: DecodingLimits = DecodingLimits()) throws(WasmLoadError) -> WasmModule {
        try CompiledModule.load(bytes, limits: limits).module
    }
}

/// A decoded, validated module with every function compiled: what instances are made from.
/// Instances share it (it is immutable, and a class so that copying an instance retains it
/// once instead of each of its arrays), so instantiating copies no code.
public final class CompiledModule: Sendable {
    /// The module.
    public let module: WasmModule
    /// The defined functions' code, in order (imported functions have none).
    public let functions: [CompiledFunction]
    /// The table the code was charged with.
    public let costTable: InstructionCostTable
    /// The interpreter's view of `functions`.
    let entries: [FunctionEntry]
    /// For each function in the index space, an identifier of its type: equal types (in this
    /// module) have equal identifiers, so `call_indirect` compares two integers.
    let functionTypeIDs: [Int]
    /// For each type index, the identifier of that type.
    let typeIDs: [Int]

    init(module: WasmModule, functions: [CompiledFunction], costTable: InstructionCostTable) {
        self.module = module
        self.functions = functions
        self.costTable = costTable
        entries = functions.map(\.entry)
        var firstIndexOfType: [FunctionType: Int] = [:]
        let typeIDs = module.types.enumerated().map { index, type in
            if let first = firstIndexOfType[type] { return first }
            firstIndexOfType[type] = index
            return index
        }
        var functionTypeIDs: [Int] = []
        for item in module.imports {
            if case .function(let typeIndex) = item.descriptor { functionTypeIDs.append(typeIDs[Int(typeIndex)]) }
        }
        functionTypeIDs += module.functionTypeIndices.map { typeIDs[Int($0)] }
        self.typeIDs = typeIDs
        self.functionTypeIDs = functionTypeIDs
    }

    /// Decodes, validates and compiles `bytes`.
    /// - Throws: ``WasmLoadError`` saying whether the bytes are malformed or the module invalid.
    public static func load(
        _ bytes: [UInt8], limits: DecodingLimits = DecodingLimits(), costTable: InstructionCostTable = .internetComputer
    ) throws(WasmLoadError) -> CompiledModule {
        let module: WasmModule
        do { module = try ModuleDecoder.decode(bytes, limits: limits) } catch { throw .decoding(error) }
        do {
            let functions = try ModuleValidator.validate(module, limits: limits, costTable: costTable)
            return CompiledModule(module: module, functions: functions, costTable: costTable)
        } catch {
            throw .validation(error)
        }
    }
}

/// The module-level rules, one method per group.
private struct ModuleChecker {
    let context: ValidationContext
    let module: WasmModule

    func all() throws(WasmValidationError) {
        try imports()
        try definitions()
        try exports()
        try start()
        try segments()
    }

    func offset(_ section: Int) -> Int {
        module.sectionOffsets[section] ?? module.bytes.count
    }

    func fail(_ message: String, section: Int) -> WasmValidationError {
        WasmValidationError(message, at: offset(section))
    }

    func imports() throws(WasmValidationError) {
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let typeIndex):
                guard Int(typeIndex) < context.types.count else { throw fail("unknown type \(typeIndex)", section: 2) }
            case .table(let type): try checkLimits(type.limits, section: 2)
            case .memory(let type): try checkMemory(type, section: 2)
            case .global: break
            }
        }
    }

    func definitions() throws(WasmValidationError) {
        for typeIndex in module.functionTypeIndices where Int(typeIndex) >= context.types.count {
            throw fail("unknown type \(typeIndex)", section: 3)
        }
        for table in module.tables { try checkLimits(table.limits, section: 4) }
        guard context.memories.count <= 1 else { throw fail("multiple memories", section: 5) }
        for memory in module.memories { try checkMemory(memory, section: 5) }
        for global in module.globals {
            try checkConstant(global.initializer, type: global.type.valueType, section: 6)
        }
    }

    func exports() throws(WasmValidationError) {
        // Compared as bytes: Swift's String equality is Unicode canonical equivalence, which
        // would call "\u{C5}" and "A\u{30A}" the same name; WebAssembly names are byte strings.
        var names = Set<[UInt8]>()
        for export in module.exports {
            guard names.insert(Array(export.name.utf8)).inserted else {
                throw fail("duplicate export name \"\(export.name)\"", section: 7)
            }
            switch export.descriptor {
            case .function(let index) where Int(index) >= context.functions.count: throw fail("unknown function \(index)", section: 7)
            case .table(let index) where Int(index) >= context.tables.count: throw fail("unknown table \(index)", section: 7)
            case .memory(let index) where Int(index) >= context.memories.count: throw fail("unknown memory \(index)", section: 7)
            case .global(let index) where Int(index) >= context.globals.count: throw fail("unknown global \(index)", section: 7)
            default: break
            }
        }
    }

    func start() throws(WasmValidationError) {
        guard let start = module.startFunction else { return }
        guard let type = context.functionType(ofFunction: start) else { throw fail("unknown function \(start)", section: 8) }
        guard type.parameters.isEmpty && type.results.isEmpty else {
            throw fail("start function must have type () -> (), found \(type)", section: 8)
        }
    }

    func segments() throws(WasmValidationError) {
        for segment in module.elements {
            for element in segment.elements { try checkConstant(element, type: segment.elementType, section: 9) }
            if case .active(let table, let offset) = segment.mode {
                guard Int(table) < context.tables.count else { throw fail("unknown table \(table)", section: 9) }
                guard context.tables[Int(table)].elementType == segment.elementType else {
                    throw fail("type mismatch: table \(table) holds \(context.tables[Int(table)].elementType), segment \(segment.elementType)", section: 9)
                }
                try checkConstant(offset, type: context.tables[Int(table)].addressType, section: 9)
            }
        }
        for segment in module.data {
            if case .active(let memory, let offset) = segment.mode {
                guard Int(memory) < context.memories.count else { throw fail("unknown memory \(memory)", section: 11) }
                try checkConstant(offset, type: context.memories[Int(memory)].addressType, section: 11)
            }
        }
    }

    func checkLimits(_ limits: Limits, section: Int) throws(WasmValidationError) {
        if let maximum = limits.maximum, limits.minimum > maximum {
            throw fail("size minimum must not be greater than maximum (\(limits.minimum) > \(maximum))", section: section)
        }
    }

    func checkMemory(_ memory: MemoryType, section: Int) throws(WasmValidationError) {
        let pagesMax = memory.isMemory64 ? ModuleValidator.memory64PagesMax : UInt64(ModuleValidator.memoryPagesMax)
        guard memory.limits.minimum <= pagesMax, (memory.limits.maximum ?? 0) <= pagesMax else {
            throw fail(memory.isMemory64 ? "memory size must be at most 2^48 pages (2^64 bytes)" : "memory size must be at most 65536 pages (4GiB)",
                       section: section)
        }
        try checkLimits(memory.limits, section: section)
    }

    /// A constant expression must produce exactly one value of `type`; `global.get` may only
    /// read imported, immutable globals (WebAssembly 2.0).
    func checkConstant(_ expression: WasmModule.ConstantExpression, type: ValueType, section: Int) throws(WasmValidationError) {
        var produced: [ValueType] = []
        for instruction in expression.instructions {
            switch instruction {
            case .i32Const: produced.append(.i32)
            case .i64Const: produced.append(.i64)
            case .f32Const: produced.append(.f32)
            case .f64Const: produced.append(.f64)
            case .refNull(let referenceType): produced.append(referenceType)
            case .refFunc(let index):
                guard Int(index) < context.functions.count else { throw fail("unknown function \(index)", section: section) }
                produced.append(.funcref)
            case .globalGet(let index):
                guard Int(index) < context.importedGlobalCount else { throw fail("unknown global \(index)", section: section) }
                let global = context.globals[Int(index)]
                guard !global.isMutable else { throw fail("constant expression required", section: section) }
                produced.append(global.valueType)
            case .nonConstant(let opcode):
                throw fail("constant expression required: opcode 0x\(String(opcode, radix: 16)) is not constant", section: section)
            }
        }
        guard produced == [type] else {
            throw fail("type mismatch: constant expression produces \(produced), expected [\(type)]", section: section)
        }
    }
}

extension WasmInstance {
    /// The default instruction limit of a start function: the IC's `install_code` limit on an
    /// application subnet, 300 billion (Docs/Model.md, "Instruction limits" under "WebAssembly
    /// execution").
    public static let startFunctionInstructionLimitDefault: UInt64 = 300_000_000_000

    /// Instantiates `compiled`: resolves its imports, creates its globals, tables and memory,
    /// initialises active segments, and runs its start function (under `limits`, trapping
    /// "instruction limit exceeded" past `startInstructionLimit`, with `hostState` lent to
    /// the host functions it calls).
    /// - Throws: ``InstantiationError``: unlinkable imports, a table beyond the limits, or a trap
    ///   while initialising.
    public init(
        _ compiled: CompiledModule, imports: Imports = Imports(), limits: ExecutionLimits = ExecutionLimits(),
        startInstructionLimit: UInt64 = WasmInstance.startFunctionInstructionLimitDefault,
        hostState: (any AnyObject & Sendable)? = nil
    ) throws(InstantiationError) {
        try self.init(compiled, imports: imports, limits: limits, startInstructionLimit: startInstructionLimit, linker: nil,
                      identifier: 0, hostState: hostState)
    }

    /// Instantiates `compiled` as instance `identifier` of `owner` (a standalone instance when
    /// `owner` is `nil`).
    init(
        _ compiled: CompiledModule, imports: Imports, limits: ExecutionLimits, startInstructionLimit: UInt64,
        linker owner: WasmLinker?, identifier: UInt32, hostState: (any AnyObject & Sendable)? = nil
    ) throws(InstantiationError) {
        try self.init(LinkedImports(compiled, imports: imports), limits: limits, startInstructionLimit: startInstructionLimit,
                      linker: owner, identifier: identifier, hostState: hostState)
    }

    /// Instantiates the module `linked` resolved the imports of, as ``init(_:imports:limits:startInstructionLimit:hostState:)``
    /// does with those imports, without resolving them again: every instance made from one
    /// ``LinkedImports`` shares its host functions and function types.
    public init(
        _ linked: LinkedImports, limits: ExecutionLimits = ExecutionLimits(),
        startInstructionLimit: UInt64 = WasmInstance.startFunctionInstructionLimitDefault,
        hostState: (any AnyObject & Sendable)? = nil
    ) throws(InstantiationError) {
        try self.init(linked, limits: limits, startInstructionLimit: startInstructionLimit, linker: nil, identifier: 0, hostState: hostState)
    }

    /// Instantiates the module of `linked` as instance `identifier` of `owner` (a standalone
    /// instance when `owner` is `nil`).
    private init(
        _ linked: LinkedImports, limits: ExecutionLimits, startInstructionLimit: UInt64,
        linker owner: WasmLinker?, identifier: UInt32, hostState: (any AnyObject & Sendable)?
    ) throws(InstantiationError) {
        let compiled = linked.compiled
        let module = compiled.module
        let tag = UInt64(identifier) << 32
        let linker = linked.linker
        let globals = try Self.evaluateGlobals(module, imported: linker.globals, referenceTag: tag)
        // A declared minimum (u64 for a 64-bit table) beyond the host's bound is refused, never
        // allocated.
        for table in module.tables where table.limits.minimum > UInt64(limits.tableElements) {
            throw .resourceLimit("a table of \(table.limits.minimum) elements exceeds the limit of \(limits.tableElements)")
        }
        let tables = linker.tables + module.tables.map {
            Table(elementType: $0.elementType, size: UInt32(clamping: $0.limits.minimum), maximum: $0.limits.maximum, isTable64: $0.isTable64)
        }
        var memory = linker.memory
        if memory == nil, let type = module.memories.first { memory = try Self.memory(type) }
        let functionTypes = linked.functionTypes
        let elementValues = module.elements.map { segment in
            segment.elements.map { Self.evaluate($0, globals: globals.values, referenceTag: tag) }
        }
        self.init(
            compiled: compiled, hostFunctions: linker.hostFunctions, functionTypes: functionTypes, memory: memory,
            globals: globals.values, globalTypes: globals.types, tables: tables,
            droppedData: Array(repeating: false, count: module.data.count),
            droppedElements: Array(repeating: false, count: module.elements.count), elementValues: elementValues)
        referenceTag = tag
        self.hostState = hostState
        if owner != nil || linker.isLinked {
            links = Links(memory: linker.sharedMemory, tables: linker.sharedTables, globals: linker.sharedGlobals,
                          linker: owner, identifier: identifier, isLocal: true)
        }
        do throws(InstantiationError) {
            try initializeSegments()
            pushLinkedState()
            if let start = module.startFunction {
                do {
                    _ = try invoke(functionIndex: start, arguments: [], limits: limits, instructionLimit: startInstructionLimit)
                } catch {
                    throw .trapped(error)
                }
            }
        } catch {
            // What was done stays done: segments written into shared tables and memories, and
            // the functions they refer to, which other instances may now call.
            pushLinkedState()
            owner?.park(self, identifier)
            throw error
        }
    }

    /// Writes the active element and data segments, in order, and drops them (and the
    /// declarative ones); the first out-of-bounds one traps, leaving the earlier ones written.
    private mutating func initializeSegments() throws(InstantiationError) {
        let module = compiled.module
        for (index, segment) in module.elements.enumerated() {
            switch segment.mode {
            case .passive: break
            case .declarative: droppedElements[index] = true
            case .active(let table, let offset):
                let value = Self.evaluate(offset, globals: globals, referenceTag: referenceTag)
                // A 64-bit table's offset is an i64, never truncated.
                let offset64 = tables[Int(table)].isTable64 ? value : UInt64(UInt32(truncatingIfNeeded: value))
                let values = elementValues[index]
                guard offset64 <= UInt64(tables[Int(table)].size), values.count <= tables[Int(table)].size - Int(offset64) else {
                    throw .trapped(Trap(.outOfBoundsTableAccess))
                }
                let start = Int(offset64)
                tables[Int(table)].elements.replaceSubrange(start..<(start + values.count), with: values)
                droppedElements[index] = true
            }
        }
        for (index, segment) in module.data.enumerated() {
            guard case .active(_, let offset) = segment.mode else { continue }
            let value = Self.evaluate(offset, globals: globals, referenceTag: referenceTag)
            let start = memoryStorage.isMemory64 ? value : UInt64(UInt32(truncatingIfNeeded: value))
            guard hasMemory, memoryStorage.storeBytesIfInBounds(module.bytes[segment.bytes], at: start) else {
                throw .trapped(Trap(.outOfBoundsMemoryAccess))
            }
            droppedData[index] = true
        }
    }

    /// The memory a module defines. A 64-bit memory may declare up to 2^48 pages; it gets at
    /// most the host's ``LinearMemory/pagesMax`` (growing beyond fails as `memory.grow` may),
    /// and one whose minimum exceeds that is refused, so no module can make the host allocate
    /// more than a 32-bit module could.
    private static func memory(_ type: MemoryType) throws(InstantiationError) -> LinearMemory {
        let pagesMax = UInt64(LinearMemory.pagesMax)
        guard type.limits.minimum <= pagesMax else {
            throw .resourceLimit("a memory of \(type.limits.minimum) pages exceeds the limit of \(pagesMax) pages")
        }
        return LinearMemory(minimumPages: UInt32(type.limits.minimum), maximumPages: UInt32(min(type.limits.maximum ?? pagesMax, pagesMax)),
                            isMemory64: type.isMemory64)
    }

    /// Evaluates the module's global initialisers after the imported globals.
    private static func evaluateGlobals(
        _ module: WasmModule, imported: [(value: Value, type: GlobalType)], referenceTag: UInt64
    ) throws(InstantiationError) -> (values: [UInt64], types: [GlobalType]) {
        var values = imported.map(\.value.slot)
        var types = imported.map(\.type)
        for global in module.globals {
            values.append(evaluate(global.initializer, globals: values, referenceTag: referenceTag))
            types.append(global.type)
        }
        return (values, types)
    }

    /// The value of a validated constant expression, as a slot.
    static func evaluate(_ expression: WasmModule.ConstantExpression, globals: [UInt64], referenceTag: UInt64 = 0) -> UInt64 {
        guard let instruction = expression.instructions.first else { return 0 }
        switch instruction {
        case .i32Const(let value): return UInt64(UInt32(bitPattern: value))
        case .i64Const(let value): return UInt64(bitPattern: value)
        case .f32Const(let bits): return UInt64(bits)
        case .f64Const(let bits): return bits
        case .refNull: return Value.nullSlot
        case .refFunc(let index): return referenceTag | UInt64(index)
        case .globalGet(let index): return globals[Int(index)]
        case .nonConstant: return 0  // rejected by validation
        }
    }
}

/// A module's imports resolved against what a host provides (``Imports``), once: instantiating
/// the module from it (``WasmInstance/init(_:limits:startInstructionLimit:hostState:)``) is the
/// same as instantiating it with those imports, without looking each import up again, and the
/// instances share one table of host functions and one of function types (thousands of
/// canisters installed from one module link it once).
public struct LinkedImports: Sendable {
    /// The module.
    let compiled: CompiledModule
    /// What its imports resolved to.
    fileprivate let linker: Linker
    /// The type of every function in the module's index space, imports first.
    let functionTypes: [FunctionType]

    /// Resolves the imports of `compiled` against `imports`.
    /// - Throws: ``InstantiationError/unlinkable(_:)`` for a missing import or one of the wrong
    ///   kind or type (the first, in import order).
    public init(_ compiled: CompiledModule, imports: Imports) throws(InstantiationError) {
        let module = compiled.module
        var linker = Linker(module: module, imports: imports)
        try linker.link()
        self.compiled = compiled
        self.linker = linker
        functionTypes = linker.functionTypes + module.functionTypeIndices.map { module.types[Int($0)] }
    }
}

/// Resolves a module's imports against what the host provides.
private struct Linker: Sendable {
    let module: WasmModule
    let imports: Imports
    var hostFunctions: [HostFunction] = []
    var functionTypes: [FunctionType] = []
    var globals: [(value: Value, type: GlobalType)] = []
    var tables: [Table] = []
    var memory: LinearMemory?
    /// The cells of shared imports, with their indices.
    var sharedMemory: SharedMemory?
    var sharedTables: [(index: Int, cell: SharedTable)] = []
    var sharedGlobals: [(index: Int, cell: SharedGlobal)] = []

    /// Whether any import is shared with other instances.
    var isLinked: Bool { sharedMemory != nil || !sharedTables.isEmpty || !sharedGlobals.isEmpty }

    init(module: WasmModule, imports: Imports) {
        self.module = module
        self.imports = imports
    }

    mutating func link() throws(InstantiationError) {
        for entry in module.imports {
            // Only error messages use the import's full name (built on demand: installing
            // thousands of canisters built it for every import, for nothing).
            func name() -> String { "\(entry.module).\(entry.name)" }
            switch entry.descriptor {
            case .function(let typeIndex):
                guard let function = imports.function(entry.module, entry.name) else { throw .unlinkable("unknown import \(name())") }
                let expected = module.types[Int(typeIndex)]
                guard function.type == expected else {
                    throw .unlinkable("incompatible import type: \(name()) is \(function.type), expected \(expected)")
                }
                hostFunctions.append(function)
                functionTypes.append(expected)
            case .global(let type):
                if let cell = imports.sharedGlobal(entry.module, entry.name) {
                    guard cell.value.type == type.valueType, type.isMutable else { throw .unlinkable("incompatible import type: global \(name())") }
                    sharedGlobals.append((globals.count, cell))
                    globals.append((cell.value, type))
                    continue
                }
                guard let global = imports.global(entry.module, entry.name) else { throw .unlinkable("unknown import \(name())") }
                guard global.value.type == type.valueType, global.isMutable == type.isMutable else {
                    throw .unlinkable("incompatible import type: global \(name())")
                }
                globals.append((global.value, type))
            case .memory(let type):
                if let cell = imports.sharedMemory(entry.module, entry.name) {
                    guard cell.memory.isMemory64 == type.isMemory64, Self.fits(cell.memory.pageCount, cell.memory.maximumPages, type.limits) else {
                        throw .unlinkable("incompatible import type: memory \(name())")
                    }
                    (sharedMemory, memory) = (cell, cell.memory)
                    continue
                }
                guard let provided = imports.memory(entry.module, entry.name) else { throw .unlinkable("unknown import \(name())") }
                guard provided.isMemory64 == type.isMemory64, Self.fits(UInt32(provided.pageCount), provided.maximumPages, type.limits) else {
                    throw .unlinkable("incompatible import type: memory \(name())")
                }
                memory = provided
            case .table(let type):
                if let cell = imports.sharedTable(entry.module, entry.name) {
                    guard Self.matches(cell.table, type) else {
                        throw .unlinkable("incompatible import type: table \(name())")
                    }
                    sharedTables.append((tables.count, cell))
                    tables.append(cell.table)
                    continue
                }
                guard let provided = imports.table(entry.module, entry.name) else { throw .unlinkable("unknown import \(name())") }
                guard Self.matches(provided, type) else {
                    throw .unlinkable("incompatible import type: table \(name())")
                }
                tables.append(provided)
            }
        }
    }

    /// Import subtyping for tables: the same element and address types, and limits that fit.
    static func matches(_ table: Table, _ type: TableType) -> Bool {
        guard table.elementType == type.elementType, table.isTable64 == type.isTable64 else { return false }
        guard UInt64(table.size) >= type.limits.minimum else { return false }
        guard let required = type.limits.maximum else { return true }
        guard let maximum = table.maximum else { return false }
        return maximum <= required
    }

    /// Import subtyping for limits: at least the minimum, and a maximum no larger than required.
    static func fits(_ size: UInt32, _ maximum: UInt32?, _ limits: Limits) -> Bool {
        guard UInt64(size) >= limits.minimum else { return false }
        guard let required = limits.maximum else { return true }
        guard let maximum else { return false }
        return UInt64(maximum) <= required
    }
}

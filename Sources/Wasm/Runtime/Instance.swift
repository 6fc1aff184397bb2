/// A table: references (slots; null is `UInt64.max`) of one type, growable to a maximum.
public struct Table: Sendable {
    /// `funcref` or `externref`.
    public let elementType: ValueType
    /// The largest size it may grow to (a 64-bit table's may exceed 2^32 - 1).
    public let maximum: UInt64?
    /// Whether it is a 64-bit table (table64: i64 indices and sizes).
    public let isTable64: Bool
    var elements: [UInt64]

    /// A 32-bit table of `size` null references.
    public init(elementType: ValueType, size: UInt32, maximum: UInt32?) {
        self.init(elementType: elementType, size: size, maximum: maximum.map { UInt64($0) }, isTable64: false)
    }

    /// A table of `size` null references, 64-bit if `isTable64` (a 32-bit table's maximum
    /// must fit in 32 bits).
    public init(elementType: ValueType, size: UInt32, maximum: UInt64?, isTable64: Bool) {
        precondition(isTable64 || (maximum ?? 0) <= UInt64(UInt32.max), "a 32-bit table's maximum is a u32")
        self.elementType = elementType
        self.maximum = maximum
        self.isTable64 = isTable64
        elements = Array(repeating: Value.nullSlot, count: Int(size))
    }

    /// The current size.
    public var size: Int { elements.count }

    /// A table of the same type with no elements (what a shared table's cell holds while an
    /// instance runs with the table).
    var emptied: Table { Table(elementType: elementType, size: 0, maximum: maximum, isTable64: isTable64) }
}

/// An import's module and name as one key: their UTF-8 bytes with 0xFF (never in UTF-8)
/// between them, hashed as one run of bytes (an array of bytes hashes them one by one, most of
/// the cost of linking a module's imports).
struct ImportName: Hashable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// What a module may import, by (module, name).
public struct Imports: Sendable {
    private var functions: [ImportName: HostFunction] = [:]
    private var globals: [ImportName: (value: Value, isMutable: Bool)] = [:]
    private var memories: [ImportName: LinearMemory] = [:]
    private var tables: [ImportName: Table] = [:]
    private var sharedMemories: [ImportName: SharedMemory] = [:]
    private var sharedTables: [ImportName: SharedTable] = [:]
    private var sharedGlobals: [ImportName: SharedGlobal] = [:]

    /// No imports.
    public init() {}

    /// Names are compared as bytes (never with String's Unicode equivalence).
    private static func key(_ module: String, _ name: String) -> ImportName {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(module.utf8.count + 1 + name.utf8.count)
        bytes.append(contentsOf: module.utf8)
        bytes.append(0xFF)
        bytes.append(contentsOf: name.utf8)
        return ImportName(bytes: bytes)
    }

    /// Provides `function` as `module.name`.
    public mutating func define(_ module: String, _ name: String, function: HostFunction) {
        functions[Self.key(module, name)] = function
    }

    /// Provides a global as `module.name`.
    public mutating func define(_ module: String, _ name: String, global value: Value, isMutable: Bool = false) {
        globals[Self.key(module, name)] = (value, isMutable)
    }

    /// Provides a memory as `module.name`.
    public mutating func define(_ module: String, _ name: String, memory: LinearMemory) {
        memories[Self.key(module, name)] = memory
    }

    /// Provides a table as `module.name`.
    public mutating func define(_ module: String, _ name: String, table: Table) {
        tables[Self.key(module, name)] = table
    }

    /// Provides a memory shared with whoever else imports `memory` (an importing instance
    /// reads and writes the same memory).
    public mutating func define(_ module: String, _ name: String, memory: SharedMemory) {
        sharedMemories[Self.key(module, name)] = memory
    }

    /// Provides a table shared with whoever else imports `table`.
    public mutating func define(_ module: String, _ name: String, table: SharedTable) {
        sharedTables[Self.key(module, name)] = table
    }

    /// Provides a mutable global shared with whoever else imports `global`.
    public mutating func define(_ module: String, _ name: String, global: SharedGlobal) {
        sharedGlobals[Self.key(module, name)] = global
    }

    /// The `spectest` host module the WebAssembly spec tests import: `print*` functions that do
    /// nothing, globals `global_i32`/`global_i64` (666) and `global_f32`/`global_f64` (666.6),
    /// a funcref `table` of 10 elements (maximum 20) and a one-page `memory` (maximum 2).
    public static var spectest: Imports {
        var imports = Imports()
        let printTypes: [(String, [ValueType])] = [
            ("print", []), ("print_i32", [.i32]), ("print_i64", [.i64]), ("print_f32", [.f32]), ("print_f64", [.f64]),
            ("print_i32_f32", [.i32, .f32]), ("print_f64_f64", [.f64, .f64]),
        ]
        for (name, parameters) in printTypes {
            let type = FunctionType(parameters: parameters, results: [])
            imports.define("spectest", name, function: HostFunction(type: type) { _, _ throws(Trap) in [] })
        }
        imports.define("spectest", "global_i32", global: .i32(666))
        imports.define("spectest", "global_i64", global: .i64(666))
        imports.define("spectest", "global_f32", global: .f32(Float(666.6).bitPattern))
        imports.define("spectest", "global_f64", global: .f64(Double(666.6).bitPattern))
        imports.define("spectest", "table", table: Table(elementType: .funcref, size: 10, maximum: 20))
        imports.define("spectest", "memory", memory: LinearMemory(minimumPages: 1, maximumPages: 2))
        return imports
    }

    func function(_ module: String, _ name: String) -> HostFunction? { functions[Self.key(module, name)] }
    func global(_ module: String, _ name: String) -> (value: Value, isMutable: Bool)? { globals[Self.key(module, name)] }
    func memory(_ module: String, _ name: String) -> LinearMemory? { memories[Self.key(module, name)] }
    func table(_ module: String, _ name: String) -> Table? { tables[Self.key(module, name)] }
    func sharedMemory(_ module: String, _ name: String) -> SharedMemory? { sharedMemories[Self.key(module, name)] }
    func sharedTable(_ module: String, _ name: String) -> SharedTable? { sharedTables[Self.key(module, name)] }
    func sharedGlobal(_ module: String, _ name: String) -> SharedGlobal? { sharedGlobals[Self.key(module, name)] }
}

/// Why a module could not be instantiated.
public enum InstantiationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An import was missing or of the wrong kind or type ("unknown import", "incompatible import type").
    case unlinkable(String)
    /// Initialising a segment or running the start function trapped.
    case trapped(Trap)
    /// The module asks for more than the execution limits allow (a table too large to create).
    case resourceLimit(String)

    public var description: String {
        switch self {
        case .unlinkable(let message): return "unlinkable: \(message)"
        case .trapped(let trap): return "instantiation trapped: \(trap)"
        case .resourceLimit(let message): return "resource limit: \(message)"
        }
    }
}

/// A module instance: the module's code (shared) and its mutable state.
///
/// A value: copying an instance copies its globals and table slots and shares its memory's
/// chunks copy-on-write, so a copy taken before a call is a cheap snapshot to roll back to.
public struct WasmInstance: Sendable {
    /// The compiled module.
    public let compiled: CompiledModule
    /// Host functions for the imported functions, in import order.
    let hostFunctions: [HostFunction]
    /// Type of every function in the index space.
    let functionTypes: [FunctionType]
    /// The memory (an empty one that cannot grow when the module has none: validation
    /// guarantees such a module has no memory instructions).
    var memoryStorage: LinearMemory
    /// Whether the module has (defines or imports) a memory.
    let hasMemory: Bool
    /// Global values as slots, in index order.
    var globals: [UInt64]
    /// Global types, in index order.
    let globalTypes: [GlobalType]
    /// Tables, in index order.
    var tables: [Table]
    /// Whether each data segment was dropped.
    var droppedData: [Bool]
    /// Whether each element segment was dropped.
    var droppedElements: [Bool]
    /// Element segments' values (slots), evaluated at instantiation.
    let elementValues: [[UInt64]]
    /// What the instance shares with other instances (`nil` for a standalone instance).
    var links: Links?
    /// The high 32 bits of this instance's function references: its identifier in its linker
    /// (0 standalone), so a reference stored in a shared table says whose function it is.
    var referenceTag: UInt64 = 0
    /// State the embedder lends its host functions for the next runs (they read it as
    /// ``HostContext/hostState``); not part of the instance's state proper, and `nil` unless
    /// the embedder sets it.
    public var hostState: (any AnyObject & Sendable)?
    /// The most bytes `memory.grow` may take the memory to before it traps instead of
    /// growing (an embedder's limit, such as the IC's `wasm_memory_limit`; a grow the
    /// memory's own maximum refuses still returns -1). `UInt64.max`: no such limit.
    public var memoryGrowLimitBytes: UInt64 = .max
    /// Whether an undo log runs, and what it saved of the globals, tables and dropped-segment
    /// flags (``InstanceUndo``).
    var undoCopies = UndoCopies.off
}

extension WasmInstance {
    /// The current values of the instance's own globals, as raw 64-bit slots in index order
    /// (a linked instance's shared globals read as they were when it last ran).
    public var globalSlots: [UInt64] { globals }

    /// The memory, if the module has one. Setting it to `nil` is ignored for a module with a
    /// memory (it always has one).
    public var memory: LinearMemory? {
        get {
            guard hasMemory else { return nil }
            if let links, let cell = links.memory, !links.isLocal { return cell.memory }
            return memoryStorage
        }
        set {
            guard hasMemory, let newValue else { return }
            if let links, let cell = links.memory, !links.isLocal { cell.memory = newValue } else { memoryStorage = newValue }
        }
    }

    init(
        compiled: CompiledModule, hostFunctions: [HostFunction], functionTypes: [FunctionType], memory: LinearMemory?,
        globals: [UInt64], globalTypes: [GlobalType], tables: [Table], droppedData: [Bool], droppedElements: [Bool],
        elementValues: [[UInt64]]
    ) {
        self.compiled = compiled
        self.hostFunctions = hostFunctions
        self.functionTypes = functionTypes
        memoryStorage = memory ?? LinearMemory.empty
        hasMemory = memory != nil
        self.globals = globals
        self.globalTypes = globalTypes
        self.tables = tables
        self.droppedData = droppedData
        self.droppedElements = droppedElements
        self.elementValues = elementValues
    }
}

// Chunks are shared only copy-on-write (`isKnownUniquelyReferenced` before every write, with
// atomic reference counts), the same discipline that makes Array Sendable.
extension LinearMemory: @unchecked Sendable {}

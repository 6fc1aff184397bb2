/// A memory several instances import (the spec tests' `register`): reference-typed, unlike
/// ``LinearMemory``. Between calls it holds the memory; while an instance that shares it runs,
/// the memory is moved into that instance (and back when it returns or calls out).
public final class SharedMemory: @unchecked Sendable {
    /// The memory's current contents (read it between calls).
    public internal(set) var memory: LinearMemory

    /// Shares `memory`.
    public init(_ memory: LinearMemory) {
        self.memory = memory
    }
}

/// A table several instances import; see ``SharedMemory``.
public final class SharedTable: @unchecked Sendable {
    /// The table's current contents.
    public internal(set) var table: Table

    /// Shares `table`.
    public init(_ table: Table) {
        self.table = table
    }
}

/// A mutable global several instances import; see ``SharedMemory``.
public final class SharedGlobal: @unchecked Sendable {
    /// The global's current value.
    public internal(set) var value: Value

    /// Shares a mutable global holding `value`.
    public init(_ value: Value) {
        self.value = value
    }
}

/// What an instance shares with others: the cells its shared memory, tables and globals live
/// in between calls, and the linker it belongs to (for calls to other instances' functions
/// through tables, and for re-entrant calls).
///
/// The linker is held weakly through a ``LinkerReference`` box rather than by a `weak` field:
/// a struct with a weak field is copied and destroyed by runtime calls (its value witnesses),
/// and every run and host call of every instance reads `links` (``WasmInstance/isLinked``),
/// linked or not; with only strong references it is read in place.
struct Links {
    var memory: SharedMemory?
    var tables: [(index: Int, cell: SharedTable)] = []
    var globals: [(index: Int, cell: SharedGlobal)] = []
    /// The linker it belongs to (`nil`: none, or gone).
    let linkerReference: LinkerReference?
    /// The instance's identifier in its linker (0: none).
    var identifier: UInt32 = 0
    /// Whether the shared state is in the instance (it is running) rather than in the cells.
    var isLocal = false

    /// Links to `memory`, `tables` and `globals`, in `linker` as instance `identifier`.
    init(memory: SharedMemory? = nil, tables: [(index: Int, cell: SharedTable)] = [], globals: [(index: Int, cell: SharedGlobal)] = [],
         linker: WasmLinker? = nil, identifier: UInt32 = 0, isLocal: Bool = false) {
        self.memory = memory
        self.tables = tables
        self.globals = globals
        linkerReference = linker.map(LinkerReference.init)
        self.identifier = identifier
        self.isLocal = isLocal
    }

    /// The linker it belongs to, if any and still alive.
    var linker: WasmLinker? { linkerReference?.linker }
}

/// A weak reference to a ``WasmLinker`` in a class of its own, so that ``Links`` holds only
/// strong references (see there). Sendable as the linker is: its reference is set when it is
/// made and only read after.
final class LinkerReference: @unchecked Sendable {
    /// The linker (weak: the linker owns its instances, which must not keep it alive).
    weak var linker: WasmLinker?

    init(_ linker: WasmLinker) {
        self.linker = linker
    }
}

extension WasmInstance {
    /// Moves shared state from the cells into the instance (before it runs).
    mutating func pullLinkedState() {
        guard isLinked, var links, !links.isLocal else { return }
        if let cell = links.memory { (memoryStorage, cell.memory) = (cell.memory, LinearMemory.empty) }
        for (index, cell) in links.tables { (tables[index], cell.table) = (cell.table, cell.table.emptied) }
        for (index, cell) in links.globals { globals[index] = cell.value.slot }
        links.isLocal = true
        self.links = links
    }

    /// Moves shared state from the instance back into the cells (when it returns or calls out).
    mutating func pushLinkedState() {
        guard isLinked, var links, links.isLocal else { return }
        if let cell = links.memory { (cell.memory, memoryStorage) = (memoryStorage, LinearMemory.empty) }
        for (index, cell) in links.tables { (cell.table, tables[index]) = (tables[index], tables[index].emptied) }
        for (index, cell) in links.globals { cell.value = Value(slot: globals[index], type: globalTypes[index].valueType) }
        links.isLocal = false
        self.links = links
    }

    /// Runs `body` (a call leaving the instance) with the shared state back in its cells and,
    /// for an instance in a linker, the instance's state parked there, so that the call may
    /// use both, even re-entering this instance; afterwards takes back the state as the call
    /// left it.
    mutating func callingOut<Result>(_ body: () throws(TrapReason) -> Result) throws(TrapReason) -> Result {
        guard let links else { return try body() }
        let wasLocal = links.isLocal
        pushLinkedState()
        let linker = links.linker
        linker?.park(self, links.identifier)
        defer {
            if let parked = linker?.unpark(links.identifier) { self = parked }
            if wasLocal { pullLinkedState() }
        }
        return try body()
    }

    /// Moves the memory into a cell other instances can import (once; later calls return the
    /// same cell).
    mutating func shareMemory() -> SharedMemory? {
        guard hasMemory else { return nil }
        if let cell = links?.memory { return cell }
        var links = self.links ?? Links()
        let cell = SharedMemory(memoryStorage)
        memoryStorage = LinearMemory.empty
        links.memory = cell
        self.links = links
        return cell
    }

    /// Moves table `index` into a cell other instances can import.
    mutating func shareTable(_ index: Int) -> SharedTable {
        if let cell = links?.tables.first(where: { $0.index == index })?.cell { return cell }
        var links = self.links ?? Links()
        let cell = SharedTable(tables[index])
        tables[index] = tables[index].emptied
        links.tables.append((index, cell))
        self.links = links
        return cell
    }

    /// Moves mutable global `index` into a cell other instances can import.
    mutating func shareGlobal(_ index: Int) -> SharedGlobal {
        if let cell = links?.globals.first(where: { $0.index == index })?.cell { return cell }
        var links = self.links ?? Links()
        let cell = SharedGlobal(Value(slot: globals[index], type: globalTypes[index].valueType))
        links.globals.append((index, cell))
        self.links = links
        return cell
    }
}

/// Instances that import each other's exports, as the WebAssembly spec tests' `register`
/// command links them: a registered instance's functions, memory, tables and globals become
/// imports of the modules instantiated after it, and share state with them.
///
/// Canisters never need this (each is one module whose imports are the System API); it exists
/// for conformance and for users who link modules. Calls between instances run to completion
/// inside the caller's instruction budget (they cannot be suspended midway) and are charged to
/// the caller; a function reference to another instance's function, called through a table,
/// is such a call too.
///
/// A linker and its instances are used from one thread at a time (like the simulation that
/// owns them); it does no locking.
public final class WasmLinker: @unchecked Sendable {
    /// An instance in a linker.
    public struct InstanceID: Hashable, Sendable {
        /// Its number: 1, 2, ... in instantiation order.
        public let value: UInt32
    }

    /// Instances by identifier - 1 (the latest state of each: while one runs, this is where it
    /// parks when it calls out).
    private var instances: [WasmInstance?] = []
    /// The host imports plus every registered instance's exports.
    public private(set) var imports: Imports
    /// Limits for every call.
    public let limits: ExecutionLimits
    /// The most calls between instances that may be active at once. Each one runs a new
    /// interpreter on the host's (Swift) stack, unlike calls inside an instance, so instances
    /// calling each other back and forth must stop before that stack does: the call past
    /// this many traps "call stack exhausted".
    public static let nestedCallsMax = 32
    /// Calls between instances active now.
    private var nestedCalls = 0

    /// A linker whose modules may import `imports` (and, once registered, each other).
    public init(imports: Imports = Imports(), limits: ExecutionLimits = ExecutionLimits()) {
        self.imports = imports
        self.limits = limits
    }

    /// Instantiates `compiled` against the imports so far.
    public func instantiate(
        _ compiled: CompiledModule, startInstructionLimit: UInt64 = WasmInstance.startFunctionInstructionLimitDefault
    ) throws(InstantiationError) -> InstanceID {
        guard instances.count < Int(UInt32.max - 1) else { throw .resourceLimit("too many instances in one linker") }
        let identifier = UInt32(instances.count + 1)
        instances.append(nil)
        let instance = try WasmInstance(
            compiled, imports: imports, limits: limits, startInstructionLimit: startInstructionLimit,
            linker: self, identifier: identifier)
        instances[Int(identifier) - 1] = instance
        return InstanceID(value: identifier)
    }

    /// The instance's current state (its shared memory, tables and globals read through their
    /// cells).
    public func instance(_ id: InstanceID) -> WasmInstance? {
        instances[Int(id.value) - 1]
    }

    /// Makes `id`'s exports importable as module `name`.
    public func register(_ id: InstanceID, as name: String) {
        guard var instance = instances[Int(id.value) - 1] else { return }
        for export in instance.compiled.module.exports {
            switch export.descriptor {
            case .function(let index):
                guard let type = instance.functionType(index) else { continue }
                imports.define(name, export.name, function: HostFunction(type: type) { [weak self] arguments, context throws(Trap) in
                    guard let self else { throw Trap(.host("the linker of \(name).\(export.name) no longer exists")) }
                    let (results, charged) = try self.call(id.value, index, arguments, budget: context.instructionsRemaining)
                    context.charge = charged
                    return results
                })
            case .memory:
                if let cell = instance.shareMemory() { imports.define(name, export.name, memory: cell) }
            case .table(let index):
                imports.define(name, export.name, table: instance.shareTable(Int(index)))
            case .global(let index):
                if instance.globalTypes[Int(index)].isMutable {
                    imports.define(name, export.name, global: instance.shareGlobal(Int(index)))
                } else if let value = instance.exportedGlobal(export.name) {
                    imports.define(name, export.name, global: value)
                }
            }
        }
        instances[Int(id.value) - 1] = instance
    }

    /// Calls `id`'s exported function `export`.
    public func invoke(_ id: InstanceID, _ export: String, arguments: [Value], instructionLimit: UInt64 = .max) throws(Trap)
        -> (results: [Value], instructions: UInt64) {
        guard let index = instances[Int(id.value) - 1]?.exportedFunction(export) else {
            throw Trap(.host("no exported function \"\(export)\""))
        }
        return try call(id.value, index, arguments, budget: instructionLimit)
    }

    /// The value of `id`'s exported global `export`.
    public func global(_ id: InstanceID, _ export: String) -> Value? {
        instances[Int(id.value) - 1]?.exportedGlobal(export)
    }

    /// Calls function `function` of instance `identifier` to completion within `budget`.
    func call(_ identifier: UInt32, _ function: UInt32, _ arguments: [Value], budget: UInt64) throws(Trap)
        -> (results: [Value], instructions: UInt64) {
        guard identifier >= 1, Int(identifier) <= instances.count, var instance = instances[Int(identifier) - 1] else {
            throw Trap(.host("call into instance \(identifier), which is not instantiated or is running"))
        }
        guard nestedCalls < Self.nestedCallsMax else { throw Trap(.callStackExhausted) }
        nestedCalls += 1
        defer { nestedCalls -= 1 }
        // The running instance is the only copy (no copy-on-write); it parks here when it
        // calls out.
        instances[Int(identifier) - 1] = nil
        defer { instances[Int(identifier) - 1] = instance }
        return try instance.invoke(functionIndex: function, arguments: arguments, limits: limits, instructionLimit: budget)
    }

    /// The type of function `function` of instance `identifier`.
    func functionType(_ identifier: UInt32, _ function: UInt32) -> FunctionType? {
        guard identifier >= 1, Int(identifier) <= instances.count else { return nil }
        return instances[Int(identifier) - 1]?.functionType(function)
    }

    /// Keeps a running instance's state while it calls out.
    func park(_ instance: WasmInstance, _ identifier: UInt32) {
        guard identifier >= 1, Int(identifier) <= instances.count else { return }
        instances[Int(identifier) - 1] = instance
    }

    /// The state a parked instance is to resume with (taken out: the running instance is
    /// again the only copy).
    func unpark(_ identifier: UInt32) -> WasmInstance? {
        guard identifier >= 1, Int(identifier) <= instances.count else { return nil }
        defer { instances[Int(identifier) - 1] = nil }
        return instances[Int(identifier) - 1]
    }
}

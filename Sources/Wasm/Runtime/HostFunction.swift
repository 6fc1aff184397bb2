/// A function the host provides to a module as an import.
public struct HostFunction: Sendable {
    /// Its signature; the import's declared type must equal it.
    public var type: FunctionType
    /// The implementation: given the arguments and the calling instance's memory, returns the
    /// results or throws a trap (`TrapReason.host`). It may charge instructions.
    public var body: @Sendable ([Value], inout HostContext) throws(Trap) -> [Value]
    /// For a function made with ``init(type:slots:)``: its implementation on the interpreter's
    /// value slots, which a call from Wasm code runs without building arrays of values.
    let slotBody: (@Sendable (HostArguments, inout HostContext) throws(Trap) -> UInt64?)?

    /// Creates a host function.
    public init(type: FunctionType, body: @escaping @Sendable ([Value], inout HostContext) throws(Trap) -> [Value]) {
        self.type = type
        self.body = body
        slotBody = nil
    }

    /// Creates a host function of at most one result that works on the interpreter's value
    /// slots: `slots` reads its arguments as raw 64-bit slots (``HostArguments``) and returns
    /// its result's slot, `nil` when it has none. Calls from Wasm code build no arrays and
    /// check no result types (a slot has no type; only whether a result came back is
    /// checked); ``body`` runs the same function on values, for other callers.
    /// - Precondition: `type` has at most one result.
    public init(type: FunctionType, slots: @escaping @Sendable (HostArguments, inout HostContext) throws(Trap) -> UInt64?) {
        precondition(type.results.count <= 1, "a host function on slots returns at most one result")
        self.type = type
        slotBody = slots
        body = { arguments, context throws(Trap) -> [Value] in
            let buffer = UnsafeMutablePointer<UInt64>.allocate(capacity: max(arguments.count, 1))
            defer { buffer.deallocate() }
            for (index, argument) in arguments.enumerated() { buffer[index] = argument.slot }
            let result = try slots(HostArguments(slots: buffer, count: arguments.count), &context)
            guard let result, let resultType = type.results.first else { return [] }
            return [Value(slot: result, type: resultType)]
        }
    }
}

/// The arguments of a host call as the interpreter keeps them: one 64-bit slot each (an `i32`
/// or `f32` in the low 32 bits, an `i64` or `f64` whole, a null reference `UInt64.max`).
public struct HostArguments {
    let slots: UnsafePointer<UInt64>
    /// How many arguments there are.
    public let count: Int

    /// Argument `index`'s slot.
    /// - Precondition: `index < count`.
    public subscript(index: Int) -> UInt64 {
        precondition(index >= 0 && index < count, "a host function reads only its own arguments")
        return slots[index]
    }
}

/// What a host function sees of the instance that calls it.
public struct HostContext {
    /// The caller's memory (lent for the call: the host's writes are the instance's).
    var memoryStorage: LinearMemory
    /// Whether the caller has a memory.
    let hasMemory: Bool
    /// Instructions charged so far in this execution (host charges included).
    public internal(set) var instructionsCharged: UInt64
    /// What is left of the current run's instruction limit.
    public internal(set) var instructionsRemaining: UInt64 = .max
    /// Extra instructions this call charges (added after it returns).
    public var charge: UInt64 = 0
    /// What the embedder attached to the instance for its host functions
    /// (``WasmInstance/hostState``): the System API keeps the state of the current call there.
    public let hostState: (any AnyObject & Sendable)?

    /// Reads `count` bytes of the caller's memory at `address` (an access error if it has no
    /// memory or they are out of bounds).
    public func readMemory(at address: UInt64, count: Int) throws(MemoryAccessError) -> [UInt8] {
        guard hasMemory else { throw MemoryAccessError(address: address, count: count, size: 0) }
        return try memoryStorage.bytes(at: address, count: count)
    }

    /// Writes `bytes` into the caller's memory at `address`, in place (an access error if it
    /// has no memory or they are out of bounds; nothing is written then).
    public mutating func writeMemory(_ bytes: [UInt8], at address: UInt64) throws(MemoryAccessError) {
        guard hasMemory else { throw MemoryAccessError(address: address, count: bytes.count, size: 0) }
        try memoryStorage.write(bytes, at: address)
    }

    /// How many 4 KiB chunks of storage the caller's memory may hold
    /// (``ExecutionLimits/memoryBytesHeld``), for host functions that keep memories of their
    /// own to cap them alike.
    public var memoryChunkAllocationLimit: Int { memoryStorage.chunkAllocationLimit }

    /// Whether the caller's memory refused a write (``LinearMemory/allocationRefused``): the
    /// run will trap, and the host should stop copying into it.
    public var memoryAllocationRefused: Bool { memoryStorage.allocationRefused }

    /// The caller's memory, if it has one. Setting `nil`, or a memory when the caller has
    /// none, is ignored: a host function cannot take an instance's memory away. `nil` for an
    /// instance in a ``WasmLinker`` (its memory may be shared; read it through the linker).
    public var memory: LinearMemory? {
        get { hasMemory ? memoryStorage : nil }
        set { if hasMemory, let newValue { memoryStorage = newValue } }
    }
}

extension WasmInstance {
    /// Calls host function `index` with `arguments`, and checks its results against its type.
    /// Returns the results and the extra instructions the host charged.
    mutating func callHost(
        _ index: Int, _ arguments: [Value], instructionsCharged: UInt64, instructionsRemaining: UInt64 = .max
    ) throws(TrapReason) -> (results: [Value], charge: UInt64) {
        let type = hostFunctions[index].type
        let slots = UnsafeMutablePointer<UInt64>.allocate(capacity: max(arguments.count, type.results.count, 1))
        defer { slots.deallocate() }
        for (offset, argument) in arguments.enumerated() { slots[offset] = argument.slot }
        let charge = try callHost(index, slots: slots, instructionsCharged: instructionsCharged, instructionsRemaining: instructionsRemaining)
        return (type.results.enumerated().map { Value(slot: slots[$0.offset], type: $0.element) }, charge)
    }

    /// Calls host function `index` with its arguments in the value slots at `slots`, lending it
    /// the instance's memory (moved, not copied, so the host writes the instance's own memory),
    /// and writes its results there. A function on values has its results checked against its
    /// type; one on slots (``HostFunction/init(type:slots:)``), only for whether it returned
    /// one. Returns the extra instructions the host charged.
    mutating func callHost(
        _ index: Int, slots: UnsafeMutablePointer<UInt64>, instructionsCharged: UInt64, instructionsRemaining: UInt64
    ) throws(TrapReason) -> UInt64 {
        // A memory that refused a write holds wrong bytes: nothing of it may reach the host.
        guard !memoryStorage.allocationRefused else { throw .hostMemoryLimitExceeded }
        var context: HostContext
        if !isLinked {
            // The memory is swapped into the context and back, never copied (a copy would make
            // the host's first write copy the chunk table; copying it in, then emptying the
            // instance's, cost a retain and a release of the table each call).
            context = HostContext(memoryStorage: LinearMemory.empty, hasMemory: hasMemory, instructionsCharged: instructionsCharged,
                                  hostState: hostState)
            swap(&memoryStorage, &context.memoryStorage)
            defer { swap(&memoryStorage, &context.memoryStorage) }
            context.instructionsRemaining = instructionsRemaining
            try runHost(index, slots, &context)
        } else {
            // A linked instance's host function may call other instances, even this one: it
            // gets no memory (a shared one is read through its cell).
            context = HostContext(memoryStorage: LinearMemory.empty, hasMemory: false,
                                  instructionsCharged: instructionsCharged, hostState: hostState)
            context.instructionsRemaining = instructionsRemaining
            let host = hostFunctions[index]
            try callingOut { () throws(TrapReason) in try Self.run(host, index, slots, &context) }
        }
        return context.charge
    }

    /// Runs host function `index` on the arguments at `slots` and writes its results there:
    /// a function on slots is read from the table in place (copying the whole
    /// ``HostFunction`` out would retain and release its type's arrays and both closures, each
    /// call).
    private func runHost(_ index: Int, _ slots: UnsafeMutablePointer<UInt64>, _ context: inout HostContext) throws(TrapReason) {
        guard let slotBody = hostFunctions[index].slotBody else { return try Self.run(hostFunctions[index], index, slots, &context) }
        let parameterCount = hostFunctions[index].type.parameters.count
        let resultCount = hostFunctions[index].type.results.count
        let result: UInt64?
        do { result = try slotBody(HostArguments(slots: slots, count: parameterCount), &context) } catch { throw error.reason }
        guard (result != nil) == (resultCount != 0) else {
            throw .host("host function \(index) returned \(result == nil ? 0 : 1) results, its type says \(resultCount)")
        }
        if let result { slots[0] = result }
    }

    /// Runs `host` (host function `index`) on the arguments at `slots` and writes its results
    /// there.
    private static func run(_ host: HostFunction, _ index: Int, _ slots: UnsafeMutablePointer<UInt64>,
                            _ context: inout HostContext) throws(TrapReason) {
        let results = host.type.results
        if let slotBody = host.slotBody {
            let arguments = HostArguments(slots: slots, count: host.type.parameters.count)
            let result: UInt64?
            do { result = try slotBody(arguments, &context) } catch { throw error.reason }
            guard (result != nil) == !results.isEmpty else {
                throw .host("host function \(index) returned \(result == nil ? 0 : 1) results, its type says \(results.count)")
            }
            if let result { slots[0] = result }
            return
        }
        let arguments = host.type.parameters.enumerated().map { Value(slot: slots[$0.offset], type: $0.element) }
        let values: [Value]
        do { values = try host.body(arguments, &context) } catch { throw error.reason }
        guard values.map(\.type) == results else {
            throw .host("host function \(index) returned \(values.map(\.type)), its type says \(results)")
        }
        for (offset, value) in values.enumerated() { slots[offset] = value.slot }
    }
}

// The interpreter's calls out of the current function: entering a defined function, calling a
// host function, and the checks and cross-instance path of `call_indirect`.
extension Execution {
    /// The function a `call_indirect` calls, after the checks; -1 for another instance's
    /// function (see ``callForeign(_:_:_:_:)``).
    func indirectCallee(_ op: Op, _ fp: UnsafeMutablePointer<UInt64>, _ instance: WasmInstance) throws(TrapReason) -> Int {
        let slot = try indirectReference(op, fp, instance)
        guard slot & 0xFFFF_FFFF_0000_0000 == instance.referenceTag else { return -1 }
        let function = Int(slot & 0xFFFF_FFFF)
        let typeIndex = Int(op.b)
        guard instance.compiled.functionTypeIDs[function] == instance.compiled.typeIDs[typeIndex] else {
            throw .indirectCallTypeMismatch
        }
        return function
    }

    /// The function reference a `call_indirect` calls through, after the bounds and null
    /// checks.
    func indirectReference(_ op: Op, _ fp: UnsafeMutablePointer<UInt64>, _ instance: WasmInstance) throws(TrapReason) -> UInt64 {
        let parameterCount = instance.compiled.module.types[Int(op.b)].parameters.count
        let index = Int(UInt32(truncatingIfNeeded: fp[Int(op.a) + parameterCount]))
        let elements = instance.tables[Int(op.c)].elements
        guard index < elements.count else { throw .undefinedElement }
        let slot = elements[index]
        guard slot != Value.nullSlot else { throw .uninitializedElement }
        return slot
    }

    /// A `call_indirect` of another instance's function (a reference stored in a shared
    /// table): checked against the expected type, run to completion by the linker within the
    /// run's budget, and charged here.
    mutating func callForeign(_ op: Op, _ fp: UnsafeMutablePointer<UInt64>, _ instance: inout WasmInstance, _ meter: inout Meter) throws(TrapReason) {
        let slot = try indirectReference(op, fp, instance)
        let owner = UInt32(truncatingIfNeeded: slot >> 32)
        let function = UInt32(truncatingIfNeeded: slot)
        let type = instance.compiled.module.types[Int(op.b)]
        guard let linker = instance.links?.linker, let calleeType = linker.functionType(owner, function) else {
            throw .host("a reference to function \(function) of instance \(owner), which this instance cannot reach")
        }
        guard calleeType == type else { throw .indirectCallTypeMismatch }
        let slots = fp + Int(op.a)
        let arguments = type.parameters.enumerated().map { Value(slot: slots[$0.offset], type: $0.element) }
        let budget = meter.remaining
        let (results, charged) = try instance.callingOut { () throws(TrapReason) in
            do throws(Trap) { return try linker.call(owner, function, arguments, budget: budget) } catch { throw error.reason }
        }
        meter.force(charged)
        for (offset, result) in results.enumerated() { slots[offset] = result.slot }
    }

    /// Pushes a frame for defined function `index` whose arguments start at slot `base`;
    /// traps "call stack exhausted" if the frames would need more than the call stack's bytes.
    mutating func enter(_ index: Int, base: Int, _ instance: WasmInstance) throws(TrapReason) {
        let entry = instance.compiled.entries[index - instance.hostFunctions.count]
        guard limits.callStackBytesUsed(frames: frames.count &+ 1, slots: base &+ entry.frameSlots) <= limits.callStackBytes else {
            throw .callStackExhausted
        }
        guard stack.reserve(base + entry.frameSlots, limit: limits.valueStackSlots) else { throw .callStackExhausted }
        entry.prepare(stack.base + base)
        frames.append(Frame(function: index, pc: 0, base: base))
    }

    /// Calls host function `index` with the arguments in the slots at `slots`, and writes its
    /// results there.
    mutating func callHost(_ index: Int, _ slots: UnsafeMutablePointer<UInt64>, _ instance: inout WasmInstance, _ meter: inout Meter) throws(TrapReason) {
        let charge = try instance.callHost(index, slots: slots, instructionsCharged: meter.charged, instructionsRemaining: meter.remaining)
        meter.force(charge)
    }
}

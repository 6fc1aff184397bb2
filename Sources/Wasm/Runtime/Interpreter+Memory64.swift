// Loads and stores of a 64-bit memory (memory64). They are compiled to two instructions of
// their own (`memory64Load`, `memory64Store`), which the main loop hands to `other` like its
// other rare instructions, and `other` to this function, so the 32-bit accesses' inlined path
// (Interpreter+Inlined.swift) and the main loop's code are unchanged.
extension Execution {
    /// Runs the load or store `op` of a 64-bit memory: the effective address is the i64
    /// address in slot `b` plus the static offset; an addition that overflows 64 bits, like an
    /// access past the memory's end, traps "out of bounds memory access".
    @inline(never)
    func memory64Access(_ op: Op, _ fp: UnsafeMutablePointer<UInt64>, _ instance: inout WasmInstance) throws(TrapReason) {
        let (address, overflow) = fp[Int(op.b)].addingReportingOverflow(op.memory64Offset)
        guard !overflow else { throw .outOfBoundsMemoryAccess }
        let a = Int(op.a)
        switch op.memory64Opcode {
        case 0x28, 0x2A, 0x35: fp[a] = UInt64(try load64(UInt32.self, instance, address))
        case 0x29, 0x2B: fp[a] = try load64(UInt64.self, instance, address)
        case 0x2C: fp[a] = UInt64(UInt32(bitPattern: Int32(Int8(bitPattern: try load64(UInt8.self, instance, address)))))
        case 0x2D, 0x31: fp[a] = UInt64(try load64(UInt8.self, instance, address))
        case 0x2E: fp[a] = UInt64(UInt32(bitPattern: Int32(Int16(bitPattern: try load64(UInt16.self, instance, address)))))
        case 0x2F, 0x33: fp[a] = UInt64(try load64(UInt16.self, instance, address))
        case 0x30: fp[a] = UInt64(bitPattern: Int64(Int8(bitPattern: try load64(UInt8.self, instance, address))))
        case 0x32: fp[a] = UInt64(bitPattern: Int64(Int16(bitPattern: try load64(UInt16.self, instance, address))))
        case 0x34: fp[a] = UInt64(bitPattern: Int64(Int32(bitPattern: try load64(UInt32.self, instance, address))))
        case 0x36, 0x38, 0x3E: try store64(UInt32(truncatingIfNeeded: fp[a]), &instance, address)
        case 0x37, 0x39: try store64(fp[a], &instance, address)
        case 0x3A, 0x3C: try store64(UInt8(truncatingIfNeeded: fp[a]), &instance, address)
        case 0x3B, 0x3D: try store64(UInt16(truncatingIfNeeded: fp[a]), &instance, address)
        default: preconditionFailure("the validator emits 64-bit accesses only for loads and stores")
        }
    }

    /// The value of `T`'s width at `address` of a 64-bit memory.
    @inline(__always)
    private func load64<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ instance: WasmInstance, _ address: UInt64) throws(TrapReason) -> T {
        guard let value = instance.memoryStorage.loadIfInBounds(T.self, at: address) else { throw .outOfBoundsMemoryAccess }
        return value
    }

    /// Stores `value` at `address` of a 64-bit memory.
    @inline(__always)
    private func store64<T: FixedWidthInteger & UnsignedInteger>(_ value: T, _ instance: inout WasmInstance, _ address: UInt64) throws(TrapReason) {
        guard instance.memoryStorage.storeIfInBounds(value, at: address) else { throw .outOfBoundsMemoryAccess }
    }
}

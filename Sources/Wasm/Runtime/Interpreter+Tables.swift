// The table instructions the interpreter runs outside its main loop, for 32-bit and 64-bit
// tables (table64, part of memory64 in WebAssembly 3.0). A 64-bit table's indices, sizes and
// lengths are i64 operands, read whole (never truncated to 32 bits); a 32-bit table's are the
// low 32 bits of their slots.
extension Execution {
    /// The element index that `table.get` or `table.set` reads from `slot`, after the bounds
    /// check.
    @inline(__always)
    static func tableIndex(_ slot: UInt64, _ table: Table) throws(TrapReason) -> Int {
        let index = table.isTable64 ? slot : UInt64(UInt32(truncatingIfNeeded: slot))
        guard index < UInt64(table.size) else { throw .outOfBoundsTableAccess }
        return Int(index)
    }

    /// An address operand of a table: whole for a 64-bit table, the low 32 bits otherwise.
    @inline(__always)
    static func tableAddress(_ slot: UInt64, isTable64: Bool) -> UInt64 {
        isTable64 ? slot : UInt64(UInt32(truncatingIfNeeded: slot))
    }

    /// Whether `count` elements from `start` lie within `size` (without overflow, whatever
    /// the u64 operands).
    @inline(__always)
    static func tableRangeFits(_ start: UInt64, _ count: UInt64, _ size: Int) -> Bool {
        start <= UInt64(size) && count <= UInt64(size) - start
    }

    /// table.init, table.copy and table.fill on the operands (destination, source or value,
    /// count) at `operands`, bounds checked before anything is written.
    func bulkTable(_ op: Op, _ operands: UnsafeMutablePointer<UInt64>, _ instance: inout WasmInstance) throws(TrapReason) {
        let b = Int(op.b), c = Int(op.c)
        let length = Self.tableAddress(operands[2], isTable64: Self.hasLength64(op, instance))
        instance.prepareToChangeUndoneState()
        switch op.code {
        case .tableInit:
            let destination = Self.tableAddress(operands[0], isTable64: instance.tables[c].isTable64)
            let source = Self.tableAddress(operands[1], isTable64: false)
            let values = instance.droppedElements[b] ? [] : instance.elementValues[b]
            guard Self.tableRangeFits(source, length, values.count),
                  Self.tableRangeFits(destination, length, instance.tables[c].size) else { throw .outOfBoundsTableAccess }
            let (to, from, count) = (Int(destination), Int(source), Int(length))
            instance.tables[c].elements.replaceSubrange(to..<(to + count), with: values[from..<(from + count)])
        case .tableCopy:
            let destination = Self.tableAddress(operands[0], isTable64: instance.tables[b].isTable64)
            let source = Self.tableAddress(operands[1], isTable64: instance.tables[c].isTable64)
            let values = instance.tables[c].elements
            guard Self.tableRangeFits(source, length, values.count),
                  Self.tableRangeFits(destination, length, instance.tables[b].size) else { throw .outOfBoundsTableAccess }
            let (to, from, count) = (Int(destination), Int(source), Int(length))
            instance.tables[b].elements.replaceSubrange(to..<(to + count), with: values[from..<(from + count)])
        case .tableFill:
            let destination = Self.tableAddress(operands[0], isTable64: instance.tables[b].isTable64)
            guard Self.tableRangeFits(destination, length, instance.tables[b].size) else { throw .outOfBoundsTableAccess }
            let start = Int(destination)
            for index in start..<(start + Int(length)) { instance.tables[b].elements[index] = operands[1] }
        default:
            preconditionFailure("only table.init, table.copy and table.fill reach bulkTable()")
        }
    }

    /// `table.grow` by the operand in `countSlot`: the old size, or -1 (as an i32, or an i64
    /// for a 64-bit table) beyond the table's maximum or the limits' ``ExecutionLimits/tableElements``.
    func growTable(_ table: Int, value: UInt64, count countSlot: UInt64, _ instance: inout WasmInstance) -> UInt64 {
        let isTable64 = instance.tables[table].isTable64
        let count = Self.tableAddress(countSlot, isTable64: isTable64)
        let failed = isTable64 ? UInt64.max : UInt64(UInt32.max)
        let old = UInt64(instance.tables[table].size)
        let limit = min(instance.tables[table].maximum ?? (isTable64 ? UInt64.max : UInt64(UInt32.max)), UInt64(limits.tableElements))
        guard old <= limit, count <= limit - old else { return failed }
        instance.prepareToChangeUndoneState()
        instance.tables[table].elements.append(contentsOf: repeatElement(value, count: Int(count)))
        return old
    }
}

extension Execution {
    /// The instructions the main loop does not run itself: memory size and growth, bulk
    /// memory and table operations, references, tables, saturating truncations, and the
    /// loads and stores of a 64-bit memory (kept out of the main loop so that its code for the
    /// 32-bit ones stays as it was). Returns `false`, having changed nothing, when a bulk operation's per-byte
    /// cost exceeds what `remaining` can pay (and it may not overshoot).
    mutating func other(
        _ op: Op, _ fp: UnsafeMutablePointer<UInt64>, _ instance: inout WasmInstance, _ remaining: inout UInt64,
        _ overshoot: inout UInt64, mayOvershoot: Bool
    ) throws(TrapReason) -> Bool {
        let a = Int(op.a), b = Int(op.b), c = Int(op.c)
        switch op.code {
        case .memorySize: fp[a] = UInt64(instance.memoryStorage.pageCount)
        case .memoryGrow:
            let delta = b != 0 ? fp[a] : UInt64(UInt32(truncatingIfNeeded: fp[a]))
            if instance.memoryGrowLimitBytes != .max, let pages = UInt32(exactly: delta) { try instance.checkGrowLimit(pages) }
            fp[a] = Self.growMemory(&instance.memoryStorage, by: fp[a], isMemory64: b != 0)
        case .memoryInit, .memoryCopy, .memoryFill, .tableInit, .tableCopy, .tableFill:
            let count = Self.hasLength64(op, instance) ? fp[a + 2] : UInt64(UInt32(truncatingIfNeeded: fp[a + 2]))
            // Up to 2^64 - 1 elements times a per-byte cost: saturate rather than wrap.
            let (product, overflow) = count.multipliedReportingOverflow(by: instance.compiled.costTable.costPerBulkByte)
            let cost = overflow ? UInt64.max : product
            if cost <= remaining {
                remaining -= cost
            } else {
                guard mayOvershoot else { return false }
                overshoot += cost - remaining
                remaining = 0
            }
            try bulk(op, fp + a, &instance)
        case .dataDrop:
            instance.prepareToChangeUndoneState()
            instance.droppedData[b] = true
        case .elemDrop:
            instance.prepareToChangeUndoneState()
            instance.droppedElements[b] = true
        case .refIsNull: fp[a] = fp[b] == Value.nullSlot ? 1 : 0
        case .tableGet:
            fp[a] = instance.tables[b].elements[try Self.tableIndex(fp[a], instance.tables[b])]
        case .tableSet:
            instance.prepareToChangeUndoneState()
            instance.tables[b].elements[try Self.tableIndex(fp[a], instance.tables[b])] = fp[a + 1]
        case .tableSize: fp[a] = UInt64(instance.tables[b].size)
        case .tableGrow: fp[a] = growTable(b, value: fp[a], count: fp[a + 1], &instance)
        case .saturatingTruncation: fp[a] = Numerics.saturatingTruncation(UInt8(c), fp[b])
        case .memory64Load, .memory64Store: try memory64Access(op, fp, &instance)
        case .table64IndexCheck: guard fp[a] <= UInt64(UInt32.max) else { throw .undefinedElement }
        default: preconditionFailure("\(op.code) is run by the main loop")
        }
        return true
    }

    /// memory.init/copy/fill and table.init/copy/fill on the operands (destination, source or
    /// value, count) at `operands`, bounds checked before anything is written.
    mutating func bulk(_ op: Op, _ operands: UnsafeMutablePointer<UInt64>, _ instance: inout WasmInstance) throws(TrapReason) {
        if op.code == .tableInit || op.code == .tableCopy || op.code == .tableFill {
            return try bulkTable(op, operands, &instance)
        }
        let isMemory64 = Self.isMemory64Bulk(op)
        let destination = isMemory64 ? operands[0] : UInt64(UInt32(truncatingIfNeeded: operands[0]))
        let second = operands[1]
        let source = isMemory64 && op.code == .memoryCopy ? second : UInt64(UInt32(truncatingIfNeeded: second))
        let length = Self.hasLength64(op, instance) ? operands[2] : UInt64(UInt32(truncatingIfNeeded: operands[2]))
        // A 64-bit length can exceed any memory (and `Int`): such an access is out of bounds.
        guard !isMemory64 || length <= UInt64(instance.memoryStorage.byteCount) else { throw .outOfBoundsMemoryAccess }
        let count = Int(length)
        let b = Int(op.b)
        switch op.code {
        case .memoryInit:
            let range = instance.droppedData[b] ? 0..<0 : instance.compiled.module.data[b].bytes
            guard source + UInt64(count) <= UInt64(range.count) else { throw .outOfBoundsMemoryAccess }
            let start = range.lowerBound + Int(source)
            let bytes = Array(instance.compiled.module.bytes[start..<(start + count)])
            do { try instance.memoryStorage.write(bytes, at: destination) } catch { throw .outOfBoundsMemoryAccess }
        case .memoryCopy:
            do { try instance.memoryStorage.copy(from: source, to: destination, count: count) } catch { throw .outOfBoundsMemoryAccess }
        case .memoryFill:
            do { try instance.memoryStorage.fill(at: destination, with: UInt8(truncatingIfNeeded: second), count: count) } catch {
                throw .outOfBoundsMemoryAccess
            }
        default:
            preconditionFailure("only bulk operations reach bulk()")
        }
    }

    /// Whether `op` is `memory.init`, `memory.copy` or `memory.fill` of a 64-bit memory (the
    /// validator sets field `c` of those, which is otherwise unused, to 1).
    @inline(__always)
    static func isMemory64Bulk(_ op: Op) -> Bool {
        (op.code == .memoryInit || op.code == .memoryCopy || op.code == .memoryFill) && op.c != 0
    }

    /// Whether `op`'s length operand is an i64: `memory.copy` and `memory.fill` of a 64-bit
    /// memory (`memory.init`'s length counts bytes of a data segment, an i32), `table.fill` of
    /// a 64-bit table, and `table.copy` between two 64-bit tables (`table.init`'s counts
    /// elements of a segment).
    @inline(__always)
    static func hasLength64(_ op: Op, _ instance: WasmInstance) -> Bool {
        switch op.code {
        case .memoryCopy, .memoryFill: op.c != 0
        case .tableFill: instance.tables[Int(op.b)].isTable64
        case .tableCopy: instance.tables[Int(op.b)].isTable64 && instance.tables[Int(op.c)].isTable64
        default: false
        }
    }

    /// `memory.grow` by the operand `delta` (pages): the old size, or -1 (as an i32, or an i64
    /// for a 64-bit memory) when the memory cannot grow that much.
    static func growMemory(_ memory: inout LinearMemory, by delta: UInt64, isMemory64: Bool) -> UInt64 {
        guard isMemory64 else { return UInt64(UInt32(bitPattern: memory.grow(by: UInt32(truncatingIfNeeded: delta)))) }
        guard let pages = UInt32(exactly: delta) else { return UInt64.max }
        let old = memory.grow(by: pages)
        return old < 0 ? UInt64.max : UInt64(old)
    }
}

extension Execution {
    /// Memory, table and reference instructions. Returns `false`, having changed nothing, when
    /// a bulk operation's per-byte cost exceeds the budget.
    mutating func other(
        _ instruction: Instruction, _ instance: inout WasmInstance, _ budget: inout UInt64, mayOvershoot: Bool
    ) throws(TrapReason) -> Bool {
        switch instruction {
        case .load(let opcode, let offset): try load(opcode, offset, instance)
        case .store(let opcode, let offset): try store(opcode, offset, &instance)
        case .memorySize: try push(UInt64(instance.memory?.pageCount ?? 0))
        case .memoryGrow:
            let pages = UInt32(truncatingIfNeeded: pop())
            let old = instance.memory?.grow(by: pages) ?? -1
            try push(UInt64(UInt32(bitPattern: old)))
        case .memoryInit, .memoryCopy, .memoryFill, .tableInit, .tableCopy, .tableFill:
            guard chargeBulk(instance, &budget, mayOvershoot: mayOvershoot) else { return false }
            try bulk(instruction, &instance)
        case .dataDrop(let segment): instance.droppedData[Int(segment)] = true
        case .elemDrop(let segment): instance.droppedElements[Int(segment)] = true
        case .refNull: try push(Value.nullSlot)
        case .refIsNull: stack[stack.count - 1] = stack[stack.count - 1] == Value.nullSlot ? 1 : 0
        case .refFunc(let index): try push(UInt64(index))
        case .tableGet(let table):
            let index = Int(UInt32(truncatingIfNeeded: pop()))
            guard index < instance.tables[Int(table)].size else { throw .outOfBoundsTableAccess }
            try push(instance.tables[Int(table)].elements[index])
        case .tableSet(let table):
            let value = pop()
            let index = Int(UInt32(truncatingIfNeeded: pop()))
            guard index < instance.tables[Int(table)].size else { throw .outOfBoundsTableAccess }
            instance.tables[Int(table)].elements[index] = value
        case .tableSize(let table): try push(UInt64(instance.tables[Int(table)].size))
        case .tableGrow(let table): try growTable(Int(table), &instance)
        default: preconditionFailure("control and numeric instructions are handled by step")
        }
        return true
    }

    /// Charges the per-byte (per-element) cost of a bulk operation, whose count is on top of
    /// the stack; `false` if the budget cannot pay it.
    mutating func chargeBulk(_ instance: WasmInstance, _ budget: inout UInt64, mayOvershoot: Bool) -> Bool {
        let count = UInt64(UInt32(truncatingIfNeeded: stack[stack.count - 1]))
        // At most 2^32 - 1 elements times a per-byte cost: saturate rather than wrap.
        let (product, overflow) = count.multipliedReportingOverflow(by: instance.compiled.costTable.costPerBulkByte)
        let cost = overflow ? UInt64.max : product
        guard cost <= budget || mayOvershoot else { return false }
        budget -= min(cost, budget)
        instructionsCharged += cost
        return true
    }

    func effectiveAddress(_ base: UInt64, _ offset: UInt32) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: base)) + UInt64(offset)
    }

    mutating func load(_ opcode: UInt8, _ offset: UInt32, _ instance: WasmInstance) throws(TrapReason) {
        let address = effectiveAddress(stack[stack.count - 1], offset)
        guard let memory = instance.memory else { throw .outOfBoundsMemoryAccess }
        do {
            let value: UInt64 = switch opcode {
            case 0x28, 0x2A, 0x35: UInt64(try memory.load(UInt32.self, at: address))
            case 0x29, 0x2B: try memory.load(UInt64.self, at: address)
            case 0x2C: UInt64(UInt32(bitPattern: Int32(Int8(bitPattern: try memory.load(UInt8.self, at: address)))))
            case 0x2D, 0x31: UInt64(try memory.load(UInt8.self, at: address))
            case 0x2E: UInt64(UInt32(bitPattern: Int32(Int16(bitPattern: try memory.load(UInt16.self, at: address)))))
            case 0x2F, 0x33: UInt64(try memory.load(UInt16.self, at: address))
            case 0x30: UInt64(bitPattern: Int64(Int8(bitPattern: try memory.load(UInt8.self, at: address))))
            case 0x32: UInt64(bitPattern: Int64(Int16(bitPattern: try memory.load(UInt16.self, at: address))))
            default: UInt64(bitPattern: Int64(Int32(bitPattern: try memory.load(UInt32.self, at: address))))  // 0x34
            }
            stack[stack.count - 1] = value
        } catch {
            throw .outOfBoundsMemoryAccess
        }
    }

    mutating func store(_ opcode: UInt8, _ offset: UInt32, _ instance: inout WasmInstance) throws(TrapReason) {
        let value = pop()
        let address = effectiveAddress(pop(), offset)
        guard instance.memory != nil else { throw .outOfBoundsMemoryAccess }
        do {
            switch opcode {
            case 0x36, 0x38, 0x3E: try instance.memory?.store(UInt32(truncatingIfNeeded: value), at: address)
            case 0x37, 0x39: try instance.memory?.store(value, at: address)
            case 0x3A, 0x3C: try instance.memory?.store(UInt8(truncatingIfNeeded: value), at: address)
            default: try instance.memory?.store(UInt16(truncatingIfNeeded: value), at: address)  // 0x3B, 0x3D
            }
        } catch {
            throw .outOfBoundsMemoryAccess
        }
    }

    /// memory.init/copy/fill and table.init/copy/fill: operands (destination, source or value,
    /// count), bounds checked before anything is written.
    mutating func bulk(_ instruction: Instruction, _ instance: inout WasmInstance) throws(TrapReason) {
        let count = Int(UInt32(truncatingIfNeeded: pop()))
        let second = pop()
        let destination = UInt64(UInt32(truncatingIfNeeded: pop()))
        let source = UInt64(UInt32(truncatingIfNeeded: second))
        switch instruction {
        case .memoryInit(let segment):
            let range = instance.droppedData[Int(segment)] ? 0..<0 : instance.compiled.module.data[Int(segment)].bytes
            guard source + UInt64(count) <= UInt64(range.count) else { throw .outOfBoundsMemoryAccess }
            let start = range.lowerBound + Int(source)
            let bytes = Array(instance.compiled.module.bytes[start..<(start + count)])
            do { try instance.memory?.write(bytes, at: destination) } catch { throw .outOfBoundsMemoryAccess }
        case .memoryCopy:
            do { try instance.memory?.copy(from: source, to: destination, count: count) } catch { throw .outOfBoundsMemoryAccess }
        case .memoryFill:
            do { try instance.memory?.fill(at: destination, with: UInt8(truncatingIfNeeded: second), count: count) } catch {
                throw .outOfBoundsMemoryAccess
            }
        case .tableInit(let segment, let table):
            let values = instance.droppedElements[Int(segment)] ? [] : instance.elementValues[Int(segment)]
            guard source + UInt64(count) <= UInt64(values.count),
                  destination + UInt64(count) <= UInt64(instance.tables[Int(table)].size) else { throw .outOfBoundsTableAccess }
            instance.tables[Int(table)].elements.replaceSubrange(
                Int(destination)..<(Int(destination) + count), with: values[Int(source)..<(Int(source) + count)])
        case .tableCopy(let destinationTable, let sourceTable):
            let from = instance.tables[Int(sourceTable)].elements
            guard source + UInt64(count) <= UInt64(from.count),
                  destination + UInt64(count) <= UInt64(instance.tables[Int(destinationTable)].size) else { throw .outOfBoundsTableAccess }
            instance.tables[Int(destinationTable)].elements.replaceSubrange(
                Int(destination)..<(Int(destination) + count), with: from[Int(source)..<(Int(source) + count)])
        case .tableFill(let table):
            guard destination + UInt64(count) <= UInt64(instance.tables[Int(table)].size) else { throw .outOfBoundsTableAccess }
            for index in Int(destination)..<(Int(destination) + count) { instance.tables[Int(table)].elements[index] = second }
        default:
            preconditionFailure("only bulk instructions reach bulk()")
        }
    }

    mutating func growTable(_ table: Int, _ instance: inout WasmInstance) throws(TrapReason) {
        let count = UInt64(UInt32(truncatingIfNeeded: pop()))
        let value = pop()
        let old = UInt64(instance.tables[table].size)
        let limit = UInt64(instance.tables[table].maximum ?? UInt32.max)
        guard old + count <= limit, old + count <= UInt64(limits.tableElements) else {
            try push(UInt64(UInt32(bitPattern: -1)))
            return
        }
        instance.tables[table].elements.append(contentsOf: repeatElement(value, count: Int(count)))
        try push(old)
    }
}

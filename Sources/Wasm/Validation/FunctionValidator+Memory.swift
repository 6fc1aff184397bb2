extension FunctionValidator {
    // MARK: - Memory

    func requireMemory(_ index: UInt32 = 0) throws(WasmValidationError) {
        guard Int(index) < context.memories.count else { throw invalid("unknown memory \(index)") }
    }

    /// Natural alignment (log2 of the access size) and value type of loads 0x28-0x35 and
    /// stores 0x36-0x3E.
    static let memoryAccess: [(alignment: UInt32, type: ValueType)] = [
        (2, .i32), (3, .i64), (2, .f32), (3, .f64), (0, .i32), (0, .i32), (1, .i32), (1, .i32),
        (0, .i64), (0, .i64), (1, .i64), (1, .i64), (2, .i64), (2, .i64),
        (2, .i32), (3, .i64), (2, .f32), (3, .f64), (0, .i32), (1, .i32), (0, .i64), (1, .i64), (2, .i64),
    ]

    /// The address type of memory 0 (`i64` for a 64-bit memory); `i32` when there is none
    /// (the instruction is rejected by ``requireMemory(_:)``).
    var addressType: ValueType { context.memories.first?.addressType ?? .i32 }

    mutating func memory(_ opcode: UInt8) throws(WasmValidationError) {
        let cost = costTable.cost(opcode: opcode)
        if opcode >= 0x3F {
            try zeroByte()
            try requireMemory()
            let addressType = self.addressType
            if opcode == 0x3F {
                emit(Op(.memorySize, ownSlot(depth: -1)), cost: cost, producesTop: true)
            } else {
                materializeTop(1)
                emit(Op(.memoryGrow, ownSlot(depth: 0), addressType == .i64 ? 1 : 0), cost: cost)
                try pop(addressType)
            }
            push(addressType)
            return
        }
        let access = Self.memoryAccess[Int(opcode - 0x28)]
        let alignment = try u32()
        let addressType = self.addressType
        let offset = addressType == .i64 ? try u64() : UInt64(try u32())
        try requireMemory()
        guard alignment <= access.alignment else {
            throw invalid("alignment must not be larger than natural (2^\(alignment) > 2^\(access.alignment))")
        }
        let isLoad = opcode <= 0x35
        let (a, b) = isLoad ? (ownSlot(depth: 0), operandSlot(depth: 0)) : (operandSlot(depth: 0), operandSlot(depth: 1))
        if addressType == .i64 {
            emit(Op(memory64Access: opcode, a, b, offset: offset), cost: costTable.memory64AccessCost, producesTop: isLoad)
        } else if isLoad, let fused = fusedAddressLoad(opcode, destination: a, offset: offset) {
            emitter.emit(fused, cost: cost, producesTop: true)
        } else if opcode == 0x39, let fused = fusedArithmeticStore(address: b, offset: offset) {
            emitter.emit(fused.op, cost: cost)
            if let beforeTrap = fused.beforeTrap {
                emitter.tailCosts[emitter.tailCosts.count - 1] = UInt32(clamping: UInt64(emitter.costs[emitter.costs.count - 1]) - beforeTrap)
            }
        } else {
            let code = OpCode(rawValue: opcode) ?? .unreachable
            emit(Op(code, a, b, Int32(bitPattern: UInt32(truncatingIfNeeded: offset))), cost: cost, producesTop: isLoad)
        }
        if isLoad {
            try pop(addressType)
            push(access.type)
        } else {
            try pop(access.type)
            try pop(addressType)
        }
    }

    /// A 32-bit or 64-bit load (`i32`/`i64`/`f32`/`f64.load` of a 32-bit memory) fused with
    /// the instruction just emitted when that computed its address into the address operand's
    /// own slot: `i32.add` of a constant (only with offset 0: the sum wraps to 32 bits before
    /// the offset is added) or `i32.shl` by a constant. The producer is removed (its cost
    /// becomes the fused load's, charged before the load's trap point, as it was); `nil` if
    /// there is no such producer.
    mutating func fusedAddressLoad(_ opcode: UInt8, destination: Int32, offset: UInt64) -> Op? {
        let top = operands.count - 1
        if opcode <= 0x2B, isEmitting, top >= 0, operandSources[top] >= 0 { return fusedTeeLoad(opcode, destination: destination, offset: offset) }
        guard opcode <= 0x2B, isEmitting, top >= 0, operandSources[top] == -1, let producer = emitter.producer,
              producer == emitter.code.count - 1 else { return nil }
        let address = emitter.code[producer]
        guard address.a == emitter.slot(ofOperandAt: top) else { return nil }
        let isWide = opcode == 0x29 || opcode == 0x2B
        switch address.code {
        case .i32AddImm where offset == 0:
            _ = emitter.removeLast()
            return Op(isWide ? .i64LoadAddImm : .i32LoadAddImm, destination, address.b, address.c)
        case .i32ShlImm:
            _ = emitter.removeLast()
            var op = Op(isWide ? .i64LoadShlImm : .i32LoadShlImm, destination, address.b, Int32(bitPattern: UInt32(truncatingIfNeeded: offset)))
            op.shift = UInt8(truncatingIfNeeded: address.c & 31)
            return op
        default:
            return nil
        }
    }

    /// A 32-bit or 64-bit load whose address operand is a local that the instruction just
    /// emitted wrote as `i32.shl` by a constant (`local.tee` of the shifted index, clang's
    /// array access whose address is used again): one `...LoadShlImmTee` that writes the local
    /// and loads. Not across a block boundary, and only for a local whose slot fits the 16-bit
    /// field. The shift's cost (and the `local.tee`'s) becomes the fused load's, charged
    /// before the load's trap point, as it was.
    mutating func fusedTeeLoad(_ opcode: UInt8, destination: Int32, offset: UInt64) -> Op? {
        let local = operandSources[operands.count - 1]
        guard let address = emitter.code.last, address.code == .i32ShlImm, address.a == local,
              local < Int32(Op.notFusedWide), emitter.code.count - 1 > emitter.blockStart, !emitter.needsLeader else { return nil }
        _ = emitter.removeLast()
        let isWide = opcode == 0x29 || opcode == 0x2B
        var op = Op(isWide ? .i64LoadShlImmTee : .i32LoadShlImmTee, destination, address.b, Int32(bitPattern: UInt32(truncatingIfNeeded: offset)))
        op.shift = UInt8(truncatingIfNeeded: address.c & 31)
        op.thirdSlot = UInt16(local)
        return op
    }

    /// An `f64.store` (32-bit memory) of the value the instruction just emitted computed as
    /// `f64.add` or `f64.sub` into the value operand's own slot (in the same block): one
    /// `f64AddStore` or `f64SubStore` that stores the result without writing it to a slot. The
    /// arithmetic is removed (its cost becomes the fused store's, charged before the store's
    /// trap point, as it was). When the addition's other operand is an `f64.load` of the same
    /// address emitted just before it, that goes too: one `f64AddToMemory`, whose trap point is
    /// the load. Returns the instruction and the part of its cost charged before its trap point
    /// (`nil`: all of it); `nil` if there is no such producer or its right operand's slot does
    /// not fit ``Op/thirdSlot``.
    mutating func fusedArithmeticStore(address: Int32, offset: UInt64) -> (op: Op, beforeTrap: UInt64?)? {
        let top = operands.count - 1
        guard isEmitting, top >= 0, operandSources[top] == -1, let producer = emitter.producer,
              producer == emitter.code.count - 1, producer > emitter.blockStart else { return nil }
        let arithmetic = emitter.code[producer]
        let code: OpCode
        switch arithmetic.code {
        case .f64Add: code = .f64AddStore
        case .f64Sub: code = .f64SubStore
        default: return nil
        }
        guard arithmetic.a == emitter.slot(ofOperandAt: top), arithmetic.a != address else { return nil }
        let storeOffset = Int32(bitPattern: UInt32(truncatingIfNeeded: offset))
        if code == .f64AddStore, let update = fusedAddToMemory(arithmetic, address: address, offset: storeOffset) { return update }
        guard arithmetic.c >= 0, arithmetic.c < Int32(Op.notFusedWide) - Int32(FunctionCompiler.constantPoolMax) else { return nil }
        _ = emitter.removeLast()
        var op = Op(code, arithmetic.b, address, storeOffset)
        op.thirdSlot = UInt16(arithmetic.c)
        return (op, nil)
    }

    /// ``fusedArithmeticStore(address:offset:)``'s `f64AddToMemory`: `addition` (the last
    /// instruction) adds the value the `f64.load` before it read from `address` + `offset`
    /// (into an operand slot of its own, in the same block) to another value.
    mutating func fusedAddToMemory(_ addition: Op, address: Int32, offset: Int32) -> (op: Op, beforeTrap: UInt64?)? {
        let last = emitter.code.count - 1
        guard last - 1 > emitter.blockStart else { return nil }
        let load = emitter.code[last - 1]
        guard load.code == .f64Load, load.b == address, load.c == offset, load.a >= Int32(emitter.localCount),
              load.a == addition.b || load.a == addition.c, addition.b != addition.c else { return nil }
        let beforeTrap = UInt64(emitter.costs[last - 1] - emitter.tailCosts[last - 1])
        _ = emitter.removeLast()
        _ = emitter.removeLast()
        return (Op(.f64AddToMemory, load.a == addition.b ? addition.c : addition.b, address, offset), beforeTrap)
    }

    // MARK: - 0xFC prefix: saturating truncation, bulk memory, tables

    mutating func prefixed() throws(WasmValidationError) {
        let position = reader.offset
        let code = try u32()
        let cost = costTable.cost(prefixed: code)
        switch code {
        case 0...7:
            emit(Op(.saturatingTruncation, ownSlot(depth: 0), operandSlot(depth: 0), Int32(code)), cost: cost, producesTop: true)
            let source: ValueType = code & 2 == 0 ? .f32 : .f64
            try pop(source)
            push(code < 4 ? .i32 : .i64)
        case 8:
            let segment = try u32()
            try zeroByte()
            try requireMemory()
            try requireDataSegment(segment)
            try emitBulk(Op(.memoryInit, 0, Int32(bitPattern: segment), memory64Flag), [addressType, .i32, .i32], cost: cost)
        case 9:
            let segment = try u32()
            try requireDataSegment(segment)
            emit(Op(.dataDrop, 0, Int32(bitPattern: segment)), cost: cost)
        case 10:
            try zeroByte()
            try zeroByte()
            try requireMemory()
            try emitBulk(Op(.memoryCopy, 0, 0, memory64Flag), [addressType, addressType, addressType], cost: cost)
        case 11:
            try zeroByte()
            try requireMemory()
            try emitBulk(Op(.memoryFill, 0, 0, memory64Flag), [addressType, .i32, addressType], cost: cost)
        default: try tableInstruction(code, cost: cost, at: position)
        }
    }

    /// Field `c` of `memory.init`, `memory.copy` and `memory.fill`: 1 on a 64-bit memory
    /// (i64 addresses and, but for `memory.init`'s, i64 lengths), else 0.
    var memory64Flag: Int32 { addressType == .i64 ? 1 : 0 }

    /// A bulk memory or table operation: operands materialised from slot `a` on; it ends its
    /// basic block (its per-byte cost is charged when it runs).
    mutating func emitBulk(_ op: Op, _ operandTypes: [ValueType], cost: UInt64) throws(WasmValidationError) {
        materializeTop(operandTypes.count)
        var op = op
        op.a = ownSlot(depth: operandTypes.count - 1)
        emit(op, cost: cost)
        try pop(operandTypes)
        endBlock()
    }

    /// `memory.init` and `data.drop` need the data count section when the module has a data
    /// section (the binary format's rule); without either, there are no segments to name.
    mutating func requireDataSegment(_ index: UInt32) throws(WasmValidationError) {
        if context.module.dataCount == nil && context.module.sectionOffsets[11] != nil {
            throw malformed("data count section required", at: instructionOffset)
        }
        guard index < context.module.dataCount ?? 0 else { throw invalid("unknown data segment \(index)") }
    }

    mutating func tableInstruction(_ code: UInt32, cost: UInt64, at position: Int) throws(WasmValidationError) {
        switch code {
        case 12:
            let segment = try u32()
            let table = try u32()
            let tableType = try self.table(table)
            guard Int(segment) < context.elementTypes.count else { throw invalid("unknown elem segment \(segment)") }
            guard context.elementTypes[Int(segment)] == tableType else { throw invalid("type mismatch: element segment \(segment) into a \(tableType) table") }
            // The destination is an index into the table; the source and length count the
            // segment's elements (i32 whatever the table's address type).
            let operands = [tableAddressType(table), .i32, .i32]
            try emitBulk(Op(.tableInit, 0, Int32(bitPattern: segment), Int32(bitPattern: table)), operands, cost: cost)
        case 13:
            let segment = try u32()
            guard Int(segment) < context.elementTypes.count else { throw invalid("unknown elem segment \(segment)") }
            emit(Op(.elemDrop, 0, Int32(bitPattern: segment)), cost: cost)
        case 14:
            let destinationIndex = try u32()
            let sourceIndex = try u32()
            let destination = try table(destinationIndex)
            let source = try table(sourceIndex)
            guard destination == source else { throw invalid("type mismatch: table.copy from \(source) to \(destination)") }
            let op = Op(.tableCopy, 0, Int32(bitPattern: destinationIndex), Int32(bitPattern: sourceIndex))
            // The length's type is the narrower of the two address types (WebAssembly 3.0).
            let (destinationAddress, sourceAddress) = (tableAddressType(destinationIndex), tableAddressType(sourceIndex))
            let length: ValueType = destinationAddress == .i64 && sourceAddress == .i64 ? .i64 : .i32
            try emitBulk(op, [destinationAddress, sourceAddress, length], cost: cost)
        case 15:
            let index = try u32()
            let type = try table(index)
            materializeTop(2)
            emit(Op(.tableGrow, ownSlot(depth: 1), Int32(bitPattern: index)), cost: cost)
            try pop([type, tableAddressType(index)])
            push(tableAddressType(index))
        case 16:
            let index = try u32()
            _ = try table(index)
            emit(Op(.tableSize, ownSlot(depth: -1), Int32(bitPattern: index)), cost: cost, producesTop: true)
            push(tableAddressType(index))
        case 17:
            let index = try u32()
            let type = try table(index)
            try emitBulk(Op(.tableFill, 0, Int32(bitPattern: index)), [tableAddressType(index), type, tableAddressType(index)], cost: cost)
        default:
            throw malformed("illegal opcode 0xfc \(code)", at: position)
        }
    }
}

extension MemoryType {
    /// The type of its addresses, sizes and offsets: `i64` for a 64-bit memory, else `i32`.
    public var addressType: ValueType { isMemory64 ? .i64 : .i32 }
}

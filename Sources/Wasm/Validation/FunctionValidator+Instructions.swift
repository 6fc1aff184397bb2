extension FunctionValidator {
    // MARK: - Control

    mutating func control(_ opcode: UInt8) throws(WasmValidationError) {
        let cost = costTable.cost(opcode: opcode)
        switch opcode {
        case 0x00:
            emit(Op(.unreachable), cost: cost)
            unreachable()
        case 0x01: charge(cost)
        case 0x02, 0x03, 0x04: try enterBlock(opcode, cost: cost)
        case 0x05: try elseBranch(cost: cost)
        case 0x0B: try end(cost: cost)
        case 0x0C:
            let frameIndex = try labelIndex(try u32())
            emitBranch(to: frameIndex, conditional: false, cost: cost)
            try pop(frames[frameIndex].labelTypes)
            unreachable()
        case 0x0D:
            let frameIndex = try labelIndex(try u32())
            let types = frames[frameIndex].labelTypes
            emitBranch(to: frameIndex, conditional: true, cost: cost)
            try pop(.i32)
            let locations = Array(operandSources.suffix(types.count))
            try pop(types)
            push(types)
            if locations.count == types.count { operandSources.replaceSubrange((operandSources.count - types.count)..., with: locations) }
        case 0x0E: try branchTable(cost: cost)
        case 0x0F:
            let count = frames[0].results.count
            materializeTop(count)
            emit(Op(.return, emitter.slot(ofOperandAt: max(operands.count - count, 0)), Int32(count)), cost: cost)
            try pop(frames[0].results)
            unreachable()
        case 0x10:
            let index = try u32()
            guard let type = context.functionType(ofFunction: index) else { throw invalid("unknown function \(index)") }
            try emitCall(Op(.call, Int32(bitPattern: index)), type, above: 0, cost: cost)
        case 0x11:
            let typeIndex = try u32()
            let table = try u32()
            guard Int(table) < context.tables.count else { throw invalid("unknown table \(table)") }
            guard context.tables[Int(table)].elementType == .funcref else { throw invalid("type mismatch: call_indirect needs a funcref table") }
            guard Int(typeIndex) < context.types.count else { throw invalid("unknown type \(typeIndex)") }
            let op = Op(.callIndirect, 0, Int32(bitPattern: typeIndex), Int32(bitPattern: table))
            try emitCall(op, context.types[Int(typeIndex)], above: 1, cost: cost)
        default:
            throw malformed("illegal opcode 0x\(String(opcode, radix: 16))", at: instructionOffset)
        }
    }

    /// A call: its arguments (and `above` more operands: the table index) are materialised in
    /// their own slots, where the callee's frame starts; the results come back there.
    mutating func emitCall(_ call: Op, _ type: FunctionType, above: Int, cost: UInt64) throws(WasmValidationError) {
        materializeTop(type.parameters.count + above)
        var op = call
        let argumentsStart = emitter.slot(ofOperandAt: max(operands.count - above - type.parameters.count, 0))
        if op.code == .call { op.b = argumentsStart } else { op.a = argumentsStart }
        emit(op, cost: cost)
        if above > 0 { try pop(.i32) }
        try pop(type.parameters)
        push(type.results)
        endBlock()
    }

    /// The frame index of label `depth`.
    func labelIndex(_ depth: UInt32) throws(WasmValidationError) -> Int {
        _ = try label(depth)
        return frames.count - 1 - Int(depth)
    }

    /// `block`, `loop` and `if`: values below the block are materialised (every path into its
    /// labels must find them in the same slots).
    mutating func enterBlock(_ opcode: UInt8, cost: UInt64) throws(WasmValidationError) {
        let type = try blockType()
        let emitting = isEmitting
        var elseFixup: Int?
        // The block's parameters become its operands, in their own slots.
        let parameters = type.parameters.count
        if opcode == 0x04 {
            materializeAll(exceptTop: 1)
            for index in max(operands.count - 1 - parameters, 0)..<max(operands.count - 1, 0) { materialize(index) }
            if emitting {
                elseFixup = emitConditionalBranch(whenTrue: false, cost: cost)
                emitter.startBlock()
            }
            try pop(.i32)
        } else {
            materializeAll()
            materializeTop(parameters)
            charge(cost)
        }
        try pop(type.parameters)
        let kind: Frame.Kind = opcode == 0x02 ? .block : opcode == 0x03 ? .loop : .ifThen
        let startPC = opcode == 0x03 && emitting ? emitter.label() : 0
        frames.append(Frame(kind: kind, parameters: type.parameters, results: type.results, height: operands.count,
                            emits: emitting, startPC: startPC, elseFixup: elseFixup))
        push(type.parameters)
    }

    mutating func elseBranch(cost: UInt64) throws(WasmValidationError) {
        materializeTop(frames[frames.count - 1].results.count)
        let reachable = isEmitting
        let frame = try endFrame()
        guard frame.kind == .ifThen else { throw invalid("else without a matching if") }
        var fixups = frame.fixups
        if reachable {
            emitter.emit(Op(.jump, -1), cost: cost)
            fixups.append(.instruction(emitter.code.count - 1))
            emitter.terminateBlock()
        }
        if frame.emits, let elseFixup = frame.elseFixup {
            emitter.patch([.instruction(elseFixup)], to: emitter.label())
        }
        frames.append(Frame(kind: .ifElse, parameters: frame.parameters, results: frame.results, height: operands.count,
                            emits: frame.emits, fixups: fixups))
        push(frame.parameters)
    }

    mutating func end(cost: UInt64) throws(WasmValidationError) {
        materializeTop(frames[frames.count - 1].results.count)
        charge(cost)
        let frame = try endFrame()
        if frame.kind == .ifThen && frame.parameters != frame.results {
            throw invalid("type mismatch: if without else must leave its parameters \(frame.parameters) as results \(frame.results)")
        }
        if frame.emits {
            var targets = frame.fixups
            if let elseFixup = frame.elseFixup { targets.append(.instruction(elseFixup)) }
            if !targets.isEmpty { emitter.patch(targets, to: emitter.label()) }
            if frame.kind == .function {
                let count = frame.results.count
                emitter.emit(Op(.return, emitter.slot(ofOperandAt: 0), Int32(count)), cost: 0)
            }
        }
        push(frame.results)
    }

    /// Pops the current frame after checking its results are exactly on the stack.
    mutating func endFrame() throws(WasmValidationError) -> Frame {
        let frame = frames[frames.count - 1]
        try pop(frame.results)
        guard operands.count == frame.height else {
            throw invalid("type mismatch: \(operands.count - frame.height) values left at the end of a block returning \(frame.results)")
        }
        frames.removeLast()
        return frame
    }

    mutating func branchTable(cost: UInt64) throws(WasmValidationError) {
        let count = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.count("br_table labels", limit: 1_000_000) }
        var depths: [UInt32] = []
        depths.reserveCapacity(count + 1)
        for _ in 0..<count { depths.append(try u32()) }
        let defaultDepth = try u32()
        let defaultTypes = try label(defaultDepth).labelTypes
        if isEmitting { emitBranchTable(depths + [defaultDepth], arity: defaultTypes.count, cost: cost) }
        try pop(.i32)
        for depth in depths {
            let types = try label(depth).labelTypes
            guard types.count == defaultTypes.count else {
                throw invalid("type mismatch: br_table targets carry \(types.count) and \(defaultTypes.count) values")
            }
            // Check the operands against this target without consuming them.
            let saved = (operands, operandSources)
            try pop(types)
            (operands, operandSources) = saved
        }
        try pop(defaultTypes)
        unreachable()
    }

    /// The table of a `br_table` whose labels carry `arity` values: each entry moves them
    /// from their own slots (materialised) to where its target expects them.
    mutating func emitBranchTable(_ depths: [UInt32], arity: Int, cost: UInt64) {
        materializeTop(arity + 1)
        let first = emitter.branchTableEntries.count
        let from = emitter.slot(ofOperandAt: max(operands.count - 1 - arity, 0))
        for depth in depths {
            guard Int(depth) < frames.count else { return }  // invalid: rejected by the caller
            let frameIndex = frames.count - 1 - Int(depth)
            let frame = frames[frameIndex]
            let to = emitter.slot(ofOperandAt: frame.height)
            let entry = BranchTableEntry(pc: frame.kind == .loop ? Int32(frame.startPC) : -1, from: from, to: to,
                                         count: from == to ? 0 : Int32(arity))
            if frame.kind != .loop { frames[frameIndex].fixups.append(.tableEntry(emitter.branchTableEntries.count)) }
            emitter.branchTableEntries.append(entry)
        }
        emit(Op(.branchTable, Int32(first), operandSlot(depth: 0), Int32(depths.count)), cost: cost)
    }

    /// A block type: empty (0x40), one value type, or a type index (s33).
    mutating func blockType() throws(WasmValidationError) -> FunctionType {
        let position = reader.offset
        let first = try byte()
        if first == 0x40 { return FunctionType(parameters: [], results: []) }
        if let type = ValueType(rawValue: first) { return FunctionType(parameters: [], results: [type]) }
        if first == 0x7B { throw malformed("SIMD (v128) is not supported", at: position) }
        reader.skip(to: position)
        let index = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.signedLEB(bits: 33) }
        guard index >= 0, index < Int64(context.types.count) else { throw invalid("unknown type \(index)") }
        return context.types[Int(index)]
    }

    // MARK: - Parametric and variables

    mutating func parametric(_ opcode: UInt8) throws(WasmValidationError) {
        let cost = costTable.cost(opcode: opcode)
        if opcode == 0x1A {
            charge(cost)
            _ = try pop()
            return
        }
        if opcode == 0x1C {
            let count = try u32()
            guard count == 1 else { throw invalid("invalid result arity \(count) for select") }
        }
        let declared = opcode == 0x1C ? try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.valueType() } : nil
        emitSelect(cost: cost)
        try pop(.i32)
        if let declared {
            try pop(declared)
            try pop(declared)
            push(declared)
            return
        }
        let first = try pop()
        let second = try pop()
        guard first?.isReference != true, second?.isReference != true else {
            throw invalid("type mismatch: select without a type needs numeric operands")
        }
        if let first, let second, first != second { throw invalid("type mismatch: select operands \(second) and \(first)") }
        push(first ?? second)
    }

    /// `select`: with the condition's slot in the 16-bit field when it fits, a single
    /// instruction writing the first operand's own slot (so `local.set` can redirect it);
    /// else the first value is materialised and conditionally replaced by the second.
    mutating func emitSelect(cost: UInt64) {
        guard isEmitting, operands.count >= 3 else { return }
        let condition = operandSlot(depth: 0)
        // Operand slots move up by the constant pool's size when the function is finished.
        if condition >= 0, condition < Int32(Op.notFusedWide) - Int32(FunctionCompiler.constantPoolMax) {
            var op = Op(.selectInto, ownSlot(depth: 2), operandSlot(depth: 2), operandSlot(depth: 1))
            op.conditionSlot = UInt16(condition)
            emit(op, cost: cost, producesTop: true)
            return
        }
        materialize(operands.count - 3)
        emit(Op(.select, ownSlot(depth: 2), operandSlot(depth: 1), condition), cost: cost)
    }

    mutating func variable(_ opcode: UInt8) throws(WasmValidationError) {
        let index = try u32()
        let cost = costTable.cost(opcode: opcode)
        switch opcode {
        case 0x20, 0x21, 0x22:
            guard Int(index) < locals.count else { throw invalid("unknown local \(index)") }
            try local(opcode, Int32(index), locals[Int(index)], cost: cost)
        case 0x23, 0x24:
            guard Int(index) < context.globals.count else { throw invalid("unknown global \(index)") }
            let global = context.globals[Int(index)]
            if opcode == 0x23 {
                emit(Op(.globalGet, ownSlot(depth: -1), Int32(index)), cost: cost, producesTop: true)
                push(global.valueType)
            } else {
                guard global.isMutable else { throw invalid("global is immutable: global \(index)") }
                emit(Op(.globalSet, operandSlot(depth: 0), Int32(index)), cost: cost)
                try pop(global.valueType)
            }
        default:
            let type = try table(index)
            if opcode == 0x25 {
                materializeTop(1)
                emit(Op(.tableGet, ownSlot(depth: 0), Int32(index)), cost: cost)
                try pop(.i32)
                push(type)
            } else {
                materializeTop(2)
                emit(Op(.tableSet, ownSlot(depth: 1), Int32(index)), cost: cost)
                try pop(type)
                try pop(.i32)
            }
        }
    }

    /// `local.get` (emits nothing: the operand reads the local), `local.set`, `local.tee`.
    mutating func local(_ opcode: UInt8, _ index: Int32, _ type: ValueType, cost: UInt64) throws(WasmValidationError) {
        if opcode == 0x20 {
            charge(cost)
            push(type)
            if isEmitting { operandSources[operandSources.count - 1] = index }
            return
        }
        let location = emitLocalSet(index, cost: cost)
        try pop(type)
        if opcode == 0x22 {
            push(type)
            operandSources[operandSources.count - 1] = location
        }
    }

    func table(_ index: UInt32) throws(WasmValidationError) -> ValueType {
        guard Int(index) < context.tables.count else { throw invalid("unknown table \(index)") }
        return context.tables[Int(index)].elementType
    }

    func requireMemory(_ index: UInt32 = 0) throws(WasmValidationError) {
        guard Int(index) < context.memories.count else { throw invalid("unknown memory \(index)") }
    }

    // MARK: - Memory

    /// Natural alignment (log2 of the access size) and value type of loads 0x28-0x35 and
    /// stores 0x36-0x3E.
    static let memoryAccess: [(alignment: UInt32, type: ValueType)] = [
        (2, .i32), (3, .i64), (2, .f32), (3, .f64), (0, .i32), (0, .i32), (1, .i32), (1, .i32),
        (0, .i64), (0, .i64), (1, .i64), (1, .i64), (2, .i64), (2, .i64),
        (2, .i32), (3, .i64), (2, .f32), (3, .f64), (0, .i32), (1, .i32), (0, .i64), (1, .i64), (2, .i64),
    ]

    mutating func memory(_ opcode: UInt8) throws(WasmValidationError) {
        let cost = costTable.cost(opcode: opcode)
        if opcode >= 0x3F {
            try zeroByte()
            try requireMemory()
            if opcode == 0x3F {
                emit(Op(.memorySize, ownSlot(depth: -1)), cost: cost, producesTop: true)
            } else {
                materializeTop(1)
                emit(Op(.memoryGrow, ownSlot(depth: 0)), cost: cost)
                try pop(.i32)
            }
            push(.i32)
            return
        }
        let access = Self.memoryAccess[Int(opcode - 0x28)]
        let alignment = try u32()
        let offset = Int32(bitPattern: try u32())
        try requireMemory()
        guard alignment <= access.alignment else {
            throw invalid("alignment must not be larger than natural (2^\(alignment) > 2^\(access.alignment))")
        }
        let code = OpCode(rawValue: opcode) ?? .unreachable
        if opcode <= 0x35 {
            emit(Op(code, ownSlot(depth: 0), operandSlot(depth: 0), offset), cost: cost, producesTop: true)
            try pop(.i32)
            push(access.type)
        } else {
            emit(Op(code, operandSlot(depth: 0), operandSlot(depth: 1), offset), cost: cost)
            try pop(access.type)
            try pop(.i32)
        }
    }

    // MARK: - Constants, numbers, references

    mutating func constant(_ opcode: UInt8) throws(WasmValidationError) {
        let bits: UInt64
        let type: ValueType
        switch opcode {
        case 0x41:
            let value = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.signedLEB(bits: 32) }
            (bits, type) = (UInt64(UInt32(truncatingIfNeeded: value)), .i32)
        case 0x42:
            (bits, type) = (UInt64(bitPattern: try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.signedLEB(bits: 64) }), .i64)
        case 0x43:
            (bits, type) = (UInt64(try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.fixedUInt32() }), .f32)
        default:
            (bits, type) = (try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.fixedUInt64() }, .f64)
        }
        pushConstant(bits, type, cost: costTable.cost(opcode: opcode))
    }

    /// Pushes a constant: an operand read from the function's constant pool (emitting
    /// nothing), or, when the pool is full, a `const` into the operand's own slot.
    mutating func pushConstant(_ bits: UInt64, _ type: ValueType, cost: UInt64) {
        guard isEmitting, let source = emitter.poolSource(bits) else {
            emit(Op(.const, ownSlot(depth: -1), wide: bits), cost: cost, producesTop: true)
            push(type)
            return
        }
        charge(cost)
        push(type)
        operandSources[operandSources.count - 1] = source
    }

    mutating func numeric(_ opcode: UInt8) throws(WasmValidationError) {
        let cost = costTable.cost(opcode: opcode)
        let signature = NumericSignatures.table[Int(opcode - 0x45)]
        let code = OpCode(rawValue: opcode) ?? .unreachable
        if signature.operands.count == 1 {
            emit(Op(code, ownSlot(depth: 0), operandSlot(depth: 0)), cost: cost, producesTop: true)
        } else if isEmitting {
            emitBinary(code, cost: cost)
        }
        try pop(signature.operands)
        push(signature.result)
    }

    /// A binary numeric instruction; a constant right operand becomes an immediate where a
    /// fused form exists.
    mutating func emitBinary(_ code: OpCode, cost: UInt64) {
        let destination = ownSlot(depth: 1)
        let left = operandSlot(depth: 1)
        let right = operandSlot(depth: 0)
        if let constant = emitter.constant(right), let fused = Self.immediateForm(code, constant) {
            emitter.emit(Op(fused.code, destination, left, fused.immediate), cost: cost, producesTop: true)
            return
        }
        emitter.emit(Op(code, destination, left, right), cost: cost, producesTop: true)
    }

    /// The immediate form of `code` with constant right operand `constant`, if there is one.
    static func immediateForm(_ code: OpCode, _ constant: UInt64) -> (code: OpCode, immediate: Int32)? {
        let low = Int32(truncatingIfNeeded: constant)
        switch code {
        case .i32Add: return (.i32AddImm, low)
        case .i32Sub: return (.i32AddImm, 0 &- low)
        case .i32And: return (.i32AndImm, low)
        case .i32Shl: return (.i32ShlImm, low & 31)
        case .i32ShrU: return (.i32ShrUImm, low & 31)
        case .i64Add:
            return Int64(bitPattern: constant) == Int64(low) ? (.i64AddImm, low) : nil
        default: return nil
        }
    }

    mutating func reference(_ opcode: UInt8) throws(WasmValidationError) {
        let cost = costTable.cost(opcode: opcode)
        switch opcode {
        case 0xD0:
            let type = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.referenceType() }
            pushConstant(Value.nullSlot, type, cost: cost)
        case 0xD1:
            emit(Op(.refIsNull, ownSlot(depth: 0), operandSlot(depth: 0)), cost: cost, producesTop: true)
            let operand = try pop()
            guard operand?.isReference != false else { throw invalid("type mismatch: ref.is_null needs a reference, found \(operand.map(\.description) ?? "")") }
            push(.i32)
        default:
            let index = try u32()
            guard Int(index) < context.functions.count else { throw invalid("unknown function \(index)") }
            guard context.declaredReferences.contains(index) else { throw invalid("undeclared function reference \(index)") }
            // Not a constant: the reference names the instance too (see `WasmInstance.referenceTag`).
            emit(Op(.refFunc, ownSlot(depth: -1), Int32(bitPattern: index)), cost: cost, producesTop: true)
            push(.funcref)
        }
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
            try emitBulk(Op(.memoryInit, 0, Int32(bitPattern: segment)), [.i32, .i32, .i32], cost: cost)
        case 9:
            let segment = try u32()
            try requireDataSegment(segment)
            emit(Op(.dataDrop, 0, Int32(bitPattern: segment)), cost: cost)
        case 10:
            try zeroByte()
            try zeroByte()
            try requireMemory()
            try emitBulk(Op(.memoryCopy), [.i32, .i32, .i32], cost: cost)
        case 11:
            try zeroByte()
            try requireMemory()
            try emitBulk(Op(.memoryFill), [.i32, .i32, .i32], cost: cost)
        default: try tableInstruction(code, cost: cost, at: position)
        }
    }

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
            try emitBulk(Op(.tableInit, 0, Int32(bitPattern: segment), Int32(bitPattern: table)), [.i32, .i32, .i32], cost: cost)
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
            try emitBulk(op, [.i32, .i32, .i32], cost: cost)
        case 15:
            let index = try u32()
            let type = try table(index)
            materializeTop(2)
            emit(Op(.tableGrow, ownSlot(depth: 1), Int32(bitPattern: index)), cost: cost)
            try pop([type, .i32])
            push(.i32)
        case 16:
            let index = try u32()
            _ = try table(index)
            emit(Op(.tableSize, ownSlot(depth: -1), Int32(bitPattern: index)), cost: cost, producesTop: true)
            push(.i32)
        case 17:
            let index = try u32()
            let type = try table(index)
            try emitBulk(Op(.tableFill, 0, Int32(bitPattern: index)), [.i32, type, .i32], cost: cost)
        default:
            throw malformed("illegal opcode 0xfc \(code)", at: position)
        }
    }
}

/// Operand and result types of the numeric instructions 0x45 (i32.eqz) to 0xC4 (i64.extend32_s).
enum NumericSignatures {
    static let table: [(operands: [ValueType], result: ValueType)] = {
        var table: [(operands: [ValueType], result: ValueType)] = []
        func add(_ count: Int, _ operands: [ValueType], _ result: ValueType) {
            table += Array(repeating: (operands, result), count: count)
        }
        add(1, [.i32], .i32); add(10, [.i32, .i32], .i32)              // 0x45 eqz, 0x46-0x4F comparisons
        add(1, [.i64], .i32); add(10, [.i64, .i64], .i32)              // 0x50-0x5A
        add(6, [.f32, .f32], .i32); add(6, [.f64, .f64], .i32)          // 0x5B-0x66
        add(3, [.i32], .i32); add(15, [.i32, .i32], .i32)              // 0x67-0x78
        add(3, [.i64], .i64); add(15, [.i64, .i64], .i64)              // 0x79-0x8A
        add(7, [.f32], .f32); add(7, [.f32, .f32], .f32)               // 0x8B-0x98
        add(7, [.f64], .f64); add(7, [.f64, .f64], .f64)               // 0x99-0xA6
        add(1, [.i64], .i32)                                           // 0xA7 i32.wrap_i64
        add(2, [.f32], .i32); add(2, [.f64], .i32)                     // 0xA8-0xAB i32.trunc
        add(2, [.i32], .i64)                                           // 0xAC-0xAD i64.extend_i32
        add(2, [.f32], .i64); add(2, [.f64], .i64)                     // 0xAE-0xB1 i64.trunc
        add(2, [.i32], .f32); add(2, [.i64], .f32); add(1, [.f64], .f32)  // 0xB2-0xB6
        add(2, [.i32], .f64); add(2, [.i64], .f64); add(1, [.f32], .f64)  // 0xB7-0xBB
        add(1, [.f32], .i32); add(1, [.f64], .i64); add(1, [.i32], .f32); add(1, [.i64], .f64)  // 0xBC-0xBF
        add(2, [.i32], .i32); add(3, [.i64], .i64)                     // 0xC0-0xC4 sign extension
        precondition(table.count == 0xC4 - 0x45 + 1, "numeric signature table covers 0x45...0xC4")
        return table
    }()
}

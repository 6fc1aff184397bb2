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
            try emitCall(op, context.types[Int(typeIndex)], above: 1, indexType: tableAddressType(table), cost: cost)
        default:
            throw malformed("illegal opcode 0x\(String(opcode, radix: 16))", at: instructionOffset)
        }
    }

    /// A call: its arguments (and `above` more operands: the table index) are materialised in
    /// their own slots, where the callee's frame starts; the results come back there.
    mutating func emitCall(
        _ call: Op, _ type: FunctionType, above: Int, indexType: ValueType = .i32, cost: UInt64
    ) throws(WasmValidationError) {
        materializeTop(type.parameters.count + above)
        var op = call
        let argumentsStart = emitter.slot(ofOperandAt: max(operands.count - above - type.parameters.count, 0))
        if op.code == .call { op.b = argumentsStart } else { op.a = argumentsStart }
        var callCost = cost
        if indexType == .i64 {
            // A 64-bit table's index: traps "undefined element" at 2^32 and above, after which
            // the 32-bit call_indirect (unchanged, so just as fast) reads it exactly. The check
            // carries the call's cost, so a trap at either charges what a 32-bit one does.
            emit(Op(.table64IndexCheck, argumentsStart + Int32(type.parameters.count)), cost: cost)
            callCost = 0
        }
        emit(op, cost: callCost)
        if above > 0 { try pop(indexType) }
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
}

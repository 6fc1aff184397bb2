extension FunctionValidator {
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
                try pop(tableAddressType(index))
                push(type)
            } else {
                materializeTop(2)
                emit(Op(.tableSet, ownSlot(depth: 1), Int32(index)), cost: cost)
                try pop(type)
                try pop(tableAddressType(index))
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

    /// The address type (`i32`, or `i64` for a 64-bit table) of table `index`, which
    /// ``table(_:)`` has checked exists.
    func tableAddressType(_ index: UInt32) -> ValueType {
        context.tables[Int(index)].addressType
    }
}

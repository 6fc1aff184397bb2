extension FunctionValidator {
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
            if fused.code == .i32AddImm, let shifted = fusedShift(left) {
                var op = Op(.i32ShlAddImm, destination, shifted.operand, fused.immediate)
                op.shift = shifted.shift
                emitter.emit(op, cost: cost, producesTop: true)
                return
            }
            emitter.emit(Op(fused.code, destination, left, fused.immediate), cost: cost, producesTop: true)
            return
        }
        if let fused = fusedMultiply(code, destination: destination, left: left, right: right) {
            guard let accumulate = fusedLoadIntoMultiplyAdd(fused) else {
                emitter.emit(fused, cost: cost, producesTop: true)
                return
            }
            // Not a producer: its destination is also its addend, so `local.set` must not redirect it.
            emitter.emit(accumulate.op, cost: cost)
            emitter.tailCosts[emitter.tailCosts.count - 1] = UInt32(clamping: accumulate.tailCost + cost)
            return
        }
        emitter.emit(Op(code, destination, left, right), cost: cost, producesTop: true)
    }

    /// `f64.add` or `f64.sub` fused with the `f64.mul` just emitted when that wrote one of its
    /// operands into the operand's own slot (the product is not stored; each operation still
    /// rounds, and only the final result's NaN is canonicalised, which gives the same bits:
    /// any NaN product makes the sum or difference NaN); likewise `i32.add` of an `i32.mul`'s
    /// product (the addition wraps and commutes, so either operand may be the product). The
    /// product is removed, its cost becomes the fused instruction's. An `f64.mul` of an `f64.mul`'s
    /// product is one instruction too (multiplication commutes exactly in IEEE 754, so either
    /// operand may be the product; the NaN argument is the same). `nil` if there is no such
    /// product, or the other operand's slot does not fit ``Op/thirdSlot`` once the constant
    /// pool is placed.
    mutating func fusedMultiply(_ code: OpCode, destination: Int32, left: Int32, right: Int32) -> Op? {
        let top = operands.count - 1
        let multiply: OpCode = code == .i32Add ? .i32Mul : .f64Mul
        guard code == .f64Add || code == .f64Sub || code == .f64Mul || code == .i32Add, top >= 1, let producer = emitter.producer,
              producer == emitter.code.count - 1, emitter.code[producer].code == multiply else { return nil }
        let product = emitter.code[producer]
        let productIsRight = operandSources[top] == -1 && product.a == emitter.slot(ofOperandAt: top)
        let productIsLeft = !productIsRight && operandSources[top - 1] == -1 && product.a == emitter.slot(ofOperandAt: top - 1)
        let other = productIsRight ? left : right
        guard productIsRight || productIsLeft, other >= 0,
              other < Int32(Op.notFusedWide) - Int32(FunctionCompiler.constantPoolMax) else { return nil }
        _ = emitter.removeLast()
        let fused: OpCode = switch code {
        case .i32Add: .i32MulAdd
        case .f64Add: .f64MulAdd
        case .f64Mul: .f64MulMul
        default: productIsLeft ? .f64MulSub : .f64SubMul
        }
        var op = Op(fused, destination, product.b, product.c)
        op.thirdSlot = UInt16(other)
        return op
    }

    /// When the instruction just emitted is an `i32.shl` by a constant that wrote the operand
    /// below the top (`left`, in its own slot), removes it (its cost becomes pending) and
    /// returns its operand and shift, for an `i32.add` of a constant to fuse with it.
    mutating func fusedShift(_ left: Int32) -> (operand: Int32, shift: UInt8)? {
        let index = operands.count - 2
        guard index >= 0, operandSources[index] == -1, let producer = emitter.producer, producer == emitter.code.count - 1,
              emitter.code[producer].code == .i32ShlImm, emitter.code[producer].a == left,
              left == emitter.slot(ofOperandAt: index) else { return nil }
        let shift = emitter.removeLast()
        return (shift.b, UInt8(truncatingIfNeeded: shift.c & 31))
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

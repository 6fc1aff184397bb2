/// Fusions the compiler applies once an instruction's destination is final: an i32
/// comparison feeding a `select` whose result `local.set` sent back into one of the select's
/// own operands (`x = cond ? y : x`, the shape of `min`, `max` and of a conditional update)
/// becomes one conditional move; a 32-bit load feeding a multiply-accumulate
/// (`sum += load * x`) becomes one instruction.
extension FunctionValidator {
    /// The conditional moves, by the comparison they test (`>` and `<=` are `<` and `>=` with
    /// the operands swapped).
    static let conditionalMoves: [OpCode: (code: OpCode, swapsOperands: Bool)] = [
        .i32LtS: (.moveIfI32LtS, false), .i32LtU: (.moveIfI32LtU, false),
        .i32GeS: (.moveIfI32GeS, false), .i32GeU: (.moveIfI32GeU, false),
        .i32GtS: (.moveIfI32LtS, true), .i32GtU: (.moveIfI32LtU, true),
        .i32LeS: (.moveIfI32GeS, true), .i32LeU: (.moveIfI32GeU, true),
    ]

    /// The comparison testing the opposite condition (`<` and `>=`).
    static let invertedMoves: [OpCode: OpCode] = [
        .moveIfI32LtS: .moveIfI32GeS, .moveIfI32GeS: .moveIfI32LtS, .moveIfI32LtU: .moveIfI32GeU, .moveIfI32GeU: .moveIfI32LtU,
    ]

    /// After `local.set` redirected a `selectInto` (the last instruction) into `local`: if the
    /// instruction before it is an i32 comparison that produced the select's condition in an
    /// operand slot of its own, and `local` is one of the select's values, replaces both with
    /// a conditional move of the select's other value into `local`. The two instructions'
    /// costs are added (neither can trap).
    mutating func fuseComparisonIntoSelect(_ local: Int32) {
        let last = emitter.code.count - 1
        guard last >= 1, last - 1 > emitter.blockStart, emitter.code[last].code == .selectInto else { return }
        let select = emitter.code[last], compare = emitter.code[last - 1]
        let condition = Int32(select.conditionSlot)
        guard let move = Self.conditionalMoves[compare.code], compare.a == condition, condition >= Int32(emitter.localCount),
              select.a == local, select.b != condition, select.c != condition, select.b == local || select.c == local else { return }
        // select.a = cond ? b : c. With a == c: move b when cond; with a == b: move c unless cond.
        let (source, code) = select.c == local ? (select.b, move.code) : (select.c, Self.invertedMoves[move.code] ?? move.code)
        let (left, right) = move.swapsOperands ? (compare.c, compare.b) : (compare.b, compare.c)
        guard right >= 0, right < Int32(Op.notFusedWide) - Int32(FunctionCompiler.constantPoolMax) else { return }
        var op = Op(code, local, source, left)
        op.thirdSlot = UInt16(right)
        emitter.code.removeLast()
        emitter.costs[last - 1] += emitter.costs.removeLast()
        emitter.tailCosts[last - 1] += emitter.tailCosts.removeLast()
        emitter.code[last - 1] = op
        emitter.producer = nil
    }

    /// When `multiplyAdd` (an `i32MulAdd` about to be emitted) adds into its own destination
    /// (`sum += x * y`) and one of its factors is the result of the 32-bit load just emitted (in
    /// the same block, into an operand slot of its own), removes the load and returns the
    /// multiply-accumulate from memory that replaces both, with the cost that lies after the
    /// load's trap point (the multiplication and what compiled to nothing since; the caller adds
    /// the addition's). `nil` if there is no such load or the other factor's slot does not fit
    /// ``Op/thirdSlot``.
    mutating func fusedLoadIntoMultiplyAdd(_ multiplyAdd: Op) -> (op: Op, tailCost: UInt64)? {
        let last = emitter.code.count - 1
        guard multiplyAdd.code == .i32MulAdd, multiplyAdd.a == Int32(multiplyAdd.thirdSlot), last > emitter.blockStart else { return nil }
        let load = emitter.code[last]
        let code: OpCode
        switch load.code {
        case .i32Load: code = .i32LoadMulAdd
        case .i32LoadAddImm: code = .i32LoadAddImmMulAdd
        default: return nil
        }
        guard load.a >= Int32(emitter.localCount), load.a == multiplyAdd.b || load.a == multiplyAdd.c else { return nil }
        let factor = load.a == multiplyAdd.b ? multiplyAdd.c : multiplyAdd.b
        guard factor != load.a, factor >= 0, factor < Int32(Op.notFusedWide) - Int32(FunctionCompiler.constantPoolMax) else { return nil }
        let tail = emitter.pendingCost + UInt64(emitter.tailCosts[last])
        _ = emitter.removeLast()
        var op = Op(code, multiplyAdd.a, load.b, load.c)
        op.thirdSlot = UInt16(factor)
        return (op, tail)
    }
}

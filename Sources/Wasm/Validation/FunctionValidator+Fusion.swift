/// Fusions the compiler applies once an instruction's destination is final: an i32
/// comparison feeding a `select` whose result `local.set` sent back into one of the select's
/// own operands (`x = cond ? y : x`, the shape of `min`, `max` and of a conditional update)
/// becomes one conditional move.
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
}

/// How the validator turns checked instructions into slot-addressed code.
///
/// Each operand-stack entry has its own slot (the frame's locals, then one slot per stack
/// height). A `local.get` emits nothing: its operand reads the local's slot directly, until
/// the local is about to change or control flow needs the value in its own slot, when it is
/// copied there ("materialised"). A `local.set` or `local.tee` right after the instruction
/// that produced its value redirects that instruction's result into the local. A constant
/// right before `i32.add`, `i32.and`, the shifts or `i64.add` becomes an immediate, and a
/// comparison right before `br_if` or `if` fuses with the branch.
extension FunctionValidator {
    /// Whether the current position is reachable, so code is emitted for it.
    var isEmitting: Bool {
        let frame = frames[frames.count - 1]
        return frame.emits && !frame.unreachable
    }

    /// The slot holding the operand `depth` entries below the top (0 for the top): a local's,
    /// a constant's (encoded until the function is finished), or its own. 0 when the stack is
    /// too short (the instruction is invalid and will be
    /// rejected by the type check that follows).
    func operandSlot(depth: Int) -> Int32 {
        let index = operands.count - 1 - depth
        guard index >= 0 else { return 0 }
        let source = operandSources[index]
        return source != -1 ? source : emitter.slot(ofOperandAt: index)
    }

    /// The own slot of the operand `depth` entries below the top (`-1`: the next one pushed).
    func ownSlot(depth: Int) -> Int32 {
        emitter.slot(ofOperandAt: max(operands.count - 1 - depth, 0))
    }

    /// Charges `cost` for an instruction that emits nothing here.
    mutating func charge(_ cost: UInt64) {
        if isEmitting { emitter.pendingCost += cost }
    }

    /// Emits `op` charged `cost`, unless the current position is unreachable.
    mutating func emit(_ op: Op, cost: UInt64, producesTop: Bool = false) {
        guard isEmitting else { return }
        emitter.emit(op, cost: cost, producesTop: producesTop)
    }

    /// Starts a basic block after an instruction that must end one (a call, a bulk operation).
    mutating func endBlock() {
        if isEmitting { emitter.startBlock() }
    }

    /// Copies the operand at stack index `index` into its own slot if it is elsewhere (a
    /// local's or a constant's); only if a local's, when `localsOnly`.
    mutating func materialize(_ index: Int, localsOnly: Bool = false) {
        guard index >= 0, index < operandSources.count, isEmitting else { return }
        let source = operandSources[index]
        guard source >= 0 || (source < -1 && !localsOnly) else { return }
        operandSources[index] = -1
        let slot = emitter.slot(ofOperandAt: index)
        if let constant = emitter.constant(source) {
            emitter.emit(Op(.const, slot, wide: constant), cost: 0)
        } else {
            emitter.emit(Op(.copy, slot, source), cost: 0)
        }
    }

    /// Materialises the top `count` operands of the current frame.
    mutating func materializeTop(_ count: Int) {
        let start = max(operands.count - count, frames[frames.count - 1].height)
        for index in start..<max(start, operands.count) { materialize(index) }
    }

    /// Materialises every operand below the top `keep` that reads a local (before a block
    /// starts: the block may change the local, and every path into its labels must find the
    /// values where they were; constants never change).
    mutating func materializeAll(exceptTop keep: Int = 0) {
        for index in 0..<max(operands.count - keep, 0) { materialize(index, localsOnly: true) }
    }

    // MARK: - Locals

    /// Emits `local.set` / `local.tee` of `local` from the top operand; returns where the top
    /// operand is afterwards (for `local.tee`).
    mutating func emitLocalSet(_ local: Int32, cost: UInt64) -> Int32 {
        let top = operands.count - 1
        guard isEmitting, top >= frames[frames.count - 1].height else { return -1 }
        let source = operandSources[top]
        if source == local {
            charge(cost)
            return source
        }
        var readsLocal = false
        for index in 0..<top where operandSources[index] == local {
            materialize(index)
            readsLocal = true
        }
        if let constant = emitter.constant(source) {
            emit(Op(.const, local, wide: constant), cost: cost)
            return source
        }
        if source == -1, !readsLocal, let producer = emitter.producer, producer == emitter.code.count - 1,
           emitter.code[producer].a == emitter.slot(ofOperandAt: top) {
            emitter.code[producer].a = local
            emitter.addToLast(emitter.pendingCost + cost)
            emitter.pendingCost = 0
            emitter.producer = nil
            fuseComparisonIntoSelect(local)
            return local
        }
        emit(Op(.copy, local, operandSlot(depth: 0)), cost: cost)
        return source
    }

    // MARK: - Branches

    /// Fused forms of a comparison followed by a branch: (branch when true, branch when false).
    static let fusedBranches: [OpCode: (whenTrue: OpCode, whenFalse: OpCode)] = [
        .i32Eqz: (.branchIfEqz, .branchIf), .i32Eq: (.branchIfI32Eq, .branchIfI32Ne),
        .i32Ne: (.branchIfI32Ne, .branchIfI32Eq), .i32LtS: (.branchIfI32LtS, .branchIfI32GeS),
        .i32LtU: (.branchIfI32LtU, .branchIfI32GeU), .i32GtS: (.branchIfI32GtS, .branchIfI32LeS),
        .i32GtU: (.branchIfI32GtU, .branchIfI32LeU), .i32LeS: (.branchIfI32LeS, .branchIfI32GtS),
        .i32LeU: (.branchIfI32LeU, .branchIfI32GtU), .i32GeS: (.branchIfI32GeS, .branchIfI32LtS),
        .i32GeU: (.branchIfI32GeU, .branchIfI32LtU),
    ]

    /// A conditional branch on the top operand (the condition), to be patched: when `whenTrue`
    /// it is taken if the condition is not zero, else if it is zero. A comparison that just
    /// produced the condition is fused into it, and so is a loop counter's update before it
    /// (``fuseCounterIntoBranch()``). Returns the branch's index.
    mutating func emitConditionalBranch(whenTrue: Bool, cost: UInt64) -> Int {
        let top = operands.count - 1
        if top >= 0, let producer = emitter.producer, producer == emitter.code.count - 1, operandSources[top] == -1,
           emitter.code[producer].a == emitter.slot(ofOperandAt: top),
           let fused = Self.fusedBranches[emitter.code[producer].code] {
            let compare = emitter.removeLast()
            let code = whenTrue ? fused.whenTrue : fused.whenFalse
            if code == .branchIfEqz, let remainder = fusedRemainderTest(compare.b, cost: cost) {
                emitter.emit(remainder.op, cost: cost)
                emitter.tailCosts[emitter.tailCosts.count - 1] = UInt32(clamping: remainder.tailCost)
                return fuseCounterIntoBranch()
            }
            emitter.emit(Op(code, -1, compare.b, compare.c), cost: cost)
        } else {
            emitter.emit(Op(whenTrue ? .branchIf : .branchUnless, -1, operandSlot(depth: 0)), cost: cost)
        }
        return fuseCounterIntoBranch()
    }

    /// When the branch about to be emitted tests `condition == 0` and `condition` is the
    /// remainder `i32.rem_u` just wrote to an operand slot of its own (in the same block), removes
    /// the remainder and returns the branch that computes it (`branchIfI32RemUEqz`), with the cost
    /// after its trap point (the test, the branch's `cost` and what compiled to nothing since).
    mutating func fusedRemainderTest(_ condition: Int32, cost: UInt64) -> (op: Op, tailCost: UInt64)? {
        let last = emitter.code.count - 1
        guard last > emitter.blockStart, emitter.code[last].code == .i32RemU, emitter.code[last].a == condition,
              condition >= Int32(emitter.localCount) else { return nil }
        let tail = emitter.pendingCost + UInt64(emitter.tailCosts[last]) + cost
        let remainder = emitter.removeLast()
        return (Op(.branchIfI32RemUEqz, -1, remainder.b, remainder.c), tail)
    }

    /// Copies that move a branch's values (the `arity` operands below the top `above`) to the
    /// slots where the target frame expects them.
    func branchMoves(to frameIndex: Int, arity: Int, above: Int) -> [Op] {
        let first = operands.count - above - arity
        guard first >= 0 else { return [] }
        var moves: [Op] = []
        for offset in 0..<arity {
            let destination = emitter.slot(ofOperandAt: frames[frameIndex].height + offset)
            let source = operandSlot(depth: above + arity - 1 - offset)
            if source != destination { moves.append(Op(.copy, destination, source)) }
        }
        return moves
    }

    /// Emits a jump to frame `frameIndex`'s label, recording a fixup unless it is a loop.
    mutating func emitJump(_ code: OpCode, to frameIndex: Int, _ b: Int32 = 0, _ c: Int32 = 0, cost: UInt64) {
        let frame = frames[frameIndex]
        emitter.emit(Op(code, frame.kind == .loop ? Int32(frame.startPC) : -1, b, c), cost: cost)
        if frame.kind != .loop { frames[frameIndex].fixups.append(.instruction(emitter.code.count - 1)) }
    }

    /// `br` (`conditional` false) or `br_if` to frame `frameIndex`, before the operands are
    /// popped.
    mutating func emitBranch(to frameIndex: Int, conditional: Bool, cost: UInt64) {
        guard isEmitting else { return }
        let moves = branchMoves(to: frameIndex, arity: frames[frameIndex].labelTypes.count, above: conditional ? 1 : 0)
        guard conditional else {
            for move in moves { emitter.emit(move, cost: 0) }
            emitJump(.jump, to: frameIndex, cost: cost)
            return
        }
        if moves.isEmpty {
            let branch = emitConditionalBranch(whenTrue: true, cost: cost)
            let frame = frames[frameIndex]
            if frame.kind == .loop {
                emitter.code[branch].a = Int32(frame.startPC)
            } else {
                frames[frameIndex].fixups.append(.instruction(branch))
            }
            emitter.startBlock()
            return
        }
        let skip = emitConditionalBranch(whenTrue: false, cost: cost)
        emitter.startBlock()
        for move in moves { emitter.emit(move, cost: 0) }
        emitJump(.jump, to: frameIndex, cost: 0)
        emitter.terminateBlock()
        let pc = emitter.label()
        emitter.code[skip].a = Int32(pc)
    }
}

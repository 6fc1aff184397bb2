/// A loop counter's update fused into the branch after it: `i32.add` of a small constant to a
/// local, written back into the local (`local.tee`), followed by a conditional branch on that
/// local (`br_if` on it, or on its comparison with another value: the counter forms), or by a
/// compare-and-branch of any two values (the step forms), becomes one instruction that adds,
/// stores and branches.
extension FunctionValidator {
    /// The fused forms, by the branch they replace: (form when the counter is the branch's
    /// first operand, form when it is the second).
    static let counterBranches: [OpCode: (counterFirst: OpCode, counterSecond: OpCode)] = [
        .branchIf: (.counterBranchIfNonZero, .counterBranchIfNonZero),
        .branchIfI32Ne: (.counterBranchIfNe, .counterBranchIfNe),
        .branchIfI32LtS: (.counterBranchIfLtS, .counterBranchIfGtS),
        .branchIfI32GtS: (.counterBranchIfGtS, .counterBranchIfLtS),
    ]

    /// After a conditional branch was emitted (the last instruction): if the instruction
    /// before it, in the same block, is an `i32AddImm` of a local into itself with an
    /// immediate that fits 16 bits, and the branch tests that local, replaces both with the
    /// fused form (the two costs added; neither can trap); if it tests something else, with
    /// a step form (``fuseStepIntoBranch(counter:immediate:)``). Returns the branch's index.
    mutating func fuseCounterIntoBranch() -> Int {
        let last = emitter.code.count - 1
        guard last >= 1, last - 1 > emitter.blockStart else { return last }
        let add = emitter.code[last - 1], branch = emitter.code[last]
        let counter = add.a
        guard add.code == .i32AddImm, add.b == counter, counter >= 0, counter < Int32(emitter.localCount), counter <= Int32(UInt16.max),
              let immediate = Int16(exactly: add.c) else { return last }
        guard let forms = Self.counterBranches[branch.code] else { return fuseStepIntoBranch(counter: counter, immediate: immediate) }
        let other: Int32
        let code: OpCode
        if branch.code == .branchIf {
            guard branch.b == counter else { return last }
            (other, code) = (0, forms.counterFirst)
        } else if branch.b == counter, branch.c != counter {
            (other, code) = (branch.c, forms.counterFirst)
        } else if branch.c == counter, branch.b != counter {
            (other, code) = (branch.b, forms.counterSecond)
        } else {
            return fuseStepIntoBranch(counter: counter, immediate: immediate)
        }
        _ = emitter.removeLast()
        _ = emitter.removeLast()
        emitter.emit(Op(code, branch.a, Op.counterField(slot: counter, immediate: immediate), other), cost: 0)
        return emitter.code.count - 1
    }

    /// The step branches, by the compare-and-branch they replace.
    static let stepBranches: [OpCode: OpCode] = [
        .branchIfI32Eq: .stepBranchIfI32Eq, .branchIfI32Ne: .stepBranchIfI32Ne,
        .branchIfI32LtS: .stepBranchIfI32LtS, .branchIfI32LtU: .stepBranchIfI32LtU,
        .branchIfI32GtS: .stepBranchIfI32GtS, .branchIfI32GtU: .stepBranchIfI32GtU,
        .branchIfI32LeS: .stepBranchIfI32LeS, .branchIfI32LeU: .stepBranchIfI32LeU,
        .branchIfI32GeS: .stepBranchIfI32GeS, .branchIfI32GeU: .stepBranchIfI32GeU,
    ]

    /// When the counter forms do not apply (the branch compares other values, or the counter in
    /// a comparison they lack): replaces the counter's `i32AddImm` (the instruction before the
    /// last) and the compare-and-branch (the last) with the step branch, which updates the
    /// counter and then compares, as the two did in order (the costs added; neither can trap).
    /// Returns the branch's index.
    mutating func fuseStepIntoBranch(counter: Int32, immediate: Int16) -> Int {
        let last = emitter.code.count - 1
        let branch = emitter.code[last]
        guard let code = Self.stepBranches[branch.code], let slots = emitter.packRawSlots(branch.b, branch.c) else { return last }
        _ = emitter.removeLast()
        _ = emitter.removeLast()
        emitter.emit(Op(code, branch.a, Op.counterField(slot: counter, immediate: immediate), slots), cost: 0)
        return emitter.code.count - 1
    }
}

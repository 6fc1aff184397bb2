// Blocks entered by falling through from straight-line code lose their `charge`: its cost moves
// to the block before, which then pays for both on entry, so a loop whose body has a join point
// (the end of an `if` without `else`, a loop's start after its set-up) runs one instruction
// fewer each time through it. The branches to such a block pay for it (and for any merged block
// it falls into) and go past where its `charge` was; a branch that cannot pay leaves the hot
// loop there, and exact metering, which charges instruction by instruction, runs the block
// (see `Execution.branch`).

extension FunctionCompiler {
    /// Whether a block right after `code` can be entered from it by falling through, merged into
    /// the block `code` ends: `code` is straight-line code, neither a branch nor a call out nor a
    /// bulk operation (charged as it runs), after which the count must stay as it is.
    static func fallsIntoNextBlock(_ code: OpCode) -> Bool {
        switch code {
        case .charge, .jump, .branchTable, .return, .call, .callIndirect, .unreachable,
             .memoryInit, .memoryCopy, .memoryFill, .tableInit, .tableCopy, .tableFill:
            false
        default: !code.isConditionalBranch
        }
    }

    /// Which `charge`s can go, and what a branch to each pays: the cost from there to the next
    /// `charge` that stays (its block's, and those of the merged blocks it falls into). One can
    /// go when its block costs something, is entered by falling through from straight-line code
    /// and otherwise only by branches (no `br_table` entry goes to it, and it is not the
    /// function's first instruction), and what a branch to it pays fits 16 bits.
    static func mergeableCharges(_ code: [Op], _ tables: [BranchTableEntry]) -> (mergeable: [Bool], branchCosts: [UInt64]) {
        var mergeable = code.indices.map { pc in
            pc > 0 && code[pc].code == .charge && fallsIntoNextBlock(code[pc - 1].code) && code[pc].wide > 0
        }
        for entry in tables where code.indices.contains(Int(entry.pc)) { mergeable[Int(entry.pc)] = false }
        var branchCosts = [UInt64](repeating: 0, count: code.count)
        var toNextKept: UInt64 = 0
        for pc in code.indices.reversed() where code[pc].code == .charge {
            if mergeable[pc] && toNextKept + code[pc].wide <= UInt64(UInt16.max) {
                toNextKept += code[pc].wide
                branchCosts[pc] = toNextKept
            } else {
                mergeable[pc] = false
                toNextKept = 0
            }
        }
        return (mergeable, branchCosts)
    }

    /// Removes the mergeable `charge`s (``mergeableCharges(_:_:)``) of a function whose charges
    /// hold their blocks' costs and whose branches hold pcs: each one's cost goes to the nearest
    /// earlier `charge` that stays, the branches to it pay for what runs from there to the next
    /// `charge` that stays and go to the block's first instruction, and every pc (branch targets, `br_table` entries) moves with
    /// the instruction it names.
    static func mergeFallThroughBlocks(
        _ code: inout [Op], _ costs: inout [UInt32], _ tailCosts: inout [UInt32], _ tables: inout [BranchTableEntry]
    ) {
        let (mergeable, branchCosts) = mergeableCharges(code, tables)
        guard mergeable.contains(true) else { return }
        precondition(code[0].code == .charge, "a function starts with its first block's charge")
        var owner = 0
        for pc in code.indices where code[pc].code == .charge {
            if mergeable[pc] {
                code[owner] = Op(.charge, Op.pastChargeBytes, wide: code[owner].wide + code[pc].wide)
            } else {
                owner = pc
            }
        }
        for pc in code.indices where code[pc].code == .jump || code[pc].code.isConditionalBranch {
            let target = Int(code[pc].a)
            guard code.indices.contains(target), mergeable[target] else { continue }
            code[pc].targetCost = UInt16(branchCosts[target])
            code[pc].a += 1
        }
        var newPC = [Int32](repeating: 0, count: code.count)
        var kept: Int32 = 0
        for pc in code.indices {
            newPC[pc] = kept
            if !mergeable[pc] { kept += 1 }
        }
        for pc in code.indices where (code[pc].code == .jump || code[pc].code.isConditionalBranch) && code.indices.contains(Int(code[pc].a)) {
            code[pc].a = newPC[Int(code[pc].a)]
        }
        for index in tables.indices { tables[index].pc = newPC[Int(tables[index].pc)] }
        code = code.indices.filter { !mergeable[$0] }.map { code[$0] }
        costs = costs.indices.filter { !mergeable[$0] }.map { costs[$0] }
        tailCosts = tailCosts.indices.filter { !mergeable[$0] }.map { tailCosts[$0] }
    }
}

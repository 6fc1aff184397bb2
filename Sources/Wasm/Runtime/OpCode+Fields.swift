// What the compiler needs to know of each operation's fields: which hold slots (moved when the
// frame's constant pool is placed), which read a third slot, which are conditional branches
// (whose block charges are fused).

extension OpCode {
    /// Which fields the instruction uses as slots (read or written); the others hold pcs,
    /// indices, counts or constants.
    var slotFields: (a: Bool, b: Bool, c: Bool) {
        switch self {
        case .charge, .nop, .unreachable, .jump, .dataDrop, .elemDrop: return (false, false, false)
        case .branchIf, .branchUnless, .branchIfEqz, .branchTable, .call: return (false, true, false)
        case .counterBranchIfNonZero: return (false, false, false)  // `b` packs a local's slot: never moved
        // `c` packs two slots: placed by `FunctionCompiler.placeSlots` itself.
        case _ where isStepBranch: return (false, false, false)
        case .counterBranchIfNe, .counterBranchIfLtS, .counterBranchIfGtS: return (false, false, true)
        case .branchIfI32Eq, .branchIfI32Ne, .branchIfI32LtS, .branchIfI32LtU, .branchIfI32GtS, .branchIfI32GtU,
             .branchIfI32LeS, .branchIfI32LeU, .branchIfI32GeS, .branchIfI32GeU, .branchIfI32RemUEqz:
            return (false, true, true)
        case .select, .selectInto, .f64MulAdd, .f64MulSub, .f64SubMul, .f64MulMul, .i32MulAdd, .moveIfI32LtS, .moveIfI32LtU, .moveIfI32GeS, .moveIfI32GeU:
            return (true, true, true)
        case .copy, .refIsNull, .saturatingTruncation, .i32AddImm, .i32AndImm, .i32ShlImm, .i32ShrUImm, .i64AddImm,
             .memory64Load, .memory64Store, .i32ShlAddImm, .i32LoadAddImm, .i64LoadAddImm, .i32LoadShlImm, .i64LoadShlImm,
             .i32LoadShlImmTee, .i64LoadShlImmTee, .i32LoadMulAdd, .i32LoadAddImmMulAdd, .f64AddStore, .f64SubStore, .f64AddToMemory:
            return (true, true, false)
        default: break
        }
        switch rawValue {
        case 0x28...0x3E: return (true, true, false)  // loads and stores: the value and the address
        case 0x45, 0x50, 0x67...0x69, 0x79...0x7B, 0x8B...0x91, 0x99...0x9F, 0xA7...0xC4: return (true, true, false)  // unary
        case 0x46...0xA6: return (true, true, true)  // binary
        default: return (true, false, false)  // the rest name their first slot in `a`
        }
    }

    /// Whether the instruction reads a third operand slot from ``Op/thirdSlot``.
    var usesThirdSlot: Bool {
        switch self {
        case .f64MulAdd, .f64MulSub, .f64SubMul, .f64MulMul, .i32MulAdd, .i32LoadMulAdd, .i32LoadAddImmMulAdd, .moveIfI32LtS, .moveIfI32LtU, .moveIfI32GeS, .moveIfI32GeU,
             .i32LoadShlImmTee, .i64LoadShlImmTee, .f64AddStore, .f64SubStore: true
        default: false
        }
    }

    /// Whether the instruction continues at pc `a` when taken, or falls through (a conditional
    /// branch).
    var isConditionalBranch: Bool {
        switch self {
        case .branchIf, .branchUnless, .branchIfEqz, .branchIfI32Eq, .branchIfI32Ne, .branchIfI32LtS, .branchIfI32LtU,
             .counterBranchIfNonZero, .counterBranchIfNe, .counterBranchIfLtS, .counterBranchIfGtS,
             .branchIfI32GtS, .branchIfI32GtU, .branchIfI32LeS, .branchIfI32LeU, .branchIfI32GeS, .branchIfI32GeU,
             .branchIfI32RemUEqz:
            true
        default: isStepBranch
        }
    }

    /// Whether the instruction is a step branch (`stepBranchIfI32...`, field `c` packing two slots).
    var isStepBranch: Bool {
        switch self {
        case .stepBranchIfI32Eq, .stepBranchIfI32Ne, .stepBranchIfI32LtS, .stepBranchIfI32LtU, .stepBranchIfI32GtS,
             .stepBranchIfI32GtU, .stepBranchIfI32LeS, .stepBranchIfI32LeU, .stepBranchIfI32GeS, .stepBranchIfI32GeU:
            true
        default: false
        }
    }
}

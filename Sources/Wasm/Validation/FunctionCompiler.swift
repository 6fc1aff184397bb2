/// The code a ``FunctionValidator`` emits as it checks a body: slot-addressed instructions in
/// basic blocks, with each instruction's cost.
///
/// Metering. Every basic block starts with a `charge` instruction whose amount, filled in when
/// the function is finished, is the sum of the costs of the block's instructions. A block is
/// straight-line code: it ends at a branch, a call, a bulk memory or table operation (whose
/// per-byte cost is charged when it runs), or before a branch target. So entering a block and
/// running it to its end charges exactly what per-instruction charging would; leaving it early
/// (a trap) is corrected by refunding what the rest of the block costs.
///
/// WebAssembly instructions that compile to nothing (`local.get` whose value is read in place,
/// `nop`, a constant folded into its user) add their cost to the next instruction emitted
/// (`pendingCost`); `local.set` folded into the instruction that produced its value adds to
/// that instruction's cost and to its `tailCost` (it happens after the point where that
/// instruction can trap).
struct FunctionCompiler {
    let localCount: Int
    var code: [Op] = []
    var costs: [UInt32] = []
    var tailCosts: [UInt32] = []
    var branchTableEntries: [BranchTableEntry] = []
    /// Cost of checked instructions not yet attached to an emitted one.
    var pendingCost: UInt64 = 0
    /// The index of the current block's `charge`.
    var blockStart = 0
    /// Whether the next instruction emitted starts a new block (after a branch, return, ...).
    var needsLeader = false
    /// The last instruction, if it wrote its single result to the top operand's own slot and
    /// nothing (a label) came after it: `local.set` may redirect it, a consumer may fuse it.
    var producer: Int?
    /// The deepest operand stack seen.
    var operandHeightMax = 0
    /// The constant pool: values the function's constants read, in slots after its operands,
    /// filled in when a call enters the function.
    var constants: [UInt64] = []
    /// Where each value is in `constants`, once there are more than 16 (lookups only: the
    /// pool's order is the order of first use).
    var constantIndices: [UInt64: Int] = [:]
    /// The most constants a function's pool holds (each call copies them into its frame);
    /// later constants become `const` instructions.
    static let constantPoolMax = 256

    /// A compiler for a function with `localCount` locals whose body is `bodyBytes` long
    /// (instructions take at least a byte each and about a third compile to nothing, so the
    /// arrays are reserved at a quarter of that, which avoids most regrowth).
    init(localCount: Int, bodyBytes: Int) {
        self.localCount = localCount
        let expected = bodyBytes / 4 + 4
        code.reserveCapacity(expected)
        costs.reserveCapacity(expected)
        tailCosts.reserveCapacity(expected)
    }

    /// The slot of the operand at stack index `index` when it is in its own slot.
    func slot(ofOperandAt index: Int) -> Int32 {
        Int32(truncatingIfNeeded: localCount + index)
    }

    /// The operand source (see `FunctionValidator.operandSources`) for constant `bits` in the
    /// pool, adding it if needed; `nil` when the pool is full.
    mutating func poolSource(_ bits: UInt64) -> Int32? {
        // Small pools (most functions) are searched; a table is built past 16 constants.
        if constants.count <= 16, let index = constants.firstIndex(of: bits) { return Int32(-2 - index) }
        if constants.count > 16, let index = constantIndices[bits] { return Int32(-2 - index) }
        guard constants.count < Self.constantPoolMax else { return nil }
        constants.append(bits)
        if constants.count == 17 {
            for (index, value) in constants.enumerated() { constantIndices[value] = index }
        } else if constants.count > 17 {
            constantIndices[bits] = constants.count - 1
        }
        return Int32(-1 - constants.count)
    }

    /// The constant an operand source stands for, if it is a pool entry.
    func constant(_ source: Int32) -> UInt64? {
        source < -1 ? constants[Int(-2 - source)] : nil
    }

    mutating func noteHeight(_ height: Int) {
        operandHeightMax = max(operandHeightMax, height)
    }

    /// Appends `op`, charged `cost` plus whatever is pending; `producesTop` says it writes
    /// only its result, to the top operand's own slot.
    mutating func emit(_ op: Op, cost: UInt64, producesTop: Bool = false) {
        if needsLeader { startBlock() }
        code.append(op)
        costs.append(UInt32(clamping: cost + pendingCost))
        tailCosts.append(0)
        pendingCost = 0
        producer = producesTop ? code.count - 1 : nil
    }

    /// Adds `cost` to the instruction emitted last (which runs before the instruction the
    /// cost is for, so the cost counts as after its trap point).
    mutating func addToLast(_ cost: UInt64) {
        costs[costs.count - 1] = UInt32(clamping: UInt64(costs[costs.count - 1]) + cost)
        tailCosts[tailCosts.count - 1] = UInt32(clamping: UInt64(tailCosts[tailCosts.count - 1]) + cost)
    }

    /// Removes the last instruction (a producer being fused into its consumer); its cost
    /// becomes pending.
    mutating func removeLast() -> Op {
        pendingCost += UInt64(costs.removeLast())
        tailCosts.removeLast()
        producer = nil
        return code.removeLast()
    }

    /// Attaches pending cost to the current block: to its last instruction, or to a `nop`.
    mutating func flushPendingCost() {
        guard pendingCost > 0, !needsLeader else { return }
        if code.count - 1 > blockStart {
            addToLast(pendingCost)
            pendingCost = 0
        } else {
            emit(Op(.nop), cost: 0)
        }
    }

    /// Starts a basic block here (a branch target, or after a branch or call).
    mutating func startBlock() {
        needsLeader = false
        flushPendingCost()
        blockStart = code.count
        code.append(Op(.charge))
        costs.append(0)
        tailCosts.append(0)
        producer = nil
    }

    /// Marks the end of straight-line code (after `br`, `return`, `unreachable`): whatever
    /// is emitted next starts a new block. Pending cost is dropped: it belongs to unreachable
    /// instructions, which never run.
    mutating func terminateBlock() {
        needsLeader = true
        pendingCost = 0
        producer = nil
    }

    /// The pc a branch to the current position goes to: a new block's `charge`.
    mutating func label() -> Int {
        startBlock()
        return blockStart
    }

    /// Sets the target of a fixup to `pc`.
    mutating func patch(_ fixups: [FunctionValidator.Fixup], to pc: Int) {
        for fixup in fixups {
            switch fixup {
            case .instruction(let index): code[index].a = Int32(pc)
            case .tableEntry(let index): branchTableEntries[index].pc = Int32(pc)
            }
        }
    }

    /// Lays the frame out as locals, constant pool, operands: slots were numbered as if the
    /// pool were empty, with pool entries as sources -2, -3, ...; now that its size is known,
    /// operand slots move up past it and pool entries get their slots.
    func placeSlots(_ code: inout [Op], _ tables: inout [BranchTableEntry]) {
        let poolCount = Int32(constants.count)
        let locals = Int32(localCount)
        func place(_ slot: inout Int32) {
            if slot < -1 {
                slot = locals + (-2 - slot)
            } else if slot >= locals {
                slot += poolCount
            }
        }
        for index in code.indices {
            let fields = code[index].code.slotFields
            if fields.a { place(&code[index].a) }
            if fields.b { place(&code[index].b) }
            if fields.c { place(&code[index].c) }
            if code[index].code.isStepBranch {
                var (first, second) = Self.unpackRawSlots(code[index].c)
                place(&first)
                place(&second)
                code[index].c = Op.pairedSlots(first, second)
            }
            if code[index].code == .selectInto || code[index].code.usesThirdSlot {
                var slot = Int32(code[index].targetCost)
                place(&slot)
                code[index].targetCost = UInt16(slot)
            }
        }
        for index in tables.indices {
            place(&tables[index].from)
            place(&tables[index].to)
        }
    }

    /// A step branch's two operand sources as the compiler packs them before the frame is laid
    /// out (``packRawSlots(_:_:)``).
    static func unpackRawSlots(_ field: Int32) -> (Int32, Int32) {
        (Int32(Int16(truncatingIfNeeded: field)), field >> 16)
    }

    /// Packs two operand sources (a local's or operand's slot numbered as if the constant pool
    /// were empty, or a pool entry -2, -3, ...) into a step branch's field `c` until
    /// ``placeSlots(_:_:)`` packs the final slots; `nil` unless both fit 16 signed bits and, once
    /// placed, 16 unsigned bits (a slot moves up by at most the pool's 256 entries; a pool entry
    /// lands after the locals).
    func packRawSlots(_ first: Int32, _ second: Int32) -> Int32? {
        guard let low = Int16(exactly: first), let high = Int16(exactly: second), low != -1, high != -1 else { return nil }
        if min(low, high) < -1 && localCount + Self.constantPoolMax > Int(UInt16.max) { return nil }
        return Int32(UInt16(bitPattern: low)) | Int32(high) << 16
    }

    /// Lets branches pay for the blocks they enter, then turns their targets into
    /// ``Op/targetBytes``: a jump or taken branch charges its target
    /// block and continues after the target's `charge` (its pc `a` moves there); a
    /// conditional branch that falls through charges the next block and skips its `charge`.
    /// The `charge` instructions stay, for the other ways into their blocks and for exact
    /// metering (which ignores the fused costs). A block that costs nothing is not fused: its
    /// `charge` runs, charging nothing, exactly as skipping it would. Branches to a merged block
    /// (``mergeFallThroughBlocks(_:_:_:_:)``, which runs first) already pay and land past it.
    static func fuseBlockCharges(_ code: inout [Op]) {
        func cost(ofChargeAt pc: Int) -> UInt64? {
            pc >= 0 && pc < code.count && code[pc].code == .charge ? code[pc].wide : nil
        }
        for pc in code.indices where code[pc].code == .jump || code[pc].code.isConditionalBranch {
            if let target = cost(ofChargeAt: Int(code[pc].a)), target > 0, target <= UInt64(UInt16.max) {
                code[pc].targetCost = UInt16(target)
                code[pc].a += 1
            }
            if code[pc].code.isConditionalBranch, let next = cost(ofChargeAt: pc + 1), next > 0, next <= UInt64(UInt8.max) {
                code[pc].fallthroughCost = UInt8(next)
            }
        }
        for pc in code.indices where code[pc].code.isConditionalBranch && code[pc].fallthroughCost > 0 {
            fuseFallThroughJump(&code, branch: pc)
        }
        let stride = Int32(MemoryLayout<Op>.stride)
        for pc in code.indices where code[pc].code == .jump || code[pc].code.isConditionalBranch {
            code[pc].a = (code[pc].a - Int32(pc)) * stride  // ``Op/targetBytes``
        }
    }

    /// When the block a conditional branch falls through to is only a `jump` (`br_if` out of a
    /// loop, then `br` back to its start: clang's shape for a loop left from its middle), lets
    /// the fall-through pay for that block and the jump's target block at once and continue
    /// where the jump would (``Op/fallThroughBytes`` of the block's `charge`), so the jump is
    /// not dispatched. Only when the sum fits the fall-through's 8-bit cost; when the budget
    /// cannot pay it, the branch goes to the block's `charge`, as without this.
    static func fuseFallThroughJump(_ code: inout [Op], branch pc: Int) {
        let charge = pc + 1, jump = pc + 2
        guard jump < code.count, code[jump].code == .jump else { return }
        let total = UInt64(code[pc].fallthroughCost) + UInt64(code[jump].targetCost)
        guard total <= UInt64(UInt8.max) else { return }
        code[pc].fallthroughCost = UInt8(total)
        code[charge].fallThroughBytes = (code[jump].a - Int32(pc)) * Int32(MemoryLayout<Op>.stride)
    }

    /// The compiled function: fills in each block's charge, merges the blocks entered by
    /// falling through from straight-line code into the blocks before them, lets branches pay
    /// for the blocks they enter, and lays the frame out.
    func finish(parameterCount: Int, resultCount: Int) -> CompiledFunction {
        var (code, costs, tailCosts, tables) = (code, costs, tailCosts, branchTableEntries)
        var rest: UInt64 = 0
        for index in code.indices.reversed() {
            if code[index].code == .charge {
                code[index] = Op(.charge, Op.pastChargeBytes, wide: rest)
                rest = 0
            } else {
                rest += UInt64(costs[index])
            }
        }
        Self.mergeFallThroughBlocks(&code, &costs, &tailCosts, &tables)
        Self.fuseBlockCharges(&code)
        placeSlots(&code, &tables)
        return CompiledFunction(
            code: CodeBuffer(code, tables: tables, constants: constants), costs: costs, tailCost: tailCosts,
            localCount: localCount, parameterCount: parameterCount, resultCount: resultCount,
            constantPoolStart: localCount, frameSlots: localCount + constants.count + operandHeightMax)
    }
}

extension Execution {
    /// Runs instructions of the innermost call until it calls, returns, or the budget cannot
    /// pay for the next instruction. Returns `false` in the last case (the frame's `pc` then
    /// points at the unpaid instruction, so a later run resumes exactly there).
    mutating func step(_ instance: inout WasmInstance, _ budget: inout UInt64, mayOvershoot: Bool) throws(TrapReason) -> Bool {
        let frameIndex = frames.count - 1
        let frame = frames[frameIndex]
        let body = instance.compiled.functions[frame.function - instance.hostFunctions.count]
        let base = frame.localsBase
        let operandBase = base + body.localCount
        var pc = frame.pc
        while true {
            let cost = UInt64(body.costs[pc])
            let overshoots = mayOvershoot && !progressedInRun
            guard cost <= budget || overshoots else {
                frames[frameIndex].pc = pc
                return false
            }
            budget -= min(cost, budget)
            instructionsCharged += cost
            progressedInRun = true
            switch body.code[pc] {
            case .unreachable: throw .unreachable
            case .nop: pc += 1
            case .jump(let target): pc = Int(target)
            case .branch(let target):
                branch(target, operandBase)
                pc = Int(target.pc)
            case .branchIf(let target):
                if pop() != 0 {
                    branch(target, operandBase)
                    pc = Int(target.pc)
                } else {
                    pc += 1
                }
            case .branchUnless(let target): pc = pop() == 0 ? Int(target) : pc + 1
            case .branchTable(let table):
                let targets = body.branchTables[Int(table)]
                let index = Int(UInt32(truncatingIfNeeded: pop()))
                let target = index < targets.count - 1 ? targets[index] : targets[targets.count - 1]
                branch(target, operandBase)
                pc = Int(target.pc)
            case .return:
                returnFromCall(base: base, results: body.resultCount)
                return true
            case .call(let function):
                frames[frameIndex].pc = pc + 1
                if try call(Int(function), &instance, &budget) { return true }
                pc += 1
            case .callIndirect(let type, let table):
                let function = try indirectTarget(type, table, instance)
                frames[frameIndex].pc = pc + 1
                if try call(function, &instance, &budget) { return true }
                pc += 1
            case .drop:
                stack.removeLast()
                pc += 1
            case .select:
                let condition = pop()
                let second = pop()
                if condition == 0 { stack[stack.count - 1] = second }
                pc += 1
            case .localGet(let index):
                try push(stack[base + Int(index)])
                pc += 1
            case .localSet(let index):
                stack[base + Int(index)] = pop()
                pc += 1
            case .localTee(let index):
                stack[base + Int(index)] = stack[stack.count - 1]
                pc += 1
            case .globalGet(let index):
                try push(instance.globals[Int(index)])
                pc += 1
            case .globalSet(let index):
                instance.globals[Int(index)] = pop()
                pc += 1
            case .const(let bits):
                try push(bits)
                pc += 1
            case .numeric(let opcode):
                if Self.isUnary(opcode) {
                    stack[stack.count - 1] = try Numerics.unary(opcode, stack[stack.count - 1])
                } else {
                    let right = pop()
                    stack[stack.count - 1] = try Numerics.binary(opcode, stack[stack.count - 1], right)
                }
                pc += 1
            case .saturatingTruncation(let code):
                stack[stack.count - 1] = Numerics.saturatingTruncation(code, stack[stack.count - 1])
                pc += 1
            default:
                // Memory, table and reference instructions: bulk ones may not be affordable.
                guard try other(body.code[pc], &instance, &budget, mayOvershoot: overshoots) else {
                    budget += cost
                    instructionsCharged -= cost
                    frames[frameIndex].pc = pc
                    return false
                }
                pc += 1
            }
        }
    }

    static func isUnary(_ opcode: UInt8) -> Bool {
        switch opcode {
        case 0x45, 0x50, 0x67...0x69, 0x79...0x7B, 0x8B...0x91, 0x99...0x9F, 0xA7...0xC4: true
        default: false
        }
    }

    @inline(__always)
    mutating func pop() -> UInt64 {
        stack.removeLast()
    }

    @inline(__always)
    mutating func push(_ value: UInt64) throws(TrapReason) {
        guard stack.count < limits.valueStackSlots else { throw .callStackExhausted }
        stack.append(value)
    }

    /// Keeps the top `arity` operands and drops everything above the target's height.
    mutating func branch(_ target: BranchTarget, _ operandBase: Int) {
        let destination = operandBase + Int(target.height)
        let arity = Int(target.arity)
        let source = stack.count - arity
        if source != destination {
            for offset in 0..<arity { stack[destination + offset] = stack[source + offset] }
            stack.removeLast(source - destination)
        }
    }

    /// Leaves the innermost call: its results replace its locals and operands.
    mutating func returnFromCall(base: Int, results: Int) {
        let source = stack.count - results
        for offset in 0..<results { stack[base + offset] = stack[source + offset] }
        stack.removeLast(source - base)
        frames.removeLast()
    }

    /// Calls function `index`: a host function runs to completion here (returns `false`); a
    /// defined one gets a frame (returns `true`: the caller must switch frames).
    mutating func call(_ index: Int, _ instance: inout WasmInstance, _ budget: inout UInt64) throws(TrapReason) -> Bool {
        guard index < instance.hostFunctions.count else {
            try enter(index, instance)
            return true
        }
        let parameters = instance.hostFunctions[index].type.parameters
        let arguments = zip(stack.suffix(parameters.count), parameters).map { Value(slot: $0, type: $1) }
        stack.removeLast(parameters.count)
        let (results, charge) = try instance.callHost(index, arguments, instructionsCharged: instructionsCharged)
        instructionsCharged += charge
        budget -= min(budget, charge)
        for result in results { try push(result.slot) }
        return false
    }

    /// Pops the table index of a `call_indirect` and returns the function it calls, after the
    /// checks.
    mutating func indirectTarget(_ type: UInt32, _ tableIndex: UInt32, _ instance: WasmInstance) throws(TrapReason) -> Int {
        let table = instance.tables[Int(tableIndex)]
        let index = Int(UInt32(truncatingIfNeeded: pop()))
        guard index < table.size else { throw .undefinedElement }
        let slot = table.elements[index]
        guard slot != Value.nullSlot else { throw .uninitializedElement }
        let function = Int(slot)
        guard instance.functionTypes[function] == instance.compiled.module.types[Int(type)] else {
            throw .indirectCallTypeMismatch
        }
        return function
    }
}

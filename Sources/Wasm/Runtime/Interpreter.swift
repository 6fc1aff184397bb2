extension Execution {
    /// Runs instructions until the called function returns, the metering mode must change, or
    /// the budget cannot pay for the next instruction. The innermost frame's `pc` is saved on
    /// every exit (a trap included), so a later call resumes exactly there.
    ///
    /// `Mode` is a type parameter so that each metering mode gets its own specialised loop:
    /// block metering pays once per basic block at its `charge`; exact metering pays each
    /// instruction's own cost before running it.
    ///
    /// Most instructions run in the hot loop (``runHot(_:ip:remaining:code:fp:memory:)``,
    /// which calls nothing); this loop runs the ones it returns here (calls, returns,
    /// `br_table`, globals, tables, bulk and rare numeric operations, a store to a chunk not yet
    /// stamped) and turns its other exits into stops and traps.
    mutating func interpret<Mode: MeteringMode>(
        _ mode: Mode.Type, _ instance: inout WasmInstance, _ meter: inout Meter
    ) throws(TrapReason) -> InterpreterStop {
        let hostCount = instance.hostFunctions.count
        var frameIndex = frames.count - 1
        var function = frames[frameIndex].function
        var code = instance.compiled.entries[function - hostCount].code
        var base = frames[frameIndex].base
        var fp = stack.base + base
        var ip = code + frames[frameIndex].pc
        var remaining = meter.remaining
        var progressed = meter.progressed
        /// Whether the instruction being run is the run's first (exact metering: it may overshoot).
        var isFirst = false
        instance.memoryStorage.beginDirectStores()
        do throws(TrapReason) {
            while true {
                if Mode.isExact {
                    switch exactStep(&ip, code, function - hostCount, frameIndex, &instance, &meter, &remaining, &progressed, &isFirst) {
                    case .run: break
                    case .skip: continue
                    case .stop(let stop): return stop
                    }
                }
                let stop = Self.runHot(Mode.self, ip: ip, remaining: remaining, code: code, fp: fp, memory: &instance.memoryStorage)
                precondition(stop.ip >= code && stop.remaining <= remaining, "the hot loop stays in the function and only spends")
                (ip, remaining) = (stop.ip, stop.remaining)
                if stop.progressed { progressed = true }
                switch stop.exit {
                case .other: break
                case .stepped: continue
                case .unaffordable:
                    frames[frameIndex].pc = ip - code
                    (meter.remaining, meter.progressed) = (remaining, progressed)
                    return .blockUnaffordable
                case let exit:
                    guard let trap = exit.trap else { preconditionFailure("every other exit is a trap") }
                    throw trap
                }
                // The instructions the hot loop (Interpreter+Hot.swift) leaves to this one.
                switch ip.pointee.code {
                case .branchTable:
                    let index = Int(UInt32(truncatingIfNeeded: fp[ip.b]))
                    let target = instance.compiled.entries[function - hostCount].tables[ip.a + min(index, ip.c - 1)]
                    for offset in 0..<Int(target.count) { fp[Int(target.to) + offset] = fp[Int(target.from) + offset] }
                    ip = code + Int(target.pc)
                case .return:
                    for offset in 0..<ip.b { fp[offset] = fp[ip.a + offset] }
                    frames.removeLast()
                    guard frameIndex > 0 else {
                        (meter.remaining, meter.progressed) = (remaining, progressed)
                        return .returned
                    }
                    frameIndex -= 1
                    function = frames[frameIndex].function
                    code = instance.compiled.entries[function - hostCount].code
                    base = frames[frameIndex].base
                    fp = stack.base + base
                    ip = code + frames[frameIndex].pc
                case .call, .callIndirect:
                    let callee = ip.pointee.code == .call ? ip.a : try indirectCallee(ip.pointee, fp, instance)
                    let arguments = ip.pointee.code == .call ? ip.b : ip.a
                    guard callee >= hostCount else {
                        meter.remaining = remaining
                        if callee >= 0 {
                            try callHost(callee, fp + arguments, &instance, &meter)
                        } else {
                            try callForeign(ip.pointee, fp, &instance, &meter)
                        }
                        remaining = meter.remaining
                        instance.memoryStorage.beginDirectStores()  // the call may have copied the memory
                        ip += 1
                        continue
                    }
                    frames[frameIndex].pc = (ip - code) &+ 1
                    try enter(callee, base: base + arguments, instance)
                    frameIndex += 1
                    function = callee
                    code = instance.compiled.entries[function - hostCount].code
                    base += arguments
                    fp = stack.base + base
                    ip = code
                case .refFunc:
                    fp[ip.a] = instance.referenceTag | UInt64(UInt32(truncatingIfNeeded: ip.b))
                    ip += 1
                case .globalGet:
                    fp[ip.a] = instance.globals[ip.b]
                    ip += 1
                case .globalSet:
                    instance.prepareToChangeUndoneState()
                    instance.globals[ip.b] = fp[ip.a]
                    ip += 1

                // Stores the hot loop could not make directly (a chunk's first in this generation).
                case .i32Store, .f32Store, .i64Store32:
                    try store(UInt32(truncatingIfNeeded: fp[ip.a]), &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i64Store, .f64Store:
                    try store(fp[ip.a], &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i32Store8, .i64Store8:
                    try store(UInt8(truncatingIfNeeded: fp[ip.a]), &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i32Store16, .i64Store16:
                    try store(UInt16(truncatingIfNeeded: fp[ip.a]), &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .f64AddStore:
                    try store(Self.f64Sum(ip, fp), &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .f64SubStore:
                    try store(Self.f64Difference(ip, fp), &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .f64AddToMemory:
                    guard let value = instance.memoryStorage.load(UInt64.self, base: UInt32(truncatingIfNeeded: fp[ip.b]), offset: UInt32(bitPattern: ip.pointee.c)) else {
                        throw .outOfBoundsMemoryAccess
                    }
                    try store(Numerics.f64(Double(bitPattern: fp[ip.a]) + Double(bitPattern: value)), &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .f64Eq, .f64Ne, .f64Lt, .f64Gt, .f64Le, .f64Ge, .f64Min, .f64Max, .f64Copysign:
                    fp[ip.a] = Numerics.binaryF64(ip.pointee.code.rawValue, Double(bitPattern: fp[ip.b]), Double(bitPattern: fp[ip.c]), fp[ip.b], fp[ip.c])
                    ip += 1
                case .f32Eq, .f32Ne, .f32Lt, .f32Gt, .f32Le, .f32Ge, .f32Min, .f32Max, .f32Copysign:
                    let left = Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.b]))
                    let right = Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.c]))
                    fp[ip.a] = Numerics.binaryF32(ip.pointee.code.rawValue, left, right, fp[ip.b], fp[ip.c])
                    ip += 1
                case .f32Abs, .f32Neg, .f32Ceil, .f32Floor, .f32Trunc, .f32Nearest, .f32Sqrt,
                     .f64Abs, .f64Neg, .f64Ceil, .f64Floor, .f64Trunc, .f64Nearest,
                     .i32TruncF32S, .i32TruncF32U, .i32TruncF64S, .i32TruncF64U,
                     .i64TruncF32S, .i64TruncF32U, .i64TruncF64S, .i64TruncF64U,
                     .f32ConvertI32S, .f32ConvertI32U, .f32ConvertI64S, .f32ConvertI64U, .f32DemoteF64,
                     .f64ConvertI32S, .f64ConvertI32U, .f64ConvertI64S, .f64ConvertI64U, .f64PromoteF32,
                     .i32Extend8S, .i32Extend16S, .i64Extend8S, .i64Extend16S, .i64Extend32S:
                    fp[ip.a] = try Numerics.unary(ip.pointee.code.rawValue, fp[ip.b])
                    ip += 1
                case .memorySize, .memoryGrow, .memoryInit, .dataDrop, .memoryCopy, .memoryFill, .refIsNull,
                     .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elemDrop,
                     .saturatingTruncation, .memory64Load, .memory64Store, .table64IndexCheck:
                    guard try otherLending(ip.pointee, fp, &instance, &remaining, &meter.overshoot, mayOvershoot: meter.mayOvershoot && isFirst) else {
                        // A bulk operation whose per-byte cost cannot be paid: it has not run.
                        frames[frameIndex].pc = ip - code
                        (meter.remaining, meter.progressed) = (remaining, progressed)
                        meter.refund(UInt64(instance.compiled.functions[function - hostCount].costs[ip - code]))
                        return .limitReached
                    }
                    ip += 1
                default: preconditionFailure("\(ip.pointee.code) is run by the hot loop")
                }
            }
        } catch {
            let pc = ip - code
            frames[frameIndex].pc = pc
            (meter.remaining, meter.progressed) = (remaining, progressed)
            let body = instance.compiled.functions[function - hostCount]
            meter.refund(UInt64(body.tailCost[pc]) + (Mode.isExact ? 0 : body.costOfRestOfBlock(after: pc)))
            throw error
        }
    }
}

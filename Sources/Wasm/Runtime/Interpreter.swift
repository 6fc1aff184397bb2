extension Execution {
    /// Runs instructions until the called function returns, the metering mode must change, or
    /// the budget cannot pay for the next instruction. The innermost frame's `pc` is saved on
    /// every exit (a trap included), so a later call resumes exactly there.
    ///
    /// `Mode` is a type parameter so that each metering mode gets its own specialised loop:
    /// block metering pays once per basic block at its `charge`; exact metering pays each
    /// instruction's own cost before running it.
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
                // Fields are read by the cases that use them, through `ip`, not all before the
                // dispatch: that keeps the dispatch's code short (12 bytes), so it never spans two
                // 64-byte fetch lines, which on the machine measured made every instruction slower.
                // (A case that moves `ip` reads the fields it needs first.)
                if Mode.isExact {
                    switch exactStep(&ip, code, function - hostCount, frameIndex, &instance, &meter, &remaining, &progressed, &isFirst) {
                    case .run: break
                    case .skip: continue
                    case .stop(let stop): return stop
                    }
                }
                switch ip.pointee.code {
                case .charge:
                    guard ip.pointee.wide <= remaining else {
                        frames[frameIndex].pc = ip - code
                        (meter.remaining, meter.progressed) = (remaining, progressed)
                        return .blockUnaffordable
                    }
                    remaining &-= ip.pointee.wide
                    progressed = true
                    ip += 1
                case .nop: ip += 1
                case .unreachable: throw .unreachable
                case .jump: ip = Self.taken(Mode.self, ip, ip.a, code, &remaining)
                case .branchIf: ip = UInt32(truncatingIfNeeded: fp[ip.b]) != 0 ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchUnless, .branchIfEqz: ip = UInt32(truncatingIfNeeded: fp[ip.b]) == 0 ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32Eq: ip = UInt32(truncatingIfNeeded: fp[ip.b]) == UInt32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32Ne: ip = UInt32(truncatingIfNeeded: fp[ip.b]) != UInt32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32LtS: ip = Int32(truncatingIfNeeded: fp[ip.b]) < Int32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32LtU: ip = UInt32(truncatingIfNeeded: fp[ip.b]) < UInt32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32GtS: ip = Int32(truncatingIfNeeded: fp[ip.b]) > Int32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32GtU: ip = UInt32(truncatingIfNeeded: fp[ip.b]) > UInt32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32LeS: ip = Int32(truncatingIfNeeded: fp[ip.b]) <= Int32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32LeU: ip = UInt32(truncatingIfNeeded: fp[ip.b]) <= UInt32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32GeS: ip = Int32(truncatingIfNeeded: fp[ip.b]) >= Int32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .branchIfI32GeU: ip = UInt32(truncatingIfNeeded: fp[ip.b]) >= UInt32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .counterBranchIfNonZero: ip = Self.counted(ip, fp) != 0 ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .counterBranchIfNe: ip = Self.counted(ip, fp) != UInt32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .counterBranchIfLtS: ip = Int32(bitPattern: Self.counted(ip, fp)) < Int32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
                case .counterBranchIfGtS: ip = Int32(bitPattern: Self.counted(ip, fp)) > Int32(truncatingIfNeeded: fp[ip.c]) ? Self.taken(Mode.self, ip, ip.a, code, &remaining) : Self.fallThrough(Mode.self, ip, &remaining)
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
                case .copy, .i32ReinterpretF32, .i64ReinterpretF64, .f32ReinterpretI32, .f64ReinterpretI64:
                    fp[ip.a] = fp[ip.b]
                    ip += 1
                case .refFunc:
                    fp[ip.a] = instance.referenceTag | UInt64(UInt32(truncatingIfNeeded: ip.b))
                    ip += 1
                case .const:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: ip.b)) | UInt64(UInt32(truncatingIfNeeded: ip.c)) << 32
                    ip += 1
                case .select:
                    if UInt32(truncatingIfNeeded: fp[ip.c]) == 0 { fp[ip.a] = fp[ip.b] }
                    ip += 1
                case .selectInto:
                    fp[ip.a] = UInt32(truncatingIfNeeded: fp[Int(ip.pointee.conditionSlot)]) != 0 ? fp[ip.b] : fp[ip.c]
                    ip += 1
                case .moveIfI32LtS:
                    if Int32(truncatingIfNeeded: fp[ip.c]) < Int32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]) { fp[ip.a] = fp[ip.b] }
                    ip += 1
                case .moveIfI32LtU:
                    if UInt32(truncatingIfNeeded: fp[ip.c]) < UInt32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]) { fp[ip.a] = fp[ip.b] }
                    ip += 1
                case .moveIfI32GeS:
                    if Int32(truncatingIfNeeded: fp[ip.c]) >= Int32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]) { fp[ip.a] = fp[ip.b] }
                    ip += 1
                case .moveIfI32GeU:
                    if UInt32(truncatingIfNeeded: fp[ip.c]) >= UInt32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]) { fp[ip.a] = fp[ip.b] }
                    ip += 1
                case .globalGet:
                    fp[ip.a] = instance.globals[ip.b]
                    ip += 1
                case .globalSet:
                    instance.globals[ip.b] = fp[ip.a]
                    ip += 1

                case .i32Load:
                    fp[ip.a] = UInt64(try load(UInt32.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c)))
                    ip += 1
                case .i64Load:
                    fp[ip.a] = try load(UInt64.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .f32Load:
                    fp[ip.a] = UInt64(try load(UInt32.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c)))
                    ip += 1
                case .f64Load:
                    fp[ip.a] = try load(UInt64.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i32Load8S:
                    let byte = try load(UInt8.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    fp[ip.a] = UInt64(UInt32(bitPattern: Int32(Int8(bitPattern: byte))))
                    ip += 1
                case .i32Load8U, .i64Load8U:
                    fp[ip.a] = UInt64(try load(UInt8.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c)))
                    ip += 1
                case .i32Load16S:
                    let half = try load(UInt16.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    fp[ip.a] = UInt64(UInt32(bitPattern: Int32(Int16(bitPattern: half))))
                    ip += 1
                case .i32Load16U, .i64Load16U:
                    fp[ip.a] = UInt64(try load(UInt16.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c)))
                    ip += 1
                case .i64Load8S:
                    let byte = try load(UInt8.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    fp[ip.a] = UInt64(bitPattern: Int64(Int8(bitPattern: byte)))
                    ip += 1
                case .i64Load16S:
                    let half = try load(UInt16.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    fp[ip.a] = UInt64(bitPattern: Int64(Int16(bitPattern: half)))
                    ip += 1
                case .i64Load32S:
                    let word = try load(UInt32.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c))
                    fp[ip.a] = UInt64(bitPattern: Int64(Int32(bitPattern: word)))
                    ip += 1
                case .i64Load32U:
                    fp[ip.a] = UInt64(try load(UInt32.self, &instance, fp[ip.b], Int32(truncatingIfNeeded: ip.c)))
                    ip += 1
                case .i32LoadAddImm:
                    fp[ip.a] = UInt64(try loadAt(UInt32.self, &instance, UInt32(truncatingIfNeeded: fp[ip.b]) &+ UInt32(truncatingIfNeeded: ip.c)))
                    ip += 1
                case .i64LoadAddImm:
                    fp[ip.a] = try loadAt(UInt64.self, &instance, UInt32(truncatingIfNeeded: fp[ip.b]) &+ UInt32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i32LoadShlImm:
                    fp[ip.a] = UInt64(try load(UInt32.self, &instance, UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(ip.pointee.shift)), Int32(truncatingIfNeeded: ip.c)))
                    ip += 1
                case .i64LoadShlImm:
                    fp[ip.a] = try load(UInt64.self, &instance, UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(ip.pointee.shift)), Int32(truncatingIfNeeded: ip.c))
                    ip += 1
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

                case .i32Eqz:
                    fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) == 0 ? 1 : 0
                    ip += 1
                case .i32Eq:
                    fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) == UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i32Ne:
                    fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) != UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i32LtS:
                    fp[ip.a] = Int32(truncatingIfNeeded: fp[ip.b]) < Int32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i32LtU:
                    fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) < UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i32GtS:
                    fp[ip.a] = Int32(truncatingIfNeeded: fp[ip.b]) > Int32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i32GtU:
                    fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) > UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i32LeS:
                    fp[ip.a] = Int32(truncatingIfNeeded: fp[ip.b]) <= Int32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i32LeU:
                    fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) <= UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i32GeS:
                    fp[ip.a] = Int32(truncatingIfNeeded: fp[ip.b]) >= Int32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i32GeU:
                    fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) >= UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i64Eqz:
                    fp[ip.a] = fp[ip.b] == 0 ? 1 : 0
                    ip += 1
                case .i64Eq:
                    fp[ip.a] = fp[ip.b] == fp[ip.c] ? 1 : 0
                    ip += 1
                case .i64Ne:
                    fp[ip.a] = fp[ip.b] != fp[ip.c] ? 1 : 0
                    ip += 1
                case .i64LtS:
                    fp[ip.a] = Int64(bitPattern: fp[ip.b]) < Int64(bitPattern: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i64LtU:
                    fp[ip.a] = fp[ip.b] < fp[ip.c] ? 1 : 0
                    ip += 1
                case .i64GtS:
                    fp[ip.a] = Int64(bitPattern: fp[ip.b]) > Int64(bitPattern: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i64GtU:
                    fp[ip.a] = fp[ip.b] > fp[ip.c] ? 1 : 0
                    ip += 1
                case .i64LeS:
                    fp[ip.a] = Int64(bitPattern: fp[ip.b]) <= Int64(bitPattern: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i64LeU:
                    fp[ip.a] = fp[ip.b] <= fp[ip.c] ? 1 : 0
                    ip += 1
                case .i64GeS:
                    fp[ip.a] = Int64(bitPattern: fp[ip.b]) >= Int64(bitPattern: fp[ip.c]) ? 1 : 0
                    ip += 1
                case .i64GeU:
                    fp[ip.a] = fp[ip.b] >= fp[ip.c] ? 1 : 0
                    ip += 1

                case .i32Add:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &+ UInt32(truncatingIfNeeded: fp[ip.c]))
                    ip += 1
                case .i32Sub:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &- UInt32(truncatingIfNeeded: fp[ip.c]))
                    ip += 1
                case .i32Mul:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &* UInt32(truncatingIfNeeded: fp[ip.c]))
                    ip += 1
                case .i32And:
                    fp[ip.a] = fp[ip.b] & fp[ip.c]
                    ip += 1
                case .i32Or:
                    fp[ip.a] = fp[ip.b] | fp[ip.c]
                    ip += 1
                case .i32Xor:
                    fp[ip.a] = fp[ip.b] ^ fp[ip.c]
                    ip += 1
                case .i32Shl:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(truncatingIfNeeded: fp[ip.c]))
                    ip += 1
                case .i32ShrS:
                    fp[ip.a] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: fp[ip.b]) &>> Int32(truncatingIfNeeded: fp[ip.c])))
                    ip += 1
                case .i32ShrU:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &>> UInt32(truncatingIfNeeded: fp[ip.c]))
                    ip += 1
                case .i64Add:
                    fp[ip.a] = fp[ip.b] &+ fp[ip.c]
                    ip += 1
                case .i64Sub:
                    fp[ip.a] = fp[ip.b] &- fp[ip.c]
                    ip += 1
                case .i64Mul:
                    fp[ip.a] = fp[ip.b] &* fp[ip.c]
                    ip += 1
                case .i64And:
                    fp[ip.a] = fp[ip.b] & fp[ip.c]
                    ip += 1
                case .i64Or:
                    fp[ip.a] = fp[ip.b] | fp[ip.c]
                    ip += 1
                case .i64Xor:
                    fp[ip.a] = fp[ip.b] ^ fp[ip.c]
                    ip += 1
                case .i64Shl:
                    fp[ip.a] = fp[ip.b] &<< fp[ip.c]
                    ip += 1
                case .i64ShrS:
                    fp[ip.a] = UInt64(bitPattern: Int64(bitPattern: fp[ip.b]) &>> Int64(bitPattern: fp[ip.c]))
                    ip += 1
                case .i64ShrU:
                    fp[ip.a] = fp[ip.b] &>> fp[ip.c]
                    ip += 1
                case .i32AddImm:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &+ UInt32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i32ShlAddImm:
                    fp[ip.a] = UInt64((UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(ip.pointee.shift)) &+ UInt32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i32AndImm:
                    fp[ip.a] = fp[ip.b] & UInt64(UInt32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i32ShlImm:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i32ShrUImm:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &>> UInt32(truncatingIfNeeded: ip.c))
                    ip += 1
                case .i64AddImm:
                    fp[ip.a] = fp[ip.b] &+ UInt64(bitPattern: Int64(ip.c))
                    ip += 1
                case .i32WrapI64:
                    fp[ip.a] = fp[ip.b] & 0xFFFF_FFFF
                    ip += 1
                case .i64ExtendI32S:
                    fp[ip.a] = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: fp[ip.b])))
                    ip += 1
                case .i64ExtendI32U:
                    fp[ip.a] = fp[ip.b] & 0xFFFF_FFFF
                    ip += 1

                case .i32DivS:
                    let left = Int32(truncatingIfNeeded: fp[ip.b]), right = Int32(truncatingIfNeeded: fp[ip.c])
                    guard right != 0 else { throw .integerDivideByZero }
                    guard left != .min || right != -1 else { throw .integerOverflow }
                    fp[ip.a] = UInt64(UInt32(bitPattern: left / right))
                    ip += 1
                case .i32DivU:
                    let right = UInt32(truncatingIfNeeded: fp[ip.c])
                    guard right != 0 else { throw .integerDivideByZero }
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) / right)
                    ip += 1
                case .i32RemS:
                    let left = Int32(truncatingIfNeeded: fp[ip.b]), right = Int32(truncatingIfNeeded: fp[ip.c])
                    guard right != 0 else { throw .integerDivideByZero }
                    fp[ip.a] = right == -1 ? 0 : UInt64(UInt32(bitPattern: left % right))
                    ip += 1
                case .i32RemU:
                    let right = UInt32(truncatingIfNeeded: fp[ip.c])
                    guard right != 0 else { throw .integerDivideByZero }
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) % right)
                    ip += 1
                case .i64DivS:
                    let left = Int64(bitPattern: fp[ip.b]), right = Int64(bitPattern: fp[ip.c])
                    guard right != 0 else { throw .integerDivideByZero }
                    guard left != .min || right != -1 else { throw .integerOverflow }
                    fp[ip.a] = UInt64(bitPattern: left / right)
                    ip += 1
                case .i64DivU:
                    guard fp[ip.c] != 0 else { throw .integerDivideByZero }
                    fp[ip.a] = fp[ip.b] / fp[ip.c]
                    ip += 1
                case .i64RemS:
                    let left = Int64(bitPattern: fp[ip.b]), right = Int64(bitPattern: fp[ip.c])
                    guard right != 0 else { throw .integerDivideByZero }
                    fp[ip.a] = right == -1 ? 0 : UInt64(bitPattern: left % right)
                    ip += 1
                case .i64RemU:
                    guard fp[ip.c] != 0 else { throw .integerDivideByZero }
                    fp[ip.a] = fp[ip.b] % fp[ip.c]
                    ip += 1
                case .i32Rotl:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).rotated(left: UInt32(truncatingIfNeeded: fp[ip.c])))
                    ip += 1
                case .i32Rotr:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).rotated(left: 32 &- (UInt32(truncatingIfNeeded: fp[ip.c]) & 31)))
                    ip += 1
                case .i64Rotl:
                    fp[ip.a] = fp[ip.b].rotated(left: fp[ip.c])
                    ip += 1
                case .i64Rotr:
                    fp[ip.a] = fp[ip.b].rotated(left: 64 &- (fp[ip.c] & 63))
                    ip += 1
                case .i32Clz:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).leadingZeroBitCount)
                    ip += 1
                case .i32Ctz:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).trailingZeroBitCount)
                    ip += 1
                case .i32Popcnt:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).nonzeroBitCount)
                    ip += 1
                case .i64Clz:
                    fp[ip.a] = UInt64(fp[ip.b].leadingZeroBitCount)
                    ip += 1
                case .i64Ctz:
                    fp[ip.a] = UInt64(fp[ip.b].trailingZeroBitCount)
                    ip += 1
                case .i64Popcnt:
                    fp[ip.a] = UInt64(fp[ip.b].nonzeroBitCount)
                    ip += 1
                case .f64Add:
                    fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]) + Double(bitPattern: fp[ip.c]))
                    ip += 1
                case .f64Sub:
                    fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]) - Double(bitPattern: fp[ip.c]))
                    ip += 1
                case .f64Mul:
                    fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]) * Double(bitPattern: fp[ip.c]))
                    ip += 1
                case .f64Div:
                    fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]) / Double(bitPattern: fp[ip.c]))
                    ip += 1
                case .f64MulAdd:
                    let product = Double(bitPattern: fp[ip.b]) * Double(bitPattern: fp[ip.c])
                    fp[ip.a] = Numerics.f64(product + Double(bitPattern: fp[Int(ip.pointee.thirdSlot)]))
                    ip += 1
                case .i32MulAdd:
                    fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &* UInt32(truncatingIfNeeded: fp[ip.c]) &+ UInt32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]))
                    ip += 1
                case .f64MulSub:
                    let product = Double(bitPattern: fp[ip.b]) * Double(bitPattern: fp[ip.c])
                    fp[ip.a] = Numerics.f64(product - Double(bitPattern: fp[Int(ip.pointee.thirdSlot)]))
                    ip += 1
                case .f64SubMul:
                    let product = Double(bitPattern: fp[ip.b]) * Double(bitPattern: fp[ip.c])
                    fp[ip.a] = Numerics.f64(Double(bitPattern: fp[Int(ip.pointee.thirdSlot)]) - product)
                    ip += 1
                case .f64Sqrt:
                    fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]).squareRoot())
                    ip += 1
                case .f32Add:
                    fp[ip.a] = Numerics.f32(Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.b])) + Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.c])))
                    ip += 1
                case .f32Sub:
                    fp[ip.a] = Numerics.f32(Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.b])) - Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.c])))
                    ip += 1
                case .f32Mul:
                    fp[ip.a] = Numerics.f32(Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.b])) * Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.c])))
                    ip += 1
                case .f32Div:
                    fp[ip.a] = Numerics.f32(Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.b])) / Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.c])))
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

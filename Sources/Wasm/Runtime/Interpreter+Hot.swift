// The interpreter's hot loop: the instructions that run often (control flow within a function,
// moves, loads and stores of a 32-bit memory, integer and common float arithmetic) in a
// function of their own that calls nothing, so that every register is free for its few live
// values (`ip`, `fp`, `remaining`, the jump table, the memory's view). Everything else (calls,
// returns, globals, tables, bulk and rare numeric operations) makes it return `.other` with `ip`
// at that instruction, for the outer loop (Interpreter.swift) to run.

/// Why ``Execution/runHot(_:ip:remaining:code:fp:memory:)`` returned.
enum HotExit: UInt8 {
    /// The instruction at `ip` is one the outer loop runs.
    case other
    /// Block metering met a `charge` (at `ip`) it cannot pay for, or a branch that cannot pay
    /// for the block it goes to (`ip`: the block's first instruction).
    case unaffordable
    /// Exact metering: one instruction ran.
    case stepped
    /// The instruction at `ip` trapped: `unreachable`.
    case unreachable
    /// The instruction at `ip` trapped: a memory access out of bounds.
    case outOfBoundsMemoryAccess
    /// The instruction at `ip` trapped: integer division or remainder by zero.
    case integerDivideByZero
    /// The instruction at `ip` trapped: signed division overflow.
    case integerOverflow

    /// The trap, for the exits that are traps.
    var trap: TrapReason? {
        switch self {
        case .other, .unaffordable, .stepped: nil
        case .unreachable: .unreachable
        case .outOfBoundsMemoryAccess: .outOfBoundsMemoryAccess
        case .integerDivideByZero: .integerDivideByZero
        case .integerOverflow: .integerOverflow
        }
    }
}

/// Where ``Execution/runHot(_:ip:remaining:code:fp:memory:)`` stopped: returned as a value (in
/// registers), so that the loop's `ip` and `remaining` are locals it never writes to memory.
struct HotStop {
    /// Why it stopped.
    var exit: HotExit
    /// Whether it paid for a block (its `charge`).
    var progressed: Bool
    /// The instruction it stopped at (after `.stepped`: the next one).
    var ip: UnsafeMutablePointer<Op>
    /// What is left of the budget.
    var remaining: UInt64
}

extension Execution {
    /// Runs instructions from `ip` until one the outer loop must run, a trap, or a `charge`
    /// block metering cannot pay (exact metering: exactly one instruction, already paid).
    @inline(never)
    static func runHot<Mode: MeteringMode>(
        _ mode: Mode.Type, ip start: UnsafeMutablePointer<Op>, remaining budget: UInt64,
        code: UnsafeMutablePointer<Op>, fp: UnsafeMutablePointer<UInt64>, memory: inout LinearMemory
    ) -> HotStop {
        precondition(start >= code, "an instruction of the function")
        var ip = start, remaining = budget, progressed = false
        let exit = hotLoop(mode, &ip, &remaining, &progressed, fp: fp, view: memory.hotView, memory: &memory)
        return HotStop(exit: exit, progressed: progressed, ip: ip, remaining: remaining)
    }

    /// The loop of ``runHot(_:ip:remaining:code:fp:memory:)``, on its locals (inlined there, so that
    /// they live in registers, written back once on exit). Its loads and stores go through
    /// `view` (``HotMemoryView``, taken of `memory` on entry, which this loop never grows or
    /// gives a new chunk table); `memory` itself only reads an access that crosses a chunk. Branches go by byte offsets from `ip`
    /// (``Op/targetBytes``), so the loop needs no pointer to the function's start.
    @inline(__always)
    static func hotLoop<Mode: MeteringMode>(
        _ mode: Mode.Type, _ ip: inout UnsafeMutablePointer<Op>, _ remaining: inout UInt64, _ progressed: inout Bool,
        fp: UnsafeMutablePointer<UInt64>, view: HotMemoryView, memory: inout LinearMemory
    ) -> HotExit {
        while true {
            // Fields are read by the cases that use them, through `ip`, not all before the
            // dispatch: that keeps the dispatch's code short (12 bytes). The cases that go on
            // to the next instruction leave the `switch` for the one `ip += 1` below it, and
            // branches `continue`: written with `ip += 1` in every case, LLVM merged the tails
            // of some forty cases (store the result, `ip += 1`) into one block and laid it out
            // just before the dispatch, so the dispatch sat 8 bytes into a 16-byte block and
            // spanned two 64-byte fetch lines whenever the function started at one of its four
            // 16-byte offsets (primes 1.9x slower). Now no such block is hot enough to be
            // placed there, LLVM aligns the dispatch's own block to 16 bytes, and 12 bytes at
            // a 16-byte boundary cannot span two lines wherever the function lands.
            // `Benchmarks/wasm/dispatch_profile.py` checks it.
            switch ip.pointee.code {
            case .charge:
                guard ip.pointee.wide <= remaining else { return .unaffordable }
                remaining &-= ip.pointee.wide
                progressed = true
            case .nop: break
            case .jump:
                guard Self.branch(Mode.self, true, &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIf:
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[ip.b]) != 0, &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchUnless, .branchIfEqz:
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[ip.b]) == 0, &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32Eq:
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[ip.b]) == UInt32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32Ne:
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[ip.b]) != UInt32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32LtS:
                guard Self.branch(Mode.self, Int32(truncatingIfNeeded: fp[ip.b]) < Int32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32LtU:
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[ip.b]) < UInt32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32GtS:
                guard Self.branch(Mode.self, Int32(truncatingIfNeeded: fp[ip.b]) > Int32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32GtU:
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[ip.b]) > UInt32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32LeS:
                guard Self.branch(Mode.self, Int32(truncatingIfNeeded: fp[ip.b]) <= Int32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32LeU:
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[ip.b]) <= UInt32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32GeS:
                guard Self.branch(Mode.self, Int32(truncatingIfNeeded: fp[ip.b]) >= Int32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32GeU:
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[ip.b]) >= UInt32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .branchIfI32RemUEqz:
                let divisor = UInt32(truncatingIfNeeded: fp[ip.c])
                guard divisor != 0 else { return .integerDivideByZero }
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[ip.b]) % divisor == 0, &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .counterBranchIfNonZero:
                guard Self.branch(Mode.self, Self.counted(ip, fp) != 0, &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .counterBranchIfNe:
                guard Self.branch(Mode.self, Self.counted(ip, fp) != UInt32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .counterBranchIfLtS:
                guard Self.branch(Mode.self, Int32(bitPattern: Self.counted(ip, fp)) < Int32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .counterBranchIfGtS:
                guard Self.branch(Mode.self, Int32(bitPattern: Self.counted(ip, fp)) > Int32(truncatingIfNeeded: fp[ip.c]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32Eq:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[first]) == UInt32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32Ne:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[first]) != UInt32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32LtS:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, Int32(truncatingIfNeeded: fp[first]) < Int32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32LtU:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[first]) < UInt32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32GtS:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, Int32(truncatingIfNeeded: fp[first]) > Int32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32GtU:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[first]) > UInt32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32LeS:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, Int32(truncatingIfNeeded: fp[first]) <= Int32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32LeU:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[first]) <= UInt32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32GeS:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, Int32(truncatingIfNeeded: fp[first]) >= Int32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .stepBranchIfI32GeU:
                let (first, second) = Self.stepped(ip, fp)
                guard Self.branch(Mode.self, UInt32(truncatingIfNeeded: fp[first]) >= UInt32(truncatingIfNeeded: fp[second]), &ip, &remaining) else { return .unaffordable }
                if Mode.isExact { return .stepped }
                continue
            case .copy, .i32ReinterpretF32, .i64ReinterpretF64, .f32ReinterpretI32, .f64ReinterpretI64:
                fp[ip.a] = fp[ip.b]
            case .const:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: ip.b)) | UInt64(UInt32(truncatingIfNeeded: ip.c)) << 32
            case .select:
                Self.move(fp, ip, if: UInt32(truncatingIfNeeded: fp[ip.c]) == 0)
            case .selectInto:
                fp[ip.a] = UInt32(truncatingIfNeeded: fp[Int(ip.pointee.conditionSlot)]) != 0 ? fp[ip.b] : fp[ip.c]
            case .moveIfI32LtS:
                Self.move(fp, ip, if: Int32(truncatingIfNeeded: fp[ip.c]) < Int32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]))
            case .moveIfI32LtU:
                Self.move(fp, ip, if: UInt32(truncatingIfNeeded: fp[ip.c]) < UInt32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]))
            case .moveIfI32GeS:
                Self.move(fp, ip, if: Int32(truncatingIfNeeded: fp[ip.c]) >= Int32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]))
            case .moveIfI32GeU:
                Self.move(fp, ip, if: UInt32(truncatingIfNeeded: fp[ip.c]) >= UInt32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]))
            case .i32Load:
                guard let value = Self.hotLoad(UInt32.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(value)
            case .i64Load:
                guard let value = Self.hotLoad(UInt64.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = value
            case .f32Load:
                guard let value = Self.hotLoad(UInt32.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(value)
            case .f64Load:
                guard let value = Self.hotLoad(UInt64.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = value
            case .i32Load8S:
                guard let byte = Self.hotLoad(UInt8.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(UInt32(bitPattern: Int32(Int8(bitPattern: byte))))
            case .i32Load8U, .i64Load8U:
                guard let value = Self.hotLoad(UInt8.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(value)
            case .i32Load16S:
                guard let half = Self.hotLoad(UInt16.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(UInt32(bitPattern: Int32(Int16(bitPattern: half))))
            case .i32Load16U, .i64Load16U:
                guard let value = Self.hotLoad(UInt16.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(value)
            case .i64Load8S:
                guard let byte = Self.hotLoad(UInt8.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(bitPattern: Int64(Int8(bitPattern: byte)))
            case .i64Load16S:
                guard let half = Self.hotLoad(UInt16.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(bitPattern: Int64(Int16(bitPattern: half)))
            case .i64Load32S:
                guard let word = Self.hotLoad(UInt32.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(bitPattern: Int64(Int32(bitPattern: word)))
            case .i64Load32U:
                guard let value = Self.hotLoad(UInt32.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(value)
            case .i32LoadAddImm:
                guard let value = Self.hotLoadAt(UInt32.self, view, &memory, UInt32(truncatingIfNeeded: fp[ip.b]) &+ UInt32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(value)
            case .i64LoadAddImm:
                guard let value = Self.hotLoadAt(UInt64.self, view, &memory, UInt32(truncatingIfNeeded: fp[ip.b]) &+ UInt32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = value
            case .i32LoadShlImm:
                guard let value = Self.hotLoad(UInt32.self, view, &memory, UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(ip.pointee.shift)), Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(value)
            case .i64LoadShlImm:
                guard let value = Self.hotLoad(UInt64.self, view, &memory, UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(ip.pointee.shift)), Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = value
            case .i32LoadShlImmTee:
                let address = UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(ip.pointee.shift)
                fp[Int(ip.pointee.thirdSlot)] = UInt64(address)
                guard let value = Self.hotLoad(UInt32.self, view, &memory, UInt64(address), Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(value)
            case .i64LoadShlImmTee:
                let address = UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(ip.pointee.shift)
                fp[Int(ip.pointee.thirdSlot)] = UInt64(address)
                guard let value = Self.hotLoad(UInt64.self, view, &memory, UInt64(address), Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = value
            case .i32Store, .f32Store, .i64Store32:
                guard let stored = Self.hotStore(UInt32(truncatingIfNeeded: fp[ip.a]), view, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .other }
                guard stored else { return .outOfBoundsMemoryAccess }
            case .i64Store, .f64Store:
                guard let stored = Self.hotStore(fp[ip.a], view, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .other }
                guard stored else { return .outOfBoundsMemoryAccess }
            case .i32Store8, .i64Store8:
                guard let stored = Self.hotStore(UInt8(truncatingIfNeeded: fp[ip.a]), view, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .other }
                guard stored else { return .outOfBoundsMemoryAccess }
            case .i32Store16, .i64Store16:
                guard let stored = Self.hotStore(UInt16(truncatingIfNeeded: fp[ip.a]), view, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .other }
                guard stored else { return .outOfBoundsMemoryAccess }

            case .i32Eqz:
                fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) == 0 ? 1 : 0
            case .i32Eq:
                fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) == UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i32Ne:
                fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) != UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i32LtS:
                fp[ip.a] = Int32(truncatingIfNeeded: fp[ip.b]) < Int32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i32LtU:
                fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) < UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i32GtS:
                fp[ip.a] = Int32(truncatingIfNeeded: fp[ip.b]) > Int32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i32GtU:
                fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) > UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i32LeS:
                fp[ip.a] = Int32(truncatingIfNeeded: fp[ip.b]) <= Int32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i32LeU:
                fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) <= UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i32GeS:
                fp[ip.a] = Int32(truncatingIfNeeded: fp[ip.b]) >= Int32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i32GeU:
                fp[ip.a] = UInt32(truncatingIfNeeded: fp[ip.b]) >= UInt32(truncatingIfNeeded: fp[ip.c]) ? 1 : 0
            case .i64Eqz:
                fp[ip.a] = fp[ip.b] == 0 ? 1 : 0
            case .i64Eq:
                fp[ip.a] = fp[ip.b] == fp[ip.c] ? 1 : 0
            case .i64Ne:
                fp[ip.a] = fp[ip.b] != fp[ip.c] ? 1 : 0
            case .i64LtS:
                fp[ip.a] = Int64(bitPattern: fp[ip.b]) < Int64(bitPattern: fp[ip.c]) ? 1 : 0
            case .i64LtU:
                fp[ip.a] = fp[ip.b] < fp[ip.c] ? 1 : 0
            case .i64GtS:
                fp[ip.a] = Int64(bitPattern: fp[ip.b]) > Int64(bitPattern: fp[ip.c]) ? 1 : 0
            case .i64GtU:
                fp[ip.a] = fp[ip.b] > fp[ip.c] ? 1 : 0
            case .i64LeS:
                fp[ip.a] = Int64(bitPattern: fp[ip.b]) <= Int64(bitPattern: fp[ip.c]) ? 1 : 0
            case .i64LeU:
                fp[ip.a] = fp[ip.b] <= fp[ip.c] ? 1 : 0
            case .i64GeS:
                fp[ip.a] = Int64(bitPattern: fp[ip.b]) >= Int64(bitPattern: fp[ip.c]) ? 1 : 0
            case .i64GeU:
                fp[ip.a] = fp[ip.b] >= fp[ip.c] ? 1 : 0

            case .i32Add:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &+ UInt32(truncatingIfNeeded: fp[ip.c]))
            case .i32Sub:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &- UInt32(truncatingIfNeeded: fp[ip.c]))
            case .i32Mul:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &* UInt32(truncatingIfNeeded: fp[ip.c]))
            case .i32And:
                fp[ip.a] = fp[ip.b] & fp[ip.c]
            case .i32Or:
                fp[ip.a] = fp[ip.b] | fp[ip.c]
            case .i32Xor:
                fp[ip.a] = fp[ip.b] ^ fp[ip.c]
            case .i32Shl:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(truncatingIfNeeded: fp[ip.c]))
            case .i32ShrS:
                fp[ip.a] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: fp[ip.b]) &>> Int32(truncatingIfNeeded: fp[ip.c])))
            case .i32ShrU:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &>> UInt32(truncatingIfNeeded: fp[ip.c]))
            case .i64Add:
                fp[ip.a] = fp[ip.b] &+ fp[ip.c]
            case .i64Sub:
                fp[ip.a] = fp[ip.b] &- fp[ip.c]
            case .i64Mul:
                fp[ip.a] = fp[ip.b] &* fp[ip.c]
            case .i64And:
                fp[ip.a] = fp[ip.b] & fp[ip.c]
            case .i64Or:
                fp[ip.a] = fp[ip.b] | fp[ip.c]
            case .i64Xor:
                fp[ip.a] = fp[ip.b] ^ fp[ip.c]
            case .i64Shl:
                fp[ip.a] = fp[ip.b] &<< fp[ip.c]
            case .i64ShrS:
                fp[ip.a] = UInt64(bitPattern: Int64(bitPattern: fp[ip.b]) &>> Int64(bitPattern: fp[ip.c]))
            case .i64ShrU:
                fp[ip.a] = fp[ip.b] &>> fp[ip.c]
            case .i32AddImm:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &+ UInt32(truncatingIfNeeded: ip.c))
            case .i32ShlAddImm:
                fp[ip.a] = UInt64((UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(ip.pointee.shift)) &+ UInt32(truncatingIfNeeded: ip.c))
            case .i32AndImm:
                fp[ip.a] = fp[ip.b] & UInt64(UInt32(truncatingIfNeeded: ip.c))
            case .i32ShlImm:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &<< UInt32(truncatingIfNeeded: ip.c))
            case .i32ShrUImm:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &>> UInt32(truncatingIfNeeded: ip.c))
            case .i64AddImm:
                fp[ip.a] = fp[ip.b] &+ UInt64(bitPattern: Int64(ip.c))
            case .i32WrapI64:
                fp[ip.a] = fp[ip.b] & 0xFFFF_FFFF
            case .i64ExtendI32S:
                fp[ip.a] = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: fp[ip.b])))
            case .i64ExtendI32U:
                fp[ip.a] = fp[ip.b] & 0xFFFF_FFFF

            case .i32DivS:
                let left = Int32(truncatingIfNeeded: fp[ip.b]), right = Int32(truncatingIfNeeded: fp[ip.c])
                guard right != 0 else { return .integerDivideByZero }
                guard left != .min || right != -1 else { return .integerOverflow }
                fp[ip.a] = UInt64(UInt32(bitPattern: left / right))
            case .i32DivU:
                let right = UInt32(truncatingIfNeeded: fp[ip.c])
                guard right != 0 else { return .integerDivideByZero }
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) / right)
            case .i32RemS:
                let left = Int32(truncatingIfNeeded: fp[ip.b]), right = Int32(truncatingIfNeeded: fp[ip.c])
                guard right != 0 else { return .integerDivideByZero }
                fp[ip.a] = right == -1 ? 0 : UInt64(UInt32(bitPattern: left % right))
            case .i32RemU:
                let right = UInt32(truncatingIfNeeded: fp[ip.c])
                guard right != 0 else { return .integerDivideByZero }
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) % right)
            case .i64DivS:
                let left = Int64(bitPattern: fp[ip.b]), right = Int64(bitPattern: fp[ip.c])
                guard right != 0 else { return .integerDivideByZero }
                guard left != .min || right != -1 else { return .integerOverflow }
                fp[ip.a] = UInt64(bitPattern: left / right)
            case .i64DivU:
                guard fp[ip.c] != 0 else { return .integerDivideByZero }
                fp[ip.a] = fp[ip.b] / fp[ip.c]
            case .i64RemS:
                let left = Int64(bitPattern: fp[ip.b]), right = Int64(bitPattern: fp[ip.c])
                guard right != 0 else { return .integerDivideByZero }
                fp[ip.a] = right == -1 ? 0 : UInt64(bitPattern: left % right)
            case .i64RemU:
                guard fp[ip.c] != 0 else { return .integerDivideByZero }
                fp[ip.a] = fp[ip.b] % fp[ip.c]
            case .i32Rotl:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).rotated(left: UInt32(truncatingIfNeeded: fp[ip.c])))
            case .i32Rotr:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).rotated(left: 32 &- (UInt32(truncatingIfNeeded: fp[ip.c]) & 31)))
            case .i64Rotl:
                fp[ip.a] = fp[ip.b].rotated(left: fp[ip.c])
            case .i64Rotr:
                fp[ip.a] = fp[ip.b].rotated(left: 64 &- (fp[ip.c] & 63))
            case .i32Clz:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).leadingZeroBitCount)
            case .i32Ctz:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).trailingZeroBitCount)
            case .i32Popcnt:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]).nonzeroBitCount)
            case .i64Clz:
                fp[ip.a] = UInt64(fp[ip.b].leadingZeroBitCount)
            case .i64Ctz:
                fp[ip.a] = UInt64(fp[ip.b].trailingZeroBitCount)
            case .i64Popcnt:
                fp[ip.a] = UInt64(fp[ip.b].nonzeroBitCount)
            case .f64Add:
                fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]) + Double(bitPattern: fp[ip.c]))
            case .f64Sub:
                fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]) - Double(bitPattern: fp[ip.c]))
            case .f64Mul:
                fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]) * Double(bitPattern: fp[ip.c]))
            case .f64Div:
                fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]) / Double(bitPattern: fp[ip.c]))
            case .f64MulAdd:
                let product = Double(bitPattern: fp[ip.b]) * Double(bitPattern: fp[ip.c])
                fp[ip.a] = Numerics.f64(product + Double(bitPattern: fp[Int(ip.pointee.thirdSlot)]))
            case .i32LoadMulAdd:
                guard let value = Self.hotLoad(UInt32.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.a]) &+ value &* UInt32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]))
            case .i32LoadAddImmMulAdd:
                guard let value = Self.hotLoadAt(UInt32.self, view, &memory, UInt32(truncatingIfNeeded: fp[ip.b]) &+ UInt32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.a]) &+ value &* UInt32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]))
            case .i32MulAdd:
                fp[ip.a] = UInt64(UInt32(truncatingIfNeeded: fp[ip.b]) &* UInt32(truncatingIfNeeded: fp[ip.c]) &+ UInt32(truncatingIfNeeded: fp[Int(ip.pointee.thirdSlot)]))
            case .f64MulSub:
                let product = Double(bitPattern: fp[ip.b]) * Double(bitPattern: fp[ip.c])
                fp[ip.a] = Numerics.f64(product - Double(bitPattern: fp[Int(ip.pointee.thirdSlot)]))
            case .f64SubMul:
                let product = Double(bitPattern: fp[ip.b]) * Double(bitPattern: fp[ip.c])
                fp[ip.a] = Numerics.f64(Double(bitPattern: fp[Int(ip.pointee.thirdSlot)]) - product)
            case .f64MulMul:
                let product = Double(bitPattern: fp[ip.b]) * Double(bitPattern: fp[ip.c])
                fp[ip.a] = Numerics.f64(product * Double(bitPattern: fp[Int(ip.pointee.thirdSlot)]))
            case .f64AddStore:
                guard let stored = Self.hotStore(Self.f64Sum(ip, fp), view, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .other }
                guard stored else { return .outOfBoundsMemoryAccess }
            case .f64SubStore:
                guard let stored = Self.hotStore(Self.f64Difference(ip, fp), view, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .other }
                guard stored else { return .outOfBoundsMemoryAccess }
            case .f64AddToMemory:
                guard let value = Self.hotLoad(UInt64.self, view, &memory, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .outOfBoundsMemoryAccess }
                let sum = Numerics.f64(Double(bitPattern: fp[ip.a]) + Double(bitPattern: value))
                guard let stored = Self.hotStore(sum, view, fp[ip.b], Int32(truncatingIfNeeded: ip.c)) else { return .other }
                guard stored else { return .outOfBoundsMemoryAccess }
            case .f64Sqrt:
                fp[ip.a] = Numerics.f64(Double(bitPattern: fp[ip.b]).squareRoot())
            case .f32Add:
                fp[ip.a] = Numerics.f32(Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.b])) + Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.c])))
            case .f32Sub:
                fp[ip.a] = Numerics.f32(Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.b])) - Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.c])))
            case .f32Mul:
                fp[ip.a] = Numerics.f32(Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.b])) * Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.c])))
            case .f32Div:
                fp[ip.a] = Numerics.f32(Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.b])) / Float(bitPattern: UInt32(truncatingIfNeeded: fp[ip.c])))
            case .unreachable: return .unreachable
            // Run by the outer loop. (Listed rather than `default`, so that the dispatch
            // needs no range test.)
            case .branchTable, .return, .call, .callIndirect, .refFunc, .globalGet, .globalSet,
                 .memorySize, .memoryGrow, .memoryInit, .dataDrop, .memoryCopy, .memoryFill, .refIsNull,
                 .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elemDrop,
                 .saturatingTruncation, .memory64Load, .memory64Store, .table64IndexCheck,
                 .f64Eq, .f64Ne, .f64Lt, .f64Gt, .f64Le, .f64Ge, .f64Min, .f64Max, .f64Copysign,
                 .f32Eq, .f32Ne, .f32Lt, .f32Gt, .f32Le, .f32Ge, .f32Min, .f32Max, .f32Copysign,
                 .f32Abs, .f32Neg, .f32Ceil, .f32Floor, .f32Trunc, .f32Nearest, .f32Sqrt,
                 .f64Abs, .f64Neg, .f64Ceil, .f64Floor, .f64Trunc, .f64Nearest,
                 .i32TruncF32S, .i32TruncF32U, .i32TruncF64S, .i32TruncF64U,
                 .i64TruncF32S, .i64TruncF32U, .i64TruncF64S, .i64TruncF64U,
                 .f32ConvertI32S, .f32ConvertI32U, .f32ConvertI64S, .f32ConvertI64U, .f32DemoteF64,
                 .f64ConvertI32S, .f64ConvertI32U, .f64ConvertI64S, .f64ConvertI64U, .f64PromoteF32,
                 .i32Extend8S, .i32Extend16S, .i64Extend8S, .i64Extend16S, .i64Extend32S:
                return .other
            }
            ip += 1
            if Mode.isExact { return .stepped }
        }
    }
}

// The small helpers the interpreter's loops (Interpreter+Hot.swift, Interpreter.swift) call on every branch and
// memory access; all are inlined into them (same module: whole-module optimization sees them).
extension Execution {
    /// Moves `ip` where a branch goes: when `condition` holds, to its destination
    /// (``Op/targetBytes`` from `ip`), paying for the target block on the way when the branch
    /// does (a cost of 0: it does not, and the destination is the target's `charge`), else
    /// where it falls through to (``fallThrough(_:_:_:)``). Returns `false` when block metering
    /// cannot pay for the target: `ip` is then the target block's first instruction, where the
    /// hot loop stops for exact metering (which skips a `charge` it cannot pay, and a merged
    /// block has none: FunctionCompiler+BlockMerging.swift). Exact metering goes to the
    /// target's `charge` when it has one, so that a block it can pay for switches back.
    @inline(__always)
    static func branch<Mode: MeteringMode>(
        _ mode: Mode.Type, _ condition: Bool, _ ip: inout UnsafeMutablePointer<Op>, _ remaining: inout UInt64
    ) -> Bool {
        guard condition else {
            ip = fallThrough(Mode.self, ip, &remaining)
            return true
        }
        let cost = UInt64(ip.pointee.targetCost)
        let target = (UnsafeMutableRawPointer(ip) + Int(ip.pointee.targetBytes)).assumingMemoryBound(to: Op.self)
        if Mode.isExact {
            ip = cost == 0 || target[-1].code != .charge ? target : target - 1
            return true
        }
        ip = target
        if _fastPath(cost <= remaining) {
            remaining &-= cost
            return true
        }
        return false
    }

    /// The value `f64AddStore` stores: slot `a` + slot ``Op/thirdSlot`` (f64, NaN canonicalised).
    @inline(__always)
    static func f64Sum(_ ip: UnsafeMutablePointer<Op>, _ fp: UnsafeMutablePointer<UInt64>) -> UInt64 {
        Numerics.f64(Double(bitPattern: fp[ip.a]) + Double(bitPattern: fp[Int(ip.pointee.thirdSlot)]))
    }

    /// The value `f64SubStore` stores: slot `a` - slot ``Op/thirdSlot`` (f64, NaN canonicalised).
    @inline(__always)
    static func f64Difference(_ ip: UnsafeMutablePointer<Op>, _ fp: UnsafeMutablePointer<UInt64>) -> UInt64 {
        Numerics.f64(Double(bitPattern: fp[ip.a]) - Double(bitPattern: fp[Int(ip.pointee.thirdSlot)]))
    }

    /// A counter branch's update: adds the increment to the counter, stores it, returns it.
    @inline(__always)
    static func counted(_ ip: UnsafeMutablePointer<Op>, _ fp: UnsafeMutablePointer<UInt64>) -> UInt32 {
        let slot = ip.pointee.counterSlot
        let value = UInt32(truncatingIfNeeded: fp[slot]) &+ ip.pointee.counterIncrement
        fp[slot] = UInt64(value)
        return value
    }

    /// Slot `a` = slot `b` if `condition` holds (`select` and the conditional moves), by arithmetic rather than
    /// a branch: their conditions are data (sort's `a[swap] < a[child]`), which a branch would
    /// mispredict about half the time.
    @inline(__always)
    static func move(_ fp: UnsafeMutablePointer<UInt64>, _ ip: UnsafeMutablePointer<Op>, if condition: Bool) {
        let mask = 0 &- UInt64(condition ? 1 : 0)
        let kept = fp[ip.a]
        fp[ip.a] = kept ^ ((kept ^ fp[ip.b]) & mask)
    }

    /// A step branch's update (the counter's, as ``counted(_:_:)``); returns the slots it then
    /// compares.
    @inline(__always)
    static func stepped(_ ip: UnsafeMutablePointer<Op>, _ fp: UnsafeMutablePointer<UInt64>) -> (first: Int, second: Int) {
        _ = counted(ip, fp)
        return ip.pointee.pairedSlots
    }

    /// The pc a conditional branch falls through to: when it pays for the next block (a cost
    /// of 0: it does not), where that block's `charge` says a paid fall-through continues
    /// (``Op/fallThroughBytes``: past the `charge`, or a jump's destination), else the `charge`.
    @inline(__always)
    static func fallThrough<Mode: MeteringMode>(
        _ mode: Mode.Type, _ ip: UnsafeMutablePointer<Op>, _ remaining: inout UInt64
    ) -> UnsafeMutablePointer<Op> {
        let cost = UInt64(ip.pointee.fallthroughCost)
        // `cost - 1 < remaining` is `cost != 0 && cost <= remaining` in one comparison (a cost of
        // 0 wraps to the largest value), which saves a test and a branch on every fall-through.
        if !Mode.isExact && cost &- 1 < remaining {
            remaining &-= cost
            return (UnsafeMutableRawPointer(ip) + Int(ip[1].fallThroughBytes)).assumingMemoryBound(to: Op.self)
        }
        return ip + 1
    }

    /// The value of `T`'s width at the effective address of `operand` (its low 32 bits) +
    /// `offset` (the hot loop's loads), or `nil` if out of bounds. `memory` is the memory
    /// `view` was taken of (it reads an access that crosses a chunk boundary; `inout` only so
    /// that no copy of it is made).
    @inline(__always)
    static func hotLoad<T: FixedWidthInteger & UnsignedInteger>(
        _ type: T.Type, _ view: HotMemoryView, _ memory: inout LinearMemory, _ operand: UInt64, _ offset: Int32
    ) -> T? {
        hotLoadAt(T.self, view, &memory, UInt32(truncatingIfNeeded: operand), UInt32(bitPattern: offset))
    }

    /// The value of `T`'s width at address `base + offset` (computed in 64 bits), as
    /// ``hotLoad(_:_:_:_:_:)`` reads it.
    @inline(__always)
    static func hotLoadAt<T: FixedWidthInteger & UnsignedInteger>(
        _ type: T.Type, _ view: HotMemoryView, _ memory: inout LinearMemory, _ base: UInt32, _ offset: UInt32 = 0
    ) -> T? {
        view.load(T.self, at: UInt64(base) &+ UInt64(offset), &memory)
    }

    /// Stores `value` at the effective address of `operand` (its low 32 bits) + `offset` if it
    /// can directly (see ``HotMemoryView/storeIfStamped(_:at:)``): `true` if stored,
    /// `false` if out of bounds, `nil` (nothing written) if the outer loop must store it.
    @inline(__always)
    static func hotStore<T: FixedWidthInteger & UnsignedInteger>(
        _ value: T, _ view: HotMemoryView, _ operand: UInt64, _ offset: Int32
    ) -> Bool? {
        view.storeIfStamped(value, at: UInt64(UInt32(truncatingIfNeeded: operand)) &+ UInt64(UInt32(bitPattern: offset)))
    }

    /// Stores `value` at the effective address of `operand` (its low 32 bits) + `offset`, through
    /// ``LinearMemory/storeDirect(_:base:offset:)`` (the outer loop's stores, after the hot
    /// loop's direct path declined).
    @inline(__always)
    func store<T: FixedWidthInteger & UnsignedInteger>(_ value: T, _ instance: inout WasmInstance, _ operand: UInt64, _ offset: Int32) throws(TrapReason) {
        guard instance.memoryStorage.storeDirect(value, base: UInt32(truncatingIfNeeded: operand), offset: UInt32(bitPattern: offset)) else {
            throw .outOfBoundsMemoryAccess
        }
    }

    /// ``other(_:_:_:_:_:mayOvershoot:)`` with a copy of `remaining` lent to it and written back
    /// (also when it throws), so that the main loop's `remaining` never has its address taken.
    @inline(__always)
    mutating func otherLending(
        _ op: Op, _ fp: UnsafeMutablePointer<UInt64>, _ instance: inout WasmInstance, _ remaining: inout UInt64,
        _ overshoot: inout UInt64, mayOvershoot: Bool
    ) throws(TrapReason) -> Bool {
        var lent = remaining
        defer { remaining = lent }
        return try other(op, fp, &instance, &lent, &overshoot, mayOvershoot: mayOvershoot)
    }
}

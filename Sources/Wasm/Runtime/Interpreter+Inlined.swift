// The small helpers the interpreter's loops (Interpreter+Hot.swift, Interpreter.swift) call on every branch and
// memory access; all are inlined into them (same module: whole-module optimization sees them).
extension Execution {
    /// The pc a taken branch continues at: its destination (``Op/targetBytes`` from `ip`) when
    /// the branch pays for the target block (block metering, affordable) or does not pay at all
    /// (cost 0), else the target's `charge` (the instruction before), which then finds the block
    /// unaffordable. Exact metering always goes to the target's `charge`.
    @inline(__always)
    static func taken<Mode: MeteringMode>(
        _ mode: Mode.Type, _ ip: UnsafeMutablePointer<Op>, _ remaining: inout UInt64
    ) -> UnsafeMutablePointer<Op> {
        let cost = UInt64(ip.pointee.targetCost)
        let target = (UnsafeMutableRawPointer(ip) + Int(ip.pointee.targetBytes)).assumingMemoryBound(to: Op.self)
        if Mode.isExact { return cost == 0 ? target : target - 1 }
        if _fastPath(cost <= remaining) {
            remaining &-= cost
            return target
        }
        return target - 1
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

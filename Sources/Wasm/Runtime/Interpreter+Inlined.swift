// The small helpers the interpreter's main loop (Interpreter.swift) calls on every branch and
// memory access; all are inlined into it (same module: whole-module optimization sees them).
extension Execution {
    /// The pc a taken branch continues at: past its target's `charge` when the branch pays
    /// for the target block (block metering, affordable), else at that `charge`.
    @inline(__always)
    static func taken<Mode: MeteringMode>(
        _ mode: Mode.Type, _ ip: UnsafeMutablePointer<Op>, _ target: Int, _ code: UnsafeMutablePointer<Op>, _ remaining: inout UInt64
    ) -> UnsafeMutablePointer<Op> {
        let cost = UInt64(ip.pointee.targetCost)
        if !Mode.isExact && ip.pointee.targetCost != Op.notFusedWide && cost <= remaining {
            remaining &-= cost
            return code + (target &+ 1)
        }
        return code + target
    }

    /// A counter branch's update: adds the increment to the counter, stores it, returns it.
    @inline(__always)
    static func counted(_ ip: UnsafeMutablePointer<Op>, _ fp: UnsafeMutablePointer<UInt64>) -> UInt32 {
        let slot = ip.pointee.counterSlot
        let value = UInt32(truncatingIfNeeded: fp[slot]) &+ ip.pointee.counterIncrement
        fp[slot] = UInt64(value)
        return value
    }

    /// The pc a conditional branch falls through to, likewise past the next block's `charge`
    /// when it pays for that block.
    @inline(__always)
    static func fallThrough<Mode: MeteringMode>(
        _ mode: Mode.Type, _ ip: UnsafeMutablePointer<Op>, _ remaining: inout UInt64
    ) -> UnsafeMutablePointer<Op> {
        let cost = UInt64(ip.pointee.fallthroughCost)
        if !Mode.isExact && ip.pointee.fallthroughCost != Op.notFused && cost <= remaining {
            remaining &-= cost
            return ip + 2
        }
        return ip + 1
    }

    /// The value of `T`'s width at the effective address of `operand` (its low 32 bits) +
    /// `offset`.
    @inline(__always)
    func load<T: FixedWidthInteger & UnsignedInteger>(
        _ type: T.Type, _ instance: inout WasmInstance, _ operand: UInt64, _ offset: Int32
    ) throws(TrapReason) -> T {
        try loadAt(T.self, &instance, UInt32(truncatingIfNeeded: operand), UInt32(bitPattern: offset))
    }

    /// The value of `T`'s width at address `base + offset` (computed in 64 bits). The
    /// instance is `inout` only so that no copy of it is made (a by-value instance has been
    /// seen copied, with every reference in it retained, on each load).
    @inline(__always)
    func loadAt<T: FixedWidthInteger & UnsignedInteger>(
        _ type: T.Type, _ instance: inout WasmInstance, _ base: UInt32, _ offset: UInt32 = 0
    ) throws(TrapReason) -> T {
        guard let value = instance.memoryStorage.load(T.self, base: base, offset: offset) else { throw .outOfBoundsMemoryAccess }
        return value
    }

    /// Stores `value` at the effective address of `operand` (its low 32 bits) + `offset`
    /// (directly when it can: see ``LinearMemory/storeDirect(_:base:offset:)``).
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

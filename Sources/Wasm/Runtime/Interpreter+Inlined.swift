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

    /// The effective address of an access: the i32 operand plus the static offset, in 64 bits.
    @inline(__always)
    func address(_ operand: UInt64, _ offset: Int32) -> UInt64 {
        UInt64(UInt32(truncatingIfNeeded: operand)) &+ UInt64(UInt32(bitPattern: offset))
    }

    /// The value of `T`'s width at the effective address of `operand` + `offset`.
    @inline(__always)
    func load<T: FixedWidthInteger & UnsignedInteger>(
        _ type: T.Type, _ instance: inout WasmInstance, _ operand: UInt64, _ offset: Int32
    ) throws(TrapReason) -> T {
        try loadAt(T.self, &instance, address(operand, offset))
    }

    /// The value of `T`'s width at effective address `address` (already computed). The
    /// instance is `inout` only so that no copy of it is made (a by-value instance has been
    /// seen copied, with every reference in it retained, on each load).
    @inline(__always)
    func loadAt<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ instance: inout WasmInstance, _ address: UInt64) throws(TrapReason) -> T {
        guard let value = instance.memoryStorage.loadIfInBounds(T.self, at: address) else { throw .outOfBoundsMemoryAccess }
        return value
    }

    /// Stores `value` at the effective address of `operand` + `offset`.
    @inline(__always)
    func store<T: FixedWidthInteger & UnsignedInteger>(_ value: T, _ instance: inout WasmInstance, _ operand: UInt64, _ offset: Int32) throws(TrapReason) {
        guard instance.memoryStorage.storeIfInBounds(value, at: address(operand, offset)) else { throw .outOfBoundsMemoryAccess }
    }
}

import Wasm

/// Runs a ``Program`` directly from its tree, with the specification's semantics: what the
/// interpreter's result, memory and global must equal.
struct ReferenceEvaluator {
    let program: Program
    var memory = [UInt8](repeating: 0, count: Program.memoryPagesInitial * LinearMemory.pageBytes)
    var global: UInt64

    init(_ program: Program) {
        self.program = program
        global = program.globalInitial
    }

    /// Calls function `index` with two i64 arguments.
    mutating func call(_ index: Int, _ first: UInt64, _ second: UInt64) throws(TrapReason) -> Value {
        let function = program.functions[index]
        var locals = function.locals.map(Value.zero)
        locals[0] = .i64(first)
        locals[1] = .i64(second)
        return try evaluate(function.body, &locals)
    }

    mutating func evaluate(_ expression: Expression, _ locals: inout [Value]) throws(TrapReason) -> Value {
        switch expression {
        case .constant(let value): return value
        case .local(let index): return locals[index]
        case .tee(let index, let value):
            locals[index] = try evaluate(value, &locals)
            return locals[index]
        case .global: return .i64(global)
        case .setGlobal(let value, let then):
            global = try evaluate(value, &locals).i64Bits
            return try evaluate(then, &locals)
        case .numeric(let op, let operands):
            var values: [Value] = []
            for operand in operands { values.append(try evaluate(operand, &locals)) }
            return try op.apply(values)
        case .select(let first, let second, let condition):
            let (a, b) = (try evaluate(first, &locals), try evaluate(second, &locals))
            return try evaluate(condition, &locals).i32Bits != 0 ? a : b
        case .ifElse(let condition, let then, let otherwise, _):
            return try evaluate(try evaluate(condition, &locals).i32Bits != 0 ? then : otherwise, &locals)
        case .exitIf(let value, let condition, let rest, _):
            let result = try evaluate(value, &locals)
            return try evaluate(condition, &locals).i32Bits != 0 ? result : try evaluate(rest, &locals)
        case .repeatLoop(let count, let counter, let target, let body):
            locals[counter] = .i32(count)
            while locals[counter].i32Bits != 0 {
                locals[target] = try evaluate(body, &locals)
                locals[counter] = .i32(locals[counter].i32Bits &- 1)
            }
            return locals[target]
        case .load(let op, let address, let offset, _):
            let base = try evaluate(address, &locals).i32Bits
            return try load(op, at: UInt64(base) + UInt64(offset))
        case .store(let op, let address, let value, let offset, _, let then):
            let base = try evaluate(address, &locals).i32Bits
            let stored = try evaluate(value, &locals)
            try store(op, stored, at: UInt64(base) + UInt64(offset))
            return try evaluate(then, &locals)
        case .memorySize:
            return .i32(UInt32(memory.count / LinearMemory.pageBytes))
        case .memoryGrow(let pages):
            return grow(by: try evaluate(pages, &locals).i32Bits)
        case .call(let function, let first, let second):
            let (a, b) = (try evaluate(first, &locals).i64Bits, try evaluate(second, &locals).i64Bits)
            return try call(function, a, b)
        case .trap:
            throw .unreachable
        }
    }

    func load(_ op: MemoryOp, at address: UInt64) throws(TrapReason) -> Value {
        guard address + UInt64(op.bytes) <= UInt64(memory.count) else { throw .outOfBoundsMemoryAccess }
        var bits: UInt64 = 0
        for index in 0..<op.bytes { bits |= UInt64(memory[Int(address) + index]) << (8 * UInt64(index)) }
        if op.signed {
            let shift = UInt64(64 - 8 * op.bytes)
            bits = UInt64(bitPattern: Int64(bitPattern: bits << shift) >> Int64(shift))
        }
        switch op.type {
        case .f32: return .f32(UInt32(truncatingIfNeeded: bits))
        case .f64: return .f64(bits)
        default: return .integer(op.type, bits)
        }
    }

    mutating func store(_ op: MemoryOp, _ value: Value, at address: UInt64) throws(TrapReason) {
        guard address + UInt64(op.bytes) <= UInt64(memory.count) else { throw .outOfBoundsMemoryAccess }
        let bits: UInt64 = switch value {
        case .f32(let raw): UInt64(raw)
        case .f64(let raw): raw
        default: value.integerBits
        }
        for index in 0..<op.bytes { memory[Int(address) + index] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(index))) }
    }

    mutating func grow(by pages: UInt32) -> Value {
        let old = memory.count / LinearMemory.pageBytes
        guard UInt64(old) + UInt64(pages) <= UInt64(Program.memoryPagesMaximum) else { return .i32(UInt32.max) }
        memory += [UInt8](repeating: 0, count: Int(pages) * LinearMemory.pageBytes)
        return .i32(UInt32(old))
    }
}

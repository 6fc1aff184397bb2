import Wasm

/// A generated module, as a tree the encoder turns into WebAssembly and the reference
/// evaluator runs: functions `(i64, i64) -> i64` (function 0 exported as `run`), one memory
/// of one page that may grow to two (exported as `memory`), one mutable i64 global (`g`).
/// Functions call only functions after them, so no program recurses; loops run a bounded
/// number of times, so every program ends.
struct Program {
    /// The functions, in index order.
    var functions: [GeneratedFunction]
    /// The global's initial value.
    var globalInitial: UInt64
    /// The arguments `run` is called with.
    var arguments: (UInt64, UInt64)

    /// The memory's size when instantiated, and its maximum (pages).
    static let memoryPagesInitial = 1, memoryPagesMaximum = 2
}

/// One function: its locals' types (the two i64 parameters first) and its body.
struct GeneratedFunction {
    var locals: [ValueType]
    var body: Expression
}

/// A memory access instruction.
struct MemoryOp: Sendable {
    let name: String
    let code: UInt8
    /// The value's type.
    let type: ValueType
    /// Bytes accessed.
    let bytes: Int
    /// Whether a narrow load sign-extends.
    let signed: Bool

    static let loads: [MemoryOp] = [
        MemoryOp(name: "i32.load", code: 0x28, type: .i32, bytes: 4, signed: false),
        MemoryOp(name: "i64.load", code: 0x29, type: .i64, bytes: 8, signed: false),
        MemoryOp(name: "f32.load", code: 0x2A, type: .f32, bytes: 4, signed: false),
        MemoryOp(name: "f64.load", code: 0x2B, type: .f64, bytes: 8, signed: false),
        MemoryOp(name: "i32.load8_s", code: 0x2C, type: .i32, bytes: 1, signed: true),
        MemoryOp(name: "i32.load8_u", code: 0x2D, type: .i32, bytes: 1, signed: false),
        MemoryOp(name: "i32.load16_s", code: 0x2E, type: .i32, bytes: 2, signed: true),
        MemoryOp(name: "i32.load16_u", code: 0x2F, type: .i32, bytes: 2, signed: false),
        MemoryOp(name: "i64.load8_s", code: 0x30, type: .i64, bytes: 1, signed: true),
        MemoryOp(name: "i64.load8_u", code: 0x31, type: .i64, bytes: 1, signed: false),
        MemoryOp(name: "i64.load16_s", code: 0x32, type: .i64, bytes: 2, signed: true),
        MemoryOp(name: "i64.load16_u", code: 0x33, type: .i64, bytes: 2, signed: false),
        MemoryOp(name: "i64.load32_s", code: 0x34, type: .i64, bytes: 4, signed: true),
        MemoryOp(name: "i64.load32_u", code: 0x35, type: .i64, bytes: 4, signed: false),
    ]

    static let stores: [MemoryOp] = [
        MemoryOp(name: "i32.store", code: 0x36, type: .i32, bytes: 4, signed: false),
        MemoryOp(name: "i64.store", code: 0x37, type: .i64, bytes: 8, signed: false),
        MemoryOp(name: "f32.store", code: 0x38, type: .f32, bytes: 4, signed: false),
        MemoryOp(name: "f64.store", code: 0x39, type: .f64, bytes: 8, signed: false),
        MemoryOp(name: "i32.store8", code: 0x3A, type: .i32, bytes: 1, signed: false),
        MemoryOp(name: "i32.store16", code: 0x3B, type: .i32, bytes: 2, signed: false),
        MemoryOp(name: "i64.store8", code: 0x3C, type: .i64, bytes: 1, signed: false),
        MemoryOp(name: "i64.store16", code: 0x3D, type: .i64, bytes: 2, signed: false),
        MemoryOp(name: "i64.store32", code: 0x3E, type: .i64, bytes: 4, signed: false),
    ]
}

/// An expression of the generated language; each leaves one value of a known type.
indirect enum Expression {
    /// `TYPE.const`.
    case constant(Value)
    /// `local.get`.
    case local(Int)
    /// The value, then `local.tee`.
    case tee(Int, Expression)
    /// `global.get 0` (an i64).
    case global
    /// The value (i64), `global.set 0`, then `then`.
    case setGlobal(Expression, then: Expression)
    /// The operands, then the instruction.
    case numeric(NumericOp, [Expression])
    /// `select`: both values are computed, then the condition.
    case select(Expression, Expression, condition: Expression)
    /// `if (result TYPE) ... else ... end`.
    case ifElse(condition: Expression, then: Expression, else: Expression, type: ValueType)
    /// `block (result TYPE) value condition br_if 0 drop rest end`: `value` if the condition
    /// holds, else `rest`.
    case exitIf(value: Expression, condition: Expression, rest: Expression, type: ValueType)
    /// `counter = count; loop { if counter == 0 break; target = body; counter -= 1 }`, then
    /// `local.get target`.
    case repeatLoop(count: UInt32, counter: Int, target: Int, body: Expression)
    /// The address, then the load.
    case load(MemoryOp, address: Expression, offset: UInt32, align: UInt32)
    /// The address and value, the store, then `then`.
    case store(MemoryOp, address: Expression, value: Expression, offset: UInt32, align: UInt32, then: Expression)
    /// `memory.size` (an i32).
    case memorySize
    /// The page count, then `memory.grow` (an i32).
    case memoryGrow(Expression)
    /// The two i64 arguments, then `call`.
    case call(function: Int, Expression, Expression)
    /// `unreachable`, standing for a value of `type`.
    case trap(ValueType)
}

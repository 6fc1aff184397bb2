/// A WebAssembly value, with floats kept as bit patterns (so NaN payloads survive exactly).
public enum Value: Hashable, Sendable, CustomStringConvertible {
    /// An i32, as its bits.
    case i32(UInt32)
    /// An i64, as its bits.
    case i64(UInt64)
    /// An f32, as its bits.
    case f32(UInt32)
    /// An f64, as its bits.
    case f64(UInt64)
    /// A function reference (an index in the function index space), or null.
    case funcref(UInt32?)
    /// A host reference, or null.
    case externref(UInt32?)

    /// The value's type.
    public var type: ValueType {
        switch self {
        case .i32: .i32
        case .i64: .i64
        case .f32: .f32
        case .f64: .f64
        case .funcref: .funcref
        case .externref: .externref
        }
    }

    /// The interpreter's 64-bit slot encoding (references: null is `UInt64.max`).
    var slot: UInt64 {
        switch self {
        case .i32(let bits): UInt64(bits)
        case .i64(let bits): bits
        case .f32(let bits): UInt64(bits)
        case .f64(let bits): bits
        case .funcref(let index), .externref(let index): index.map(UInt64.init) ?? Value.nullSlot
        }
    }

    /// The slot encoding of a null reference.
    static let nullSlot = UInt64.max

    /// Decodes slot `bits` as a value of `type`.
    init(slot bits: UInt64, type: ValueType) {
        switch type {
        case .i32: self = .i32(UInt32(truncatingIfNeeded: bits))
        case .i64: self = .i64(bits)
        case .f32: self = .f32(UInt32(truncatingIfNeeded: bits))
        case .f64: self = .f64(bits)
        case .funcref: self = .funcref(bits == Value.nullSlot ? nil : UInt32(truncatingIfNeeded: bits))
        case .externref: self = .externref(bits == Value.nullSlot ? nil : UInt32(truncatingIfNeeded: bits))
        }
    }

    /// `TYPE:VALUE`: integers as signed decimal, floats in Swift's shortest decimal form that
    /// reads back to the same bits, NaNs as their bit pattern in hexadecimal.
    public var description: String {
        switch self {
        case .i32(let bits): return "i32:\(Int32(bitPattern: bits))"
        case .i64(let bits): return "i64:\(Int64(bitPattern: bits))"
        case .f32(let bits):
            let value = Float(bitPattern: bits)
            return value.isNaN ? "f32:nan:0x\(String(bits, radix: 16))" : "f32:\(value)"
        case .f64(let bits):
            let value = Double(bitPattern: bits)
            return value.isNaN ? "f64:nan:0x\(String(bits, radix: 16))" : "f64:\(value)"
        case .funcref(let index): return "funcref:\(index.map(String.init) ?? "null")"
        case .externref(let index): return "externref:\(index.map(String.init) ?? "null")"
        }
    }
}

/// Why execution stopped abnormally.
public enum TrapReason: Error, Hashable, Sendable, CustomStringConvertible {
    /// `unreachable` was executed.
    case unreachable
    /// A memory access or bulk memory operation went out of bounds.
    case outOfBoundsMemoryAccess
    /// A table access or bulk table operation went out of bounds.
    case outOfBoundsTableAccess
    /// Signed division overflow (`INT_MIN / -1`).
    case integerOverflow
    /// Integer division or remainder by zero.
    case integerDivideByZero
    /// A float-to-int truncation of NaN or of a value out of range.
    case invalidConversionToInteger
    /// `call_indirect` found a function of another type.
    case indirectCallTypeMismatch
    /// `call_indirect` found a null entry.
    case uninitializedElement
    /// `call_indirect` indexed past the table.
    case undefinedElement
    /// The call stack exceeded its budget in bytes (``ExecutionLimits/callStackBytes``) or the
    /// value stack its host bound.
    case callStackExhausted
    /// The instruction limit was reached and the execution was not allowed to suspend.
    case instructionLimitExceeded
    /// The code wrote more of its memory than the host lets a memory hold
    /// (``ExecutionLimits/memoryBytesHeld``; not a WebAssembly trap, a resource limit).
    case hostMemoryLimitExceeded
    /// A host function trapped.
    case host(String)

    /// The specification's trap message.
    public var description: String {
        switch self {
        case .unreachable: "unreachable"
        case .outOfBoundsMemoryAccess: "out of bounds memory access"
        case .outOfBoundsTableAccess: "out of bounds table access"
        case .integerOverflow: "integer overflow"
        case .integerDivideByZero: "integer divide by zero"
        case .invalidConversionToInteger: "invalid conversion to integer"
        case .indirectCallTypeMismatch: "indirect call type mismatch"
        case .uninitializedElement: "uninitialized element"
        case .undefinedElement: "undefined element"
        case .callStackExhausted: "call stack exhausted"
        case .instructionLimitExceeded: "instruction limit exceeded"
        case .hostMemoryLimitExceeded: "host memory limit exceeded"
        case .host(let message): "host trap: \(message)"
        }
    }
}

/// A trap: its reason and where it happened, innermost call first.
public struct Trap: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why.
    public var reason: TrapReason
    /// The active calls, innermost first: function index and name (from the name section).
    public var backtrace: [(index: UInt32, name: String?)]

    /// Creates a trap.
    public init(_ reason: TrapReason, backtrace: [(index: UInt32, name: String?)] = []) {
        self.reason = reason
        self.backtrace = backtrace
    }

    public static func == (lhs: Trap, rhs: Trap) -> Bool {
        lhs.reason == rhs.reason && lhs.backtrace.map(\.index) == rhs.backtrace.map(\.index)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(reason)
    }

    /// `"integer divide by zero\n  at function 3 (divide)\n  at function 2 (sum), 9,998 times\n  at function 0"`:
    /// the reason, then ``backtraceLines``.
    public var description: String {
        ([reason.description] + backtraceLines).joined(separator: "\n")
    }
}

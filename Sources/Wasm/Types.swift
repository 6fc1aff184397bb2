/// A WebAssembly value type (WebAssembly 2.0 without SIMD).
public enum ValueType: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// 32-bit integer.
    case i32 = 0x7F
    /// 64-bit integer.
    case i64 = 0x7E
    /// 32-bit IEEE-754 float.
    case f32 = 0x7D
    /// 64-bit IEEE-754 float.
    case f64 = 0x7C
    /// A reference to a function.
    case funcref = 0x70
    /// A reference to a host value.
    case externref = 0x6F

    /// Whether this is a reference type.
    public var isReference: Bool { self == .funcref || self == .externref }

    /// The text-format name: `"i32"`, `"funcref"`.
    public var description: String {
        switch self {
        case .i32: "i32"
        case .i64: "i64"
        case .f32: "f32"
        case .f64: "f64"
        case .funcref: "funcref"
        case .externref: "externref"
        }
    }
}

/// A function signature.
public struct FunctionType: Hashable, Sendable, CustomStringConvertible {
    /// Parameter types, in order.
    public var parameters: [ValueType]
    /// Result types, in order (several with multi-value).
    public var results: [ValueType]

    /// Creates a signature.
    public init(parameters: [ValueType], results: [ValueType]) {
        self.parameters = parameters
        self.results = results
    }

    /// `"(i32, i64) -> (f32)"`.
    public var description: String {
        "(\(parameters.map(\.description).joined(separator: ", "))) -> (\(results.map(\.description).joined(separator: ", ")))"
    }
}

/// Size limits of a memory (in 64 KiB pages) or a table (in elements). 64 bits wide because a
/// 64-bit memory's or table's limits are u64 in the binary format; a 32-bit one's are u32 (the
/// decoder reads them so).
public struct Limits: Hashable, Sendable {
    /// The initial size.
    public var minimum: UInt64
    /// The largest size it may grow to, if bounded.
    public var maximum: UInt64?

    /// Creates limits.
    public init(minimum: UInt64, maximum: UInt64?) {
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// A table's element type, limits and address type.
public struct TableType: Hashable, Sendable {
    /// `funcref` or `externref`.
    public var elementType: ValueType
    /// Size limits in elements.
    public var limits: Limits
    /// Whether the table is a 64-bit one (table64, part of memory64 in WebAssembly 3.0: i64
    /// indices and sizes, u64 limits).
    public var isTable64: Bool

    /// Creates a table type (32-bit unless `isTable64`).
    public init(elementType: ValueType, limits: Limits, isTable64: Bool = false) {
        self.elementType = elementType
        self.limits = limits
        self.isTable64 = isTable64
    }

    /// The type of its indices and sizes: `i64` for a 64-bit table, else `i32`.
    public var addressType: ValueType { isTable64 ? .i64 : .i32 }
}

/// A linear memory's limits, in 64 KiB pages, and its address type.
public struct MemoryType: Hashable, Sendable {
    /// Size limits in pages.
    public var limits: Limits
    /// Whether the memory is a 64-bit one (memory64: i64 addresses, u64 limits).
    public var isMemory64: Bool

    /// Creates a memory type (32-bit unless `isMemory64`).
    public init(limits: Limits, isMemory64: Bool = false) {
        self.limits = limits
        self.isMemory64 = isMemory64
    }
}

/// A global's value type and mutability.
public struct GlobalType: Hashable, Sendable {
    /// The type of its value.
    public var valueType: ValueType
    /// Whether `global.set` may change it.
    public var isMutable: Bool

    /// Creates a global type.
    public init(valueType: ValueType, isMutable: Bool) {
        self.valueType = valueType
        self.isMutable = isMutable
    }
}

/// The binary format's type opcodes (the formal Candid specification, "Binary Format",
/// "Types": each type constructor is a negative SLEB128 opcode).
enum CandidOpcode {
    static let null: Int64 = -1
    static let bool: Int64 = -2
    static let nat: Int64 = -3
    static let int: Int64 = -4
    static let nat8: Int64 = -5
    static let nat16: Int64 = -6
    static let nat32: Int64 = -7
    static let nat64: Int64 = -8
    static let int8: Int64 = -9
    static let int16: Int64 = -10
    static let int32: Int64 = -11
    static let int64: Int64 = -12
    static let float32: Int64 = -13
    static let float64: Int64 = -14
    static let text: Int64 = -15
    static let reserved: Int64 = -16
    static let empty: Int64 = -17
    static let opt: Int64 = -18
    static let vec: Int64 = -19
    static let record: Int64 = -20
    static let variant: Int64 = -21
    static let function: Int64 = -22
    static let service: Int64 = -23
    static let principal: Int64 = -24

    /// The primitive type with this opcode, if it is one (`principal` included).
    static func primitive(_ code: Int64) -> CandidType? {
        switch code {
        case null: .null
        case bool: .bool
        case nat: .nat
        case int: .int
        case nat8: .nat8
        case nat16: .nat16
        case nat32: .nat32
        case nat64: .nat64
        case int8: .int8
        case int16: .int16
        case int32: .int32
        case int64: .int64
        case float32: .float32
        case float64: .float64
        case text: .text
        case reserved: .reserved
        case empty: .empty
        case principal: .principal
        default: nil
        }
    }

    /// The opcode of a primitive type (`principal` included); `nil` for the others.
    static func code(ofPrimitive type: CandidType) -> Int64? {
        switch type {
        case .null: null
        case .bool: bool
        case .nat: nat
        case .int: int
        case .nat8: nat8
        case .nat16: nat16
        case .nat32: nat32
        case .nat64: nat64
        case .int8: int8
        case .int16: int16
        case .int32: int32
        case .int64: int64
        case .float32: float32
        case .float64: float64
        case .text: text
        case .reserved: reserved
        case .empty: empty
        case .principal: principal
        case .opt, .vec, .record, .variant, .function, .service, .reference: nil
        }
    }
}

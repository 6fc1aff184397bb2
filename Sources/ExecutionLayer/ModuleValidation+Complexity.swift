extension ModuleValidation {
    /// An instruction's weight in a function's complexity (dfinity/ic validation.rs,
    /// `wasm_function_complexity`): 50 for control flow, calls and growing; 14, 8, 7, 6 for
    /// `table.get`, `ref.func`, `table.set`, `ref.is_null`; 5 for conversions and
    /// `table.fill`; 4 for float negation and absolute value and the bulk copies; 3 for
    /// loads, divisions, remainders, `memory.fill` and saturating truncations; 2 for
    /// comparisons, stores, `global.get` and other cheap numeric instructions; else 1.
    static func complexity(_ opcode: UInt8, _ subOpcode: UInt32) -> Int {
        if opcode == 0xFC { return prefixedComplexity(subOpcode) }
        switch opcode {
        case 0x02, 0x03, 0x04, 0x0C, 0x0D, 0x0E, 0x10, 0x11, 0x40: return 50
        case 0x25: return 14
        case 0xD2: return 8
        case 0x26: return 7
        case 0xD1: return 6
        case 0xA8...0xBA: return 5  // truncations, extensions of i32, conversions, demotion
        case 0x8B, 0x8C, 0x99, 0x9A: return 4
        case 0x98, 0xA6, 0x61, 0x6D...0x70, 0x7F...0x82, 0x28...0x35: return 3
        case 0x23, 0x69, 0x7B, 0x1B, 0x3F, 0x36...0x3E, 0x45...0x60, 0x62...0x66, 0x8D...0x8F, 0x91, 0x9B...0x9D, 0x9F,
             0xA7, 0xBB...0xC4:
            return 2
        default: return 1
        }
    }

    /// The weight of a `0xFC`-prefixed instruction.
    static func prefixedComplexity(_ subOpcode: UInt32) -> Int {
        switch subOpcode {
        case 15: 50  // table.grow
        case 17: 5  // table.fill
        case 10, 12, 14: 4  // memory.copy, table.init, table.copy
        case 0...7, 11: 3  // saturating truncations, memory.fill
        default: 1
        }
    }
}

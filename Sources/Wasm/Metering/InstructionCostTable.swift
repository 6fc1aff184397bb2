/// How many instructions the IC charges for each WebAssembly instruction: a value, so the IC
/// layer can use the current table, the old uniform one, or its own.
///
/// ``internetComputer`` follows the IC's Wasm instrumentation (its `instruction_to_cost`;
/// Docs/Model.md, "Instruction costs"). Bulk memory and table operations also cost
/// ``costPerBulkByte`` per byte or element they touch, charged by the interpreter when it
/// knows the count.
public struct InstructionCostTable: Hashable, Sendable {
    /// Cost of each single-byte opcode, indexed by opcode (unused opcodes cost 0).
    public var opcodeCosts: [UInt64]
    /// Cost of each `0xFC`-prefixed instruction, indexed by its sub-opcode 0...17.
    public var prefixedCosts: [UInt64]
    /// Added per byte (or table element) that `memory.fill/copy/init` or `table.fill/copy/init`
    /// touches.
    public var costPerBulkByte: UInt64
    /// Cost of a load or store of a 64-bit memory (memory64): 2 on the IC, where those of a
    /// 32-bit memory cost 1 (its `instruction_to_cost` for Wasm64).
    public var memory64AccessCost: UInt64 = 2

    /// Creates a table.
    /// - Precondition: 256 opcode costs and 18 prefixed costs.
    public init(opcodeCosts: [UInt64], prefixedCosts: [UInt64], costPerBulkByte: UInt64) {
        precondition(opcodeCosts.count == 256 && prefixedCosts.count == 18, "a cost table covers 256 opcodes and 18 prefixed ones")
        self.opcodeCosts = opcodeCosts
        self.prefixedCosts = prefixedCosts
        self.costPerBulkByte = costPerBulkByte
    }

    /// The cost of single-byte opcode `opcode`.
    @inlinable
    public func cost(opcode: UInt8) -> UInt64 { opcodeCosts[Int(opcode)] }

    /// The cost of `0xFC`-prefixed instruction `subOpcode` (0 when out of range).
    @inlinable
    public func cost(prefixed subOpcode: UInt32) -> UInt64 {
        subOpcode < UInt32(prefixedCosts.count) ? prefixedCosts[Int(subOpcode)] : 0
    }

    /// The older IC instrumentation: every instruction costs 1 except block, loop, else and end.
    public static let uniform: InstructionCostTable = {
        var opcodes = [UInt64](repeating: 1, count: 256)
        for opcode: UInt8 in [0x02, 0x03, 0x05, 0x0B] { opcodes[Int(opcode)] = 0 }
        var table = InstructionCostTable(opcodeCosts: opcodes, prefixedCosts: Array(repeating: 1, count: 18), costPerBulkByte: 0)
        table.memory64AccessCost = 1
        return table
    }()

    /// The IC's current table (loads and stores of a 64-bit memory cost ``memory64AccessCost``).
    public static let internetComputer: InstructionCostTable = {
        var costs = [UInt64](repeating: 0, count: 256)
        func set(_ opcodes: [ClosedRange<UInt8>], _ cost: UInt64) {
            for range in opcodes { for opcode in range { costs[Int(opcode)] = cost } }
        }
        set([0x00...0x01, 0x0F...0x0F, 0x1A...0x1C, 0x20...0x22], 1)  // unreachable nop return drop select local.*
        set([0x04...0x04, 0x0C...0x0E, 0x23...0x24], 2)                // if br br_if br_table global.*
        set([0x10...0x10], 5)                                            // call
        set([0x11...0x11], 10)                                           // call_indirect
        set([0x25...0x26], 5)                                            // table.get table.set
        set([0x28...0x3E], 1)                                            // loads and stores (wasm32)
        set([0x3F...0x3F], 20)                                           // memory.size
        set([0x40...0x40], 300)                                          // memory.grow
        set([0x41...0x44], 1)                                            // constants
        set([0x45...0x5A], 1)                                            // integer tests and comparisons
        set([0x5B...0x66], 3)                                            // float comparisons
        set([0x67...0x8A], 1)                                            // integer arithmetic, bitwise, shifts, clz/ctz/popcnt
        set([0x6D...0x70, 0x7F...0x82], 10)                              // integer div and rem
        set([0x8B...0x8C, 0x99...0x9A], 1)                               // float abs, neg
        set([0x8D...0x90, 0x9B...0x9E], 2)                               // float ceil, floor, trunc, nearest
        set([0x91...0x91], 5)                                            // f32.sqrt
        set([0x9F...0x9F], 8)                                            // f64.sqrt
        set([0x92...0x94, 0xA0...0xA2], 2)                               // float add, sub, mul
        set([0x95...0x95], 3)                                            // f32.div
        set([0xA3...0xA3], 5)                                            // f64.div
        set([0x96...0x97, 0xA4...0xA5], 18)                              // float min, max
        set([0x98...0x98], 2)                                            // f32.copysign
        set([0xA6...0xA6], 3)                                            // f64.copysign
        set([0xA7...0xA7, 0xAC...0xAD, 0xB6...0xB6, 0xBB...0xBF, 0xC0...0xC4], 1)  // wrap, extend, demote, promote, reinterpret
        set([0xA8...0xAB, 0xAE...0xB1], 20)                              // float-to-int truncation
        set([0xB2...0xB2, 0xB4...0xB4, 0xB7...0xB7, 0xB9...0xB9], 3)     // signed int-to-float conversion
        set([0xB3...0xB3, 0xB5...0xB5, 0xB8...0xB8, 0xBA...0xBA], 16)    // unsigned int-to-float conversion
        set([0xD0...0xD0], 1)                                            // ref.null
        set([0xD1...0xD1], 5)                                            // ref.is_null
        set([0xD2...0xD2], 130)                                          // ref.func
        // 0xFC: trunc_sat 0-7; memory.init, data.drop, memory.copy, memory.fill 8-11;
        // table.init, elem.drop, table.copy, table.grow, table.size, table.fill 12-17.
        let prefixed: [UInt64] = [20, 20, 20, 20, 20, 20, 20, 20, 100, 300, 100, 100, 100, 300, 100, 300, 100, 100]
        return InstructionCostTable(opcodeCosts: costs, prefixedCosts: prefixed, costPerBulkByte: 1)
    }()

    /// The sum of the static costs of the instructions in `code` (a function body's
    /// instructions, through its final `end`). For straight-line code that is exactly what
    /// running it is charged, before any bulk-byte cost.
    /// - Throws: ``WasmDecodingError`` if `code` is not a well-formed instruction sequence.
    public func staticCost(ofInstructions code: [UInt8]) throws(WasmDecodingError) -> UInt64 {
        var reader = ByteReader(bytes: code)
        var total: UInt64 = 0
        var depth = 1
        while depth > 0 {
            let opcode = try reader.byte()
            if opcode == 0xFC {
                let position = reader.offset
                let subOpcode = try reader.u32()
                reader.skip(to: position)
                total += cost(prefixed: subOpcode)
            } else {
                total += cost(opcode: opcode)
            }
            depth += try reader.skipImmediates(of: opcode)
        }
        return total
    }
}

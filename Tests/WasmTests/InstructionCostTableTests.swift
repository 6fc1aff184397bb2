import Testing
@testable import Wasm

@Suite("Instruction costs")
struct InstructionCostTableTests {
    let table = InstructionCostTable.internetComputer

    static let f64Zero: [UInt8] = [0x44, 0, 0, 0, 0, 0, 0, 0, 0]
    static let f32Zero: [UInt8] = [0x43, 0, 0, 0, 0]

    /// Counts worked out by hand from the costs in Docs/Model.md, "Instruction costs".
    static let handCounts: [(code: [UInt8], cost: UInt64)] = [
        // local.get 0; i32.const 1; i32.add; end  -> 1 + 1 + 1 + 0
        ([0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B], 3),
        // block; i32.const 7; i32.const 2; i32.div_s; drop; end; end -> 0 + 1 + 1 + 10 + 1 + 0 + 0
        ([0x02, 0x40, 0x41, 0x07, 0x41, 0x02, 0x6D, 0x1A, 0x0B, 0x0B], 13),
        // f64.const; f64.sqrt; f64.const; f64.div; drop; end -> 1 + 8 + 1 + 5 + 1
        (f64Zero + [0x9F] + f64Zero + [0xA3, 0x1A, 0x0B], 16),
        // i32.const; memory.grow; drop; memory.size; drop; end -> 1 + 300 + 1 + 20 + 1
        ([0x41, 0x01, 0x40, 0x00, 0x1A, 0x3F, 0x00, 0x1A, 0x0B], 323),
        // global.get 0; call 1; call_indirect; end -> 2 + 5 + 10
        ([0x23, 0x00, 0x10, 0x01, 0x11, 0x00, 0x00, 0x0B], 17),
        // f32.const; i32.trunc_f32_s; f32.const; i32.trunc_sat_f32_s; f32.const; f32.const; f32.min; end
        // -> 1 + 20 + 1 + 20 + 1 + 1 + 18
        (f32Zero + [0xA8] + f32Zero + [0xFC, 0x00] + f32Zero + f32Zero + [0x96, 0x0B], 62),
        // i32.const x3; memory.fill; data.drop 0; end -> 3 + 100 + 300
        ([0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x00, 0xFC, 0x09, 0x00, 0x0B], 403),
        // i32.const 1; if; loop; br 0; end; else; end; end -> 1 + 2 + 0 + 2 + 0 + 0 + 0 + 0
        ([0x41, 0x01, 0x04, 0x40, 0x03, 0x40, 0x0C, 0x00, 0x0B, 0x05, 0x0B, 0x0B], 5),
    ]

    @Test(arguments: handCounts)
    func staticCostsMatchHandCounts(code: [UInt8], expected: UInt64) throws {
        #expect(try table.staticCost(ofInstructions: code) == expected)
    }

    @Test func theUniformTableChargesOnePerInstructionButBlockMarkers() throws {
        let code: [UInt8] = [0x02, 0x40, 0x41, 0x07, 0x41, 0x02, 0x6D, 0x1A, 0x0B, 0x0B]
        #expect(try InstructionCostTable.uniform.staticCost(ofInstructions: code) == 4)
    }

    @Test func everyInstructionOfWebAssembly2HasACost() {
        // Every opcode the validator accepts costs something, except the block markers.
        let free: Set<UInt8> = [0x02, 0x03, 0x05, 0x0B]
        let valid: [ClosedRange<UInt8>] = [0x00...0x05, 0x0B...0x11, 0x1A...0x1C, 0x20...0x26, 0x28...0xC4, 0xD0...0xD2]
        for range in valid {
            for opcode in range where !free.contains(opcode) {
                #expect(table.cost(opcode: opcode) > 0, "opcode 0x\(String(opcode, radix: 16))")
            }
        }
        #expect((0...17).allSatisfy { table.cost(prefixed: UInt32($0)) > 0 })
        #expect(table.cost(prefixed: 99) == 0)
    }

    @Test func malformedCodeIsReported() {
        #expect(throws: WasmDecodingError.self) { try table.staticCost(ofInstructions: [0x41]) }
        #expect(throws: WasmDecodingError.self) { try table.staticCost(ofInstructions: [0xFF, 0x0B]) }
    }
}

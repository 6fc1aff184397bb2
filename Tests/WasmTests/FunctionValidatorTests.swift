import Testing
import SimCore
@testable import Wasm

@Suite("Wasm validator")
struct FunctionValidatorTests {
    typealias B = ModuleBuilder

    /// A module with one memory, one funcref table, types [(i32) -> (i32), () -> ()], and one
    /// function of type 0 whose body (after the local declarations) is `code`.
    static func module(code: [UInt8], locals: [UInt8] = [0x00], withMemory: Bool = true) -> [UInt8] {
        var module = ModuleBuilder()
        module.section(1, B.vector([[0x60, 0x01, 0x7F, 0x01, 0x7F], [0x60, 0x00, 0x00]]))
        module.section(3, B.vector([[0x00]]))
        module.section(4, B.vector([[0x70, 0x00, 0x01]]))
        if withMemory { module.section(5, B.vector([[0x00, 0x01]])) }
        let body = locals + code
        module.section(10, B.vector([B.u32(UInt32(body.count)) + body]))
        return module.bytes
    }

    func load(_ code: [UInt8], locals: [UInt8] = [0x00], withMemory: Bool = true) -> Result<WasmModule, WasmLoadError> {
        let bytes = Self.module(code: code, locals: locals, withMemory: withMemory)
        return Result { () throws(WasmLoadError) in try WasmModule.load(bytes) }
    }

    func expectValid(_ code: [UInt8], locals: [UInt8] = [0x00], sourceLocation: SourceLocation = #_sourceLocation) {
        if case .failure(let error) = load(code, locals: locals) {
            Issue.record("rejected: \(error)", sourceLocation: sourceLocation)
        }
    }

    func expectRejected(_ code: [UInt8], _ message: String, malformed: Bool = false, withMemory: Bool = true,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        switch load(code, withMemory: withMemory) {
        case .success: Issue.record("accepted, expected \(message)", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(error.description.contains(message), "\(error)", sourceLocation: sourceLocation)
            #expect(error.isMalformed == malformed, "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func wellTypedBodiesAreAccepted() {
        expectValid([0x20, 0x00, 0x0B])                                            // local.get 0
        expectValid([0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B])                          // i32.add
        expectValid([0x02, 0x7F, 0x41, 0x07, 0x0B, 0x0B])                          // block (result i32)
        expectValid([0x03, 0x40, 0x0B, 0x20, 0x00, 0x0B])                          // empty loop
        expectValid([0x20, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B, 0x0B])  // if/else
        expectValid([0x02, 0x7F, 0x41, 0x01, 0x20, 0x00, 0x0E, 0x01, 0x00, 0x00, 0x0B, 0x0B])  // br_table
        expectValid([0x00, 0x0B])                                                   // unreachable: anything goes
        expectValid([0x00, 0x6A, 0x0B])                                             // i32.add on unknown types
        expectValid([0x41, 0x00, 0x28, 0x02, 0x00, 0x0B])                           // i32.load align 4
        expectValid([0x20, 0x00, 0x20, 0x00, 0x20, 0x00, 0x1B, 0x0B])               // select
        expectValid([0x20, 0x01, 0x0B], locals: [0x01, 0x01, 0x7F])                 // declared local
        expectValid([0x41, 0x00, 0x11, 0x01, 0x00, 0x41, 0x00, 0x0B])               // call_indirect type 1
        expectValid([0x3F, 0x00, 0x0B])                                             // memory.size
        expectValid([0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x00, 0x41, 0x05, 0x0B])  // memory.fill
    }

    @Test func typeErrorsNameTheFunctionOffsetAndTypes() {
        expectRejected([0x42, 0x00, 0x0B], "type mismatch: expected i32, found i64")
        expectRejected([0x41, 0x00, 0x41, 0x00, 0x0B], "type mismatch: 1 values left")
        expectRejected([0x0B], "type mismatch: expected a value")
        expectRejected([0x20, 0x05, 0x0B], "unknown local 5")
        expectRejected([0x0C, 0x03, 0x0B], "unknown label 3")
        expectRejected([0x10, 0x09, 0x0B], "unknown function 9")
        expectRejected([0x23, 0x00, 0x0B], "unknown global 0")
        expectRejected([0x41, 0x00, 0x28, 0x03, 0x00, 0x0B], "alignment must not be larger than natural")
        expectRejected([0x41, 0x00, 0x28, 0x02, 0x00, 0x0B], "unknown memory 0", withMemory: false)
        expectRejected([0x20, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x0B, 0x0B], "type mismatch: if without else")
        expectRejected([0x1C, 0x02, 0x7F, 0x7F, 0x0B], "invalid result arity 2")
        expectRejected([0xD2, 0x00, 0x1A, 0x20, 0x00, 0x0B], "undeclared function reference 0")
        if case .failure(.validation(let error)) = load([0x42, 0x00, 0x0B]) {
            #expect(error.functionIndex == 0)
            #expect(error.offset == Self.module(code: [0x42, 0x00, 0x0B]).count - 1)  // at the final end
            #expect(error.description.hasPrefix("function 0, byte 0x"))
        } else {
            Issue.record("expected a validation error")
        }
    }

    @Test func malformedBodiesAreMalformed() {
        expectRejected([0xFF, 0x0B], "illegal opcode 0xff", malformed: true)
        expectRejected([0xFD, 0x0C, 0x0B], "SIMD (v128) is not supported", malformed: true)
        expectRejected([0x3F, 0x01, 0x0B], "zero byte expected", malformed: true)
        expectRejected([0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0B], "integer representation too long", malformed: true)
        expectRejected([0x20, 0x00, 0x0B, 0x01], "END opcode expected", malformed: true)
        expectRejected([0x02, 0x40, 0x0B], "unexpected end", malformed: true)
        // Invalid first, malformed later: the malformation wins, as in decode-then-validate.
        expectRejected([0x42, 0x00, 0x1A, 0xFF, 0x0B], "illegal opcode 0xff", malformed: true)
    }

    /// Mutated valid modules run through decoding and validation never crash or hang.
    @Test func mutatedModulesNeverCrashTheLoader() {
        var stream = RandomSeed(77).stream("wasm-validate-fuzz")
        let seeds = [
            Self.module(code: [0x20, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B, 0x0B]),
            Self.module(code: [0x02, 0x7F, 0x41, 0x01, 0x20, 0x00, 0x0E, 0x01, 0x00, 0x00, 0x0B, 0x0B]),
            Self.module(code: [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x00, 0x41, 0x05, 0x0B]),
        ]
        var outcomes = [0, 0]
        for round in 0..<30_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0...stream.uniform(below: 3) {
                bytes[Int(stream.uniform(below: UInt64(bytes.count)))] = UInt8(truncatingIfNeeded: stream.next())
            }
            let loaded = (try? WasmModule.load(bytes)) != nil
            outcomes[loaded ? 0 : 1] += 1
        }
        #expect(outcomes[0] > 100 && outcomes[1] > 10_000, "\(outcomes)")
    }
}

/// The compiler's table of which instruction fields are slots must agree with the operand
/// counts of the numeric instructions (a binary operation reads two slots, a unary one).
@Test func slotFieldsAgreeWithNumericSignatures() throws {
    for opcode: UInt8 in 0x45...0xC4 {
        let code = try #require(OpCode(rawValue: opcode))
        let operands = NumericSignatures.table[Int(opcode - 0x45)].operands.count
        let fields = code.slotFields
        #expect(fields.a && fields.b && fields.c == (operands == 2), "opcode 0x\(String(opcode, radix: 16))")
    }
}

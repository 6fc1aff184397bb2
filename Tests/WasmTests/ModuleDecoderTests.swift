import Testing
import SimCore
import ICSimTestSupport
@testable import Wasm

@Suite("Wasm module decoder")
struct ModuleDecoderTests {
    typealias B = ModuleBuilder

    /// A module that uses every section and every segment encoding.
    static func fullModule() -> [UInt8] {
        var module = ModuleBuilder()
        module.section(1, B.vector([[0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D], [0x60, 0x00, 0x00]]))
        module.section(2, B.vector([
            B.name("env") + B.name("f") + [0x00, 0x01],
            B.name("env") + B.name("t") + [0x01, 0x70, 0x01, 0x01, 0x0A],
            B.name("env") + B.name("m") + [0x02, 0x00, 0x01],
            B.name("env") + B.name("g") + [0x03, 0x7F, 0x00],
        ]))
        module.section(3, B.vector([[0x00], [0x01]]))
        module.section(4, B.vector([[0x6F, 0x00, 0x02]]))
        module.section(6, B.vector([
            [0x7E, 0x01, 0x42] + B.s64(-5) + [0x0B],
            [0x70, 0x00, 0xD2, 0x01, 0x0B],
        ]))
        module.section(7, B.vector([B.name("run") + [0x00, 0x02], B.name("mem") + [0x02, 0x00]]))
        module.section(8, B.u32(2))
        module.section(9, B.vector([
            [0x00, 0x41, 0x00, 0x0B] + B.vector([[0x01], [0x02]]),       // active, table 0, indices
            [0x01, 0x00] + B.vector([[0x02]]),                           // passive, indices
            [0x07, 0x6F] + B.vector([[0xD0, 0x6F, 0x0B]]),               // declarative, expressions
        ]))
        module.section(12, B.u32(2))
        module.section(10, B.vector([
            [0x06, 0x01, 0x02, 0x7F, 0x20, 0x00, 0x0B],  // size 6: two i32 locals; local.get 0; end
            [0x02, 0x00, 0x0B],                          // size 2: no locals; end
        ]))
        module.section(11, B.vector([
            [0x00, 0x41, 0x10, 0x0B] + B.vector([[0x68], [0x69]]),
            [0x01] + B.vector([[0x21]]),
        ]))
        let functionNames = B.vector([B.u32(2) + B.name("run"), B.u32(0) + B.name("f")])
        module.section(0, B.name("name") + [0x01] + B.u32(UInt32(functionNames.count)) + functionNames)
        return module.bytes
    }

    @Test func emptyModuleDecodes() throws {
        let module = try ModuleDecoder.decode(ModuleBuilder().bytes)
        #expect(module.types.isEmpty && module.bodies.isEmpty && module.customSections.isEmpty)
    }

    @Test func everySectionDecodes() throws {
        let module = try ModuleDecoder.decode(Self.fullModule())
        #expect(module.types == [FunctionType(parameters: [.i32, .i64], results: [.f32]), FunctionType(parameters: [], results: [])])
        #expect(module.imports.map(\.name) == ["f", "t", "m", "g"])
        #expect(module.imports[1].descriptor == .table(TableType(elementType: .funcref, limits: Limits(minimum: 1, maximum: 10))))
        #expect(module.imports[3].descriptor == .global(GlobalType(valueType: .i32, isMutable: false)))
        #expect(module.importedFunctionCount == 1)
        #expect(module.functionTypeIndices == [0, 1])
        #expect(module.tables == [TableType(elementType: .externref, limits: Limits(minimum: 2, maximum: nil))])
        #expect(module.globals[0].initializer.instructions == [.i64Const(-5)] && module.globals[0].type.isMutable)
        #expect(module.globals[1].initializer.instructions == [.refFunc(1)])
        #expect(module.exports == [.init(name: "run", descriptor: .function(2)), .init(name: "mem", descriptor: .memory(0))])
        #expect(module.startFunction == 2)
        #expect(module.elements.count == 3)
        #expect(module.elements[0].elements.map(\.instructions) == [[.refFunc(1)], [.refFunc(2)]])
        #expect(module.elements[1].mode == .passive && module.elements[2].mode == .declarative)
        #expect(module.elements[2].elementType == .externref)
        #expect(module.dataCount == 2)
        #expect(module.bodies[0].localCount == 2 && module.bodies[0].localGroups == [.init(count: 2, type: .i32)])
        #expect(Array(module.bytes[module.bodies[0].code]) == [0x20, 0x00, 0x0B])
        #expect(Array(module.bytes[module.data[0].bytes]) == [0x68, 0x69])
        #expect(module.data[1].mode == .passive)
        #expect(module.functionName(2) == "run" && module.functionName(0) == "f" && module.functionName(1) == nil)
    }

    /// Cut anywhere but at a section boundary, the module must be rejected (at a boundary it
    /// may be a smaller valid module).
    @Test func everyTruncationFailsCleanly() throws {
        let bytes = Self.fullModule()
        var boundaries: Set<Int> = [8]
        var reader = 8
        while reader < bytes.count {
            var size = 0
            var shift = 0
            var position = reader + 1
            while true {
                size |= Int(bytes[position] & 0x7F) << shift
                shift += 7
                position += 1
                if bytes[position - 1] & 0x80 == 0 { break }
            }
            reader = position + size
            boundaries.insert(reader)
        }
        #expect(boundaries.count == 13)  // the header's end and the end of each of the 12 sections
        for length in 0..<bytes.count where !boundaries.contains(length) {
            #expect(throws: WasmDecodingError.self) { try ModuleDecoder.decode(Array(bytes[0..<length])) }
        }
    }

    func expectError(_ bytes: [UInt8], _ reason: WasmDecodingError.Reason, at offset: Int? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ModuleDecoder.decode(bytes)
            Issue.record("decoded, expected \(reason)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.reason == reason, sourceLocation: sourceLocation)
            if let offset { #expect(error.offset == offset, sourceLocation: sourceLocation) }
        }
    }

    @Test func headerErrors() {
        expectError([0x00, 0x61, 0x73], .magicHeaderNotDetected, at: 0)
        expectError([0x00, 0x61, 0x73, 0x6E, 0x01, 0, 0, 0], .magicHeaderNotDetected, at: 0)
        expectError([0x00, 0x61, 0x73, 0x6D, 0x02, 0, 0, 0], .unknownBinaryVersion(2), at: 4)
        expectError([0x00, 0x61, 0x73, 0x6D, 0x01, 0, 0], .unexpectedEnd)
    }

    @Test func sectionStructureErrors() {
        var badID = ModuleBuilder()
        badID.section(13, [])
        expectError(badID.bytes, .malformedSectionID(13), at: 8)
        var outOfOrder = ModuleBuilder()
        outOfOrder.section(3, B.vector([]))
        outOfOrder.section(1, B.vector([]))
        expectError(outOfOrder.bytes, .sectionOutOfOrder(1), at: 11)
        var twice = ModuleBuilder()
        twice.section(1, B.vector([]))
        twice.section(1, B.vector([]))
        expectError(twice.bytes, .sectionOutOfOrder(1))
        var tooLong = ModuleBuilder()
        tooLong.section(1, B.vector([]) + [0x00])  // a byte left over in the section
        expectError(tooLong.bytes, .sectionSizeMismatch(section: 1), at: 11)
        var pastEnd = ModuleBuilder()
        pastEnd.section(1, B.vector([]))
        expectError(Array(pastEnd.bytes.dropLast(2)) + [0x05, 0x00], .lengthOutOfBounds)
    }

    @Test func countAgreementErrors() {
        var functionsWithoutCode = ModuleBuilder()
        functionsWithoutCode.section(1, B.vector([[0x60, 0x00, 0x00]]))
        functionsWithoutCode.section(3, B.vector([[0x00]]))
        expectError(functionsWithoutCode.bytes, .functionAndCodeCountMismatch(functions: 1, bodies: 0))
        var dataCount = ModuleBuilder()
        dataCount.section(12, B.u32(1))
        expectError(dataCount.bytes, .dataCountMismatch(declared: 1, found: 0))
    }

    @Test func leb128EdgesFollowTheSpec() throws {
        func typeSectionWithCount(_ countBytes: [UInt8]) -> [UInt8] {
            var module = ModuleBuilder()
            module.section(1, countBytes)
            return module.bytes
        }
        #expect(try ModuleDecoder.decode(typeSectionWithCount([0x80, 0x80, 0x80, 0x80, 0x00])).types.isEmpty)
        expectError(typeSectionWithCount([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), .integerRepresentationTooLong)
        expectError(typeSectionWithCount([0x80, 0x80, 0x80, 0x80, 0x10]), .integerTooLarge)
        func globalWithI32(_ immediate: [UInt8]) -> [UInt8] {
            var module = ModuleBuilder()
            module.section(6, B.vector([[0x7F, 0x00, 0x41] + immediate + [0x0B]]))
            return module.bytes
        }
        let minimum = try ModuleDecoder.decode(globalWithI32([0x80, 0x80, 0x80, 0x80, 0x78]))
        #expect(minimum.globals[0].initializer.instructions == [.i32Const(Int32.min)])
        let maximum = try ModuleDecoder.decode(globalWithI32([0xFF, 0xFF, 0xFF, 0xFF, 0x07]))
        #expect(maximum.globals[0].initializer.instructions == [.i32Const(Int32.max)])
        expectError(globalWithI32([0x80, 0x80, 0x80, 0x80, 0x70]), .integerTooLarge)
        expectError(globalWithI32([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]), .integerTooLarge)
        let minusOne = try ModuleDecoder.decode(globalWithI32([0x7F]))
        #expect(minusOne.globals[0].initializer.instructions == [.i32Const(-1)])
    }

    /// The encoder that the tests and the fuzz generator build modules with (ICSimTestSupport)
    /// against the spec's examples and the decoder, at every width's edges.
    @Test func leb128EncoderRoundTripsThroughTheDecoder() throws {
        #expect(LEB128.unsigned(624_485) == [0xE5, 0x8E, 0x26])
        #expect(LEB128.signed(-123_456) == [0xC0, 0xBB, 0x78])
        #expect(LEB128.unsigned(0) == [0x00] && LEB128.signed(0) == [0x00] && LEB128.signed(-1) == [0x7F])
        #expect(LEB128.signed(63) == [0x3F] && LEB128.signed(64) == [0xC0, 0x00] && LEB128.signed(-64) == [0x40])
        let unsignedValues: [UInt64] = [0, 1, 127, 128, 16_383, 16_384, UInt64(UInt32.max), UInt64(UInt32.max) + 1, .max]
        for value in unsignedValues {
            var reader = ByteReader(bytes: LEB128.unsigned(value))
            #expect(try reader.unsignedLEB(bits: 64) == value && reader.isAtEnd, "\(value)")
        }
        let signedValues: [Int64] = [0, 1, -1, 63, 64, -64, -65, Int64(Int32.min), Int64(Int32.max), .min, .max]
        for value in signedValues {
            var reader = ByteReader(bytes: LEB128.signed(value))
            #expect(try reader.signedLEB(bits: 64) == value && reader.isAtEnd, "\(value)")
        }
    }

    @Test func namesMustBeUTF8() {
        var module = ModuleBuilder()
        module.section(2, B.vector([B.u32(2) + [0xC3, 0x28] + B.name("f") + [0x00, 0x00]]))
        expectError(module.bytes, .malformedUTF8, at: 12)
    }

    @Test func simdIsRejectedWithItsOffset() {
        var module = ModuleBuilder()
        module.section(1, B.vector([[0x60, 0x01, 0x7B, 0x00]]))
        expectError(module.bytes, .unsupportedSIMD, at: 13)
        #expect(WasmDecodingError(.unsupportedSIMD, at: 13).description == "byte 0xd (13): SIMD (v128) is not supported")
    }

    @Test func encodingErrorsNameTheByte() throws {
        var importKind = ModuleBuilder()
        importKind.section(2, B.vector([B.name("a") + B.name("b") + [0x04, 0x00]]))
        expectError(importKind.bytes, .malformedImportKind(4), at: 15)
        var referenceType = ModuleBuilder()
        referenceType.section(4, B.vector([[0x7F, 0x00, 0x00]]))
        expectError(referenceType.bytes, .malformedReferenceType(0x7F), at: 11)
        var mutability = ModuleBuilder()
        mutability.section(6, B.vector([[0x7F, 0x02, 0x41, 0x00, 0x0B]]))
        expectError(mutability.bytes, .malformedMutability(2), at: 12)
        var constant = ModuleBuilder()
        constant.section(6, B.vector([[0x7F, 0x00, 0x02, 0x40, 0x0B, 0x6A, 0x0B]]))  // block end; i32.add; end
        #expect(try ModuleDecoder.decode(constant.bytes).globals[0].initializer.instructions
                == [.nonConstant(opcode: 0x02), .nonConstant(opcode: 0x6A)])
        #expect(throws: WasmLoadError.validation(WasmValidationError(
            "constant expression required: opcode 0x2 is not constant", at: 8))) { try WasmModule.load(constant.bytes) }
        var segment = ModuleBuilder()
        segment.section(11, B.vector([[0x03]]))
        expectError(segment.bytes, .malformedSegmentKind(3), at: 11)
    }

    @Test func localsAreBounded() {
        var module = ModuleBuilder()
        module.section(1, B.vector([[0x60, 0x00, 0x00]]))
        module.section(3, B.vector([[0x00]]))
        let body = B.vector([B.u32(40_000) + [0x7F], B.u32(40_000) + [0x7E]]) + [0x0B]
        module.section(10, B.vector([B.u32(UInt32(body.count)) + body]))
        expectError(module.bytes, .tooManyLocals(limit: 50_000))
        var noEnd = ModuleBuilder()
        noEnd.section(1, B.vector([[0x60, 0x00, 0x00]]))
        noEnd.section(3, B.vector([[0x00]]))
        noEnd.section(10, B.vector([[0x02, 0x00, 0x01]]))
        expectError(noEnd.bytes, .endOpcodeExpected)
    }

    /// Random and mutated inputs must never crash or hang the decoder: each either decodes or
    /// throws a typed error.
    @Test func randomAndMutatedInputsNeverCrash() {
        var stream = RandomSeed(2026).stream("wasm-fuzz")
        let valid = Self.fullModule()
        var rejected = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = valid
                for _ in 0...stream.uniform(below: 4) {
                    bytes[Int(stream.uniform(below: UInt64(bytes.count)))] = UInt8(truncatingIfNeeded: stream.next())
                }
            } else {
                bytes = Array(valid[0..<8]) + (0..<stream.uniform(below: 64)).map { _ in UInt8(truncatingIfNeeded: stream.next()) }
            }
            do { _ = try ModuleDecoder.decode(bytes) } catch { rejected += 1 }
        }
        #expect(rejected > 10_000, "most random inputs are malformed")
    }
}

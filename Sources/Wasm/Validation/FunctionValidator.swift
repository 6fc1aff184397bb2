/// Decodes and type-checks one function body in a single pass, following the validation
/// algorithm of the WebAssembly specification's appendix: a stack of operand types (with an
/// "unknown" type below unreachable code) and a stack of control frames.
///
/// It also catches what the binary format forbids inside bodies: unknown opcodes, overlong or
/// too-large LEB128 immediates, non-zero reserved bytes, a body that ends early or continues
/// after its last `end`, and `memory.init`/`data.drop` without a data count section.
struct FunctionValidator {
    /// A branch whose target is not known yet.
    enum Fixup {
        /// Field `a` of the instruction at this index.
        case instruction(Int)
        /// Entry at this index of the branch table entries.
        case tableEntry(Int)
    }

    /// A block, loop, if, or the function itself.
    struct Frame {
        enum Kind { case function, block, loop, ifThen, ifElse }
        var kind: Kind
        var parameters: [ValueType]
        var results: [ValueType]
        /// Operand stack height when the frame was entered (its parameters excluded).
        var height: Int
        /// Whether the rest of the frame is unreachable (after br, return, unreachable, ...).
        var unreachable = false
        /// Whether code is emitted for this frame (false inside unreachable code).
        var emits = true
        /// Where a branch to a loop goes.
        var startPC = 0
        /// Branches to this frame's end, patched when it ends.
        var fixups: [Fixup] = []
        /// The conditional branch of an `if`, patched at its `else` or `end`.
        var elseFixup: Int?

        /// The types a branch to this frame carries.
        var labelTypes: [ValueType] { kind == .loop ? parameters : results }
    }

    let context: ValidationContext
    let functionIndex: Int
    var reader: ByteReader
    var locals: [ValueType] = []
    /// Operand types; `nil` is the unknown type of unreachable code.
    var operands: [ValueType?] = []
    /// Parallel to `operands`: where each operand's value is. -1: in its own slot; 0 or more:
    /// it is that local's current value (a `local.get` not copied); -2 or less: it is constant
    /// `-2 - source` of the function's constant pool (see ``FunctionCompiler``).
    var operandSources: [Int32] = []
    var frames: [Frame] = []
    /// Where the instruction being checked starts.
    var instructionOffset = 0
    /// The code being emitted (see ``FunctionCompiler``).
    var emitter: FunctionCompiler
    let costTable: InstructionCostTable
    /// Where the body's instructions start.
    let bodyStart: Int

    init(context: ValidationContext, functionIndex: Int, body: WasmModule.FunctionBody, limits: DecodingLimits,
         costTable: InstructionCostTable = .internetComputer) {
        self.context = context
        self.costTable = costTable
        self.functionIndex = functionIndex
        reader = ByteReader(bytes: context.module.bytes, offset: body.code.lowerBound, limit: body.code.upperBound)
        bodyStart = body.code.lowerBound
        let type = context.functionType(ofFunction: UInt32(functionIndex)) ?? FunctionType(parameters: [], results: [])
        locals = type.parameters
        for group in body.localGroups {
            locals += Array(repeating: group.type, count: Int(group.count))
        }
        frames = [Frame(kind: .function, parameters: [], results: type.results, height: 0)]
        emitter = FunctionCompiler(localCount: locals.count, bodyBytes: body.code.count)
        emitter.startBlock()
    }

    /// The compiled body (valid once ``validate()`` returned).
    var compiled: CompiledFunction {
        let type = context.functionType(ofFunction: UInt32(functionIndex)) ?? FunctionType(parameters: [], results: [])
        return emitter.finish(parameterCount: type.parameters.count, resultCount: type.results.count)
    }

    // MARK: - Errors and immediates

    func invalid(_ message: String) -> WasmValidationError {
        WasmValidationError(message, at: instructionOffset, function: functionIndex)
    }

    func malformed(_ message: String, at offset: Int? = nil) -> WasmValidationError {
        WasmValidationError(message, at: offset ?? reader.offset, function: functionIndex, malformed: true)
    }

    mutating func read<T>(_ body: (inout ByteReader) throws(WasmDecodingError) -> T) throws(WasmValidationError) -> T {
        do {
            return try body(&reader)
        } catch {
            let message = error.reason == .unexpectedEnd ? "unexpected end of section or function" : error.message
            throw WasmValidationError(message, at: error.offset, function: functionIndex, malformed: true)
        }
    }

    mutating func u32() throws(WasmValidationError) -> UInt32 {
        try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.u32() }
    }

    /// An unsigned 64-bit LEB128 integer (a 64-bit memory's memarg offset).
    mutating func u64() throws(WasmValidationError) -> UInt64 {
        try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.unsignedLEB(bits: 64) }
    }

    mutating func byte() throws(WasmValidationError) -> UInt8 {
        try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.byte() }
    }

    mutating func zeroByte() throws(WasmValidationError) {
        let position = reader.offset
        guard try byte() == 0 else { throw malformed("zero byte expected", at: position) }
    }

    // MARK: - Operand stack

    mutating func push(_ type: ValueType?) {
        operands.append(type)
        operandSources.append(-1)
        emitter.noteHeight(operands.count)
    }

    mutating func push(_ types: [ValueType]) {
        for type in types { push(type) }
    }

    mutating func pop() throws(WasmValidationError) -> ValueType? {
        let frame = frames[frames.count - 1]
        if operands.count == frame.height {
            if frame.unreachable { return nil }
            throw invalid("type mismatch: expected a value, the stack is empty")
        }
        operandSources.removeLast()
        return operands.removeLast()
    }

    @discardableResult
    mutating func pop(_ expected: ValueType?) throws(WasmValidationError) -> ValueType? {
        let actual = try pop()
        if let actual, let expected, actual != expected {
            throw invalid("type mismatch: expected \(expected), found \(actual)")
        }
        return actual ?? expected
    }

    mutating func pop(_ expected: [ValueType]) throws(WasmValidationError) {
        for type in expected.reversed() { try pop(type) }
    }

    /// Marks the rest of the current frame unreachable.
    mutating func unreachable() {
        operands.removeSubrange(frames[frames.count - 1].height...)
        operandSources.removeSubrange(frames[frames.count - 1].height...)
        frames[frames.count - 1].unreachable = true
        emitter.terminateBlock()
    }

    func label(_ depth: UInt32) throws(WasmValidationError) -> Frame {
        guard Int(depth) < frames.count else { throw invalid("unknown label \(depth)") }
        return frames[frames.count - 1 - Int(depth)]
    }

    // MARK: - Driver

    /// Checks the whole body. When it breaks a type rule, the body is first decoded to its end,
    /// so that a body that is also malformed further on is reported as malformed (as the
    /// specification's decode-then-validate order would).
    mutating func validate() throws(WasmValidationError) {
        do {
            try check()
        } catch where !error.isMalformed {
            throw bodyMalformation() ?? error
        }
    }

    /// The first binary-format problem in the body, found by decoding it without type checks.
    func bodyMalformation() -> WasmValidationError? {
        var decoder = ByteReader(bytes: reader.bytes, offset: bodyStart, limit: reader.limit)
        do {
            try decoder.skipInstructions(depth: 1)
        } catch {
            let message = error.reason == .unexpectedEnd ? "unexpected end of section or function" : error.message
            return WasmValidationError(message, at: error.offset, function: functionIndex, malformed: true)
        }
        return decoder.isAtEnd ? nil : malformed("END opcode expected: bytes follow the function's last end", at: decoder.offset)
    }

    mutating func check() throws(WasmValidationError) {
        while !frames.isEmpty {
            guard !reader.isAtEnd else { throw malformed("unexpected end of section or function") }
            instructionOffset = reader.offset
            let opcode = try byte()
            try instruction(opcode)
        }
        guard reader.isAtEnd else { throw malformed("END opcode expected: bytes follow the function's last end") }
    }

    mutating func instruction(_ opcode: UInt8) throws(WasmValidationError) {
        switch opcode {
        case 0x00...0x11: try control(opcode)
        case 0x1A...0x1C: try parametric(opcode)
        case 0x20...0x26: try variable(opcode)
        case 0x28...0x40: try memory(opcode)
        case 0x41...0x44: try constant(opcode)
        case 0x45...0xC4: try numeric(opcode)
        case 0xD0...0xD2: try reference(opcode)
        case 0xFC: try prefixed()
        case 0xFD: throw malformed("SIMD (v128) is not supported", at: instructionOffset)
        default: throw malformed("illegal opcode 0x\(String(opcode, radix: 16))", at: instructionOffset)
        }
    }
}

import Wasm

/// Turns fuzzer bytes into a well-typed ``Program``: every choice (which instruction, which
/// local, which constant) reads the input, so libFuzzer's mutations steer the program.
struct ProgramGenerator {
    var input: FuzzInput
    /// The function being generated: its locals, and which of them expressions may read or
    /// write (loop counters are kept out, so that every loop ends).
    var locals: [ValueType] = []
    var usableLocals: [Int] = []
    var functionIndex = 0
    var functionCount = 1

    /// The deepest expression tree in function 0 (callees get less).
    static let depthMax = 7

    init(_ bytes: [UInt8]) {
        input = FuzzInput(bytes)
    }

    /// The program the input describes.
    mutating func program() -> Program {
        functionCount = 1 + input.below(3)
        let globalInitial = input.interestingBits(8)
        let arguments = (input.interestingBits(8), input.interestingBits(8))
        var functions: [GeneratedFunction] = []
        for index in 0..<functionCount {
            functionIndex = index
            locals = [.i64, .i64]
            usableLocals = [0, 1]
            let body = expression(.i64, depth: Self.depthMax - index * 2)
            functions.append(GeneratedFunction(locals: locals, body: body))
        }
        return Program(functions: functions, globalInitial: globalInitial, arguments: arguments)
    }

    mutating func expression(_ type: ValueType, depth: Int) -> Expression {
        if depth <= 0 || input.below(6) == 0 { return leaf(type) }
        switch input.below(14) {
        case 0...4:
            let op = input.pick(NumericOp.producing(type))
            return .numeric(op, op.operands.map { expression($0, depth: depth - 1) })
        case 5:
            return .select(expression(type, depth: depth - 1), expression(type, depth: depth - 1), condition: expression(.i32, depth: depth - 1))
        case 6:
            return .ifElse(condition: expression(.i32, depth: depth - 1), then: expression(type, depth: depth - 1),
                           else: expression(type, depth: depth - 1), type: type)
        case 7:
            return .exitIf(value: expression(type, depth: depth - 1), condition: expression(.i32, depth: depth - 1),
                           rest: expression(type, depth: depth - 1), type: type)
        case 8:
            let counter = newLocal(.i32, usable: false)
            let target = localIndex(type)
            return .repeatLoop(count: UInt32(input.below(5)), counter: counter, target: target, body: expression(type, depth: depth - 1))
        case 9:
            return load(type, depth: depth)
        case 10:
            let op = input.pick(MemoryOp.stores)
            return .store(op, address: address(depth: depth - 1), value: expression(op.type, depth: depth - 1), offset: offset(),
                          align: alignment(op), then: expression(type, depth: depth - 1))
        case 11:
            return .tee(localIndex(type), expression(type, depth: depth - 1))
        case 12 where type == .i64 && functionIndex + 1 < functionCount:
            let callee = functionIndex + 1 + input.below(functionCount - functionIndex - 1)
            return .call(function: callee, expression(.i64, depth: depth - 1), expression(.i64, depth: depth - 1))
        case 12 where type == .i64:
            return .setGlobal(expression(.i64, depth: depth - 1), then: expression(.i64, depth: depth - 1))
        case 12 where type == .i32:
            return .memoryGrow(expression(.i32, depth: depth - 1))
        default:
            return input.below(16) == 0 ? .trap(type) : leaf(type)
        }
    }

    mutating func leaf(_ type: ValueType) -> Expression {
        switch input.below(4) {
        case 0: return .local(localIndex(type))
        case 1 where type == .i64: return .global
        case 1 where type == .i32: return .memorySize
        default: return .constant(constant(type))
        }
    }

    mutating func load(_ type: ValueType, depth: Int) -> Expression {
        let op = input.pick(MemoryOp.loads.filter { $0.type == type })
        return .load(op, address: address(depth: depth - 1), offset: offset(), align: alignment(op))
    }

    /// Mostly an address inside the first page (`and 0xFFF8`, sometimes a little past its
    /// end), sometimes any i32.
    mutating func address(depth: Int) -> Expression {
        let value = expression(.i32, depth: depth)
        guard input.below(4) != 0 else { return value }
        let and = NumericOp.producing(.i32).first { $0.name == "i32.and" }
        guard let and else { return value }
        return .numeric(and, [value, .constant(.i32(input.below(8) == 0 ? 0x1_FFF8 : 0xFFF8))])
    }

    mutating func offset() -> UInt32 {
        input.below(8) == 0 ? UInt32(truncatingIfNeeded: input.interestingBits(4)) : UInt32(input.below(32))
    }

    mutating func alignment(_ op: MemoryOp) -> UInt32 {
        UInt32(input.below(op.bytes.trailingZeroBitCount + 1))
    }

    /// An existing usable local of `type`, or a new one.
    mutating func localIndex(_ type: ValueType) -> Int {
        let candidates = usableLocals.filter { locals[$0] == type }
        if !candidates.isEmpty, input.below(4) != 0 { return input.pick(candidates) }
        return newLocal(type, usable: true)
    }

    mutating func newLocal(_ type: ValueType, usable: Bool) -> Int {
        locals.append(type)
        if usable { usableLocals.append(locals.count - 1) }
        return locals.count - 1
    }

    mutating func constant(_ type: ValueType) -> Value {
        switch type {
        case .i64: return .i64(input.interestingBits(8))
        case .f32: return .f32(input.below(2) == 0 ? Float(Self.interestingFloats[input.below(Self.interestingFloats.count)]).bitPattern
                                  : UInt32(truncatingIfNeeded: input.bits(4)))
        case .f64: return .f64(input.below(2) == 0 ? Self.interestingFloats[input.below(Self.interestingFloats.count)].bitPattern
                                  : input.bits(8))
        default: return .i32(UInt32(truncatingIfNeeded: input.interestingBits(4)))
        }
    }

    /// Floats at the edges of the conversions and rounding rules.
    static let interestingFloats: [Double] = [
        0, -0.0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, .infinity, -.infinity, .nan, -.nan, .ulpOfOne, .leastNonzeroMagnitude,
        .greatestFiniteMagnitude, 2_147_483_647, 2_147_483_647.5, 2_147_483_648, -2_147_483_648, -2_147_483_648.5,
        -2_147_483_649, 4_294_967_295.5, 4_294_967_296, 9_223_372_036_854_775_808, -9_223_372_036_854_775_808, 9_223_372_036_854_774_784,
        18_446_744_073_709_551_616, 18_446_744_073_709_549_568, 1e300, -1e-300, 16_777_217, 9_007_199_254_740_992,
    ]
}

import ICSimTestSupport
import Wasm

/// Writes a ``Program`` as a WebAssembly binary module.
struct ProgramEncoder {
    private(set) var code: [UInt8] = []

    /// The module's bytes.
    static func module(_ program: Program) -> [UInt8] {
        var bytes: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        section(1, [1, 0x60, 2, 0x7E, 0x7E, 1, 0x7E], into: &bytes)
        section(3, LEB128.unsigned(UInt64(program.functions.count)) + Array(repeating: 0, count: program.functions.count), into: &bytes)
        section(5, [1, 1] + LEB128.unsigned(UInt64(Program.memoryPagesInitial)) + LEB128.unsigned(UInt64(Program.memoryPagesMaximum)), into: &bytes)
        section(6, [1, 0x7E, 1, 0x42] + LEB128.signed(Int64(bitPattern: program.globalInitial)) + [0x0B], into: &bytes)
        let exports: [(String, UInt8)] = [("run", 0), ("memory", 2), ("g", 3)]
        section(7, LEB128.unsigned(UInt64(exports.count)) + exports.flatMap { text, kind in name(text) + [kind, 0] }, into: &bytes)
        let bodies = program.functions.map(body)
        section(10, LEB128.unsigned(UInt64(bodies.count)) + bodies.flatMap { LEB128.unsigned(UInt64($0.count)) + $0 }, into: &bytes)
        return bytes
    }

    static func section(_ id: UInt8, _ contents: [UInt8], into bytes: inout [UInt8]) {
        bytes += [id] + LEB128.unsigned(UInt64(contents.count)) + contents
    }

    static func name(_ text: String) -> [UInt8] {
        LEB128.unsigned(UInt64(text.utf8.count)) + Array(text.utf8)
    }

    static func body(_ function: GeneratedFunction) -> [UInt8] {
        let declared = function.locals.dropFirst(2)
        var groups: [(count: Int, type: ValueType)] = []
        for type in declared {
            if let last = groups.last, last.type == type { groups[groups.count - 1].count += 1 } else { groups.append((1, type)) }
        }
        var encoder = ProgramEncoder()
        encoder.emit(function.body)
        return LEB128.unsigned(UInt64(groups.count)) + groups.flatMap { LEB128.unsigned(UInt64($0.count)) + [$0.type.rawValue] } + encoder.code + [0x0B]
    }

    mutating func emit(_ expression: Expression) {
        switch expression {
        case .constant(let value): constant(value)
        case .local(let index): code += [0x20] + LEB128.unsigned(UInt64(index))
        case .tee(let index, let value):
            emit(value)
            code += [0x22] + LEB128.unsigned(UInt64(index))
        case .global: code += [0x23, 0]
        case .setGlobal(let value, let then):
            emit(value)
            code += [0x24, 0]
            emit(then)
        case .numeric(let op, let operands):
            operands.forEach { emit($0) }
            code += op.code
        case .select(let first, let second, let condition):
            [first, second, condition].forEach { emit($0) }
            code.append(0x1B)
        case .ifElse(let condition, let then, let otherwise, let type):
            emit(condition)
            code += [0x04, type.rawValue]
            emit(then)
            code.append(0x05)
            emit(otherwise)
            code.append(0x0B)
        case .exitIf(let value, let condition, let rest, let type):
            code += [0x02, type.rawValue]
            emit(value)
            emit(condition)
            code += [0x0D, 0, 0x1A]
            emit(rest)
            code.append(0x0B)
        case .repeatLoop(let count, let counter, let target, let body):
            repeatLoop(count: count, counter: counter, target: target, body: body)
        case .load(let op, let address, let offset, let align):
            emit(address)
            code += [op.code] + LEB128.unsigned(UInt64(align)) + LEB128.unsigned(UInt64(offset))
        case .store(let op, let address, let value, let offset, let align, let then):
            emit(address)
            emit(value)
            code += [op.code] + LEB128.unsigned(UInt64(align)) + LEB128.unsigned(UInt64(offset))
            emit(then)
        case .memorySize: code += [0x3F, 0]
        case .memoryGrow(let pages):
            emit(pages)
            code += [0x40, 0]
        case .call(let function, let first, let second):
            emit(first)
            emit(second)
            code += [0x10] + LEB128.unsigned(UInt64(function))
        case .trap: code.append(0x00)
        }
    }

    mutating func constant(_ value: Value) {
        switch value {
        case .i32(let bits): code += [0x41] + LEB128.signed(Int64(Int32(bitPattern: bits)))
        case .i64(let bits): code += [0x42] + LEB128.signed(Int64(bitPattern: bits))
        case .f32(let bits): code += [0x43] + (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
        case .f64(let bits): code += [0x44] + (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
        default: code += [0x41, 0]
        }
    }

    mutating func repeatLoop(count: UInt32, counter: Int, target: Int, body: Expression) {
        let counterIndex = LEB128.unsigned(UInt64(counter))
        code += [0x41] + LEB128.signed(Int64(count)) + [0x21] + counterIndex
        code += [0x02, 0x40, 0x03, 0x40]
        code += [0x20] + counterIndex + [0x45, 0x0D, 1]
        emit(body)
        code += [0x21] + LEB128.unsigned(UInt64(target))
        code += [0x20] + counterIndex + [0x41, 1, 0x6B, 0x21] + counterIndex
        code += [0x0C, 0, 0x0B, 0x0B]
        code += [0x20] + LEB128.unsigned(UInt64(target))
    }
}

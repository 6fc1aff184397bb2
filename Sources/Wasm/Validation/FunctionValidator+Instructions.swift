extension FunctionValidator {
    // MARK: - Control

    mutating func control(_ opcode: UInt8) throws(WasmValidationError) {
        let cost = costTable.cost(opcode: opcode)
        switch opcode {
        case 0x00:
            emit(.unreachable, cost: cost)
            unreachable()
        case 0x01: emit(.nop, cost: cost)
        case 0x02, 0x03, 0x04:
            let type = try blockType()
            let emitting = isEmitting
            var elseFixup: Int?
            if opcode == 0x04 {
                try pop(.i32)
                emit(.branchUnless(pc: -1), cost: cost)
                if emitting { elseFixup = code.count - 1 }
            }
            try pop(type.parameters)
            let kind: Frame.Kind = opcode == 0x02 ? .block : opcode == 0x03 ? .loop : .ifThen
            frames.append(Frame(kind: kind, parameters: type.parameters, results: type.results, height: operands.count,
                                emits: emitting, startPC: code.count, elseFixup: elseFixup))
            push(type.parameters)
        case 0x05:
            let frame = try endFrame()
            guard frame.kind == .ifThen else { throw invalid("else without a matching if") }
            var fixups = frame.fixups
            if frame.emits && !frame.unreachable {
                code.append(.jump(pc: -1))
                costs.append(UInt32(cost))
                fixups.append(.instruction(code.count - 1))
            }
            if let elseFixup = frame.elseFixup { patch([.instruction(elseFixup)], to: code.count) }
            frames.append(Frame(kind: .ifElse, parameters: frame.parameters, results: frame.results, height: operands.count,
                                emits: frame.emits, fixups: fixups))
            push(frame.parameters)
        case 0x0B:
            let frame = try endFrame()
            if frame.kind == .ifThen && frame.parameters != frame.results {
                throw invalid("type mismatch: if without else must leave its parameters \(frame.parameters) as results \(frame.results)")
            }
            if frame.emits {
                patch(frame.fixups, to: code.count)
                if let elseFixup = frame.elseFixup { patch([.instruction(elseFixup)], to: code.count) }
                if frame.kind == .function {
                    code.append(.return)
                    costs.append(UInt32(cost))
                }
            }
            push(frame.results)
        case 0x0C:
            let (target, frameIndex) = try branchTarget(try u32())
            try pop(frames[frameIndex].labelTypes)
            emitBranch(.branch(target), target, frameIndex, cost: cost)
            unreachable()
        case 0x0D:
            let (target, frameIndex) = try branchTarget(try u32())
            let types = frames[frameIndex].labelTypes
            try pop(.i32)
            try pop(types)
            push(types)
            emitBranch(.branchIf(target), target, frameIndex, cost: cost)
        case 0x0E: try branchTable(cost: cost)
        case 0x0F:
            try pop(frames[0].results)
            emit(.return, cost: cost)
            unreachable()
        case 0x10:
            let index = try u32()
            guard let type = context.functionType(ofFunction: index) else { throw invalid("unknown function \(index)") }
            try pop(type.parameters)
            push(type.results)
            emit(.call(index), cost: cost)
        case 0x11:
            let typeIndex = try u32()
            let table = try u32()
            guard Int(table) < context.tables.count else { throw invalid("unknown table \(table)") }
            guard context.tables[Int(table)].elementType == .funcref else { throw invalid("type mismatch: call_indirect needs a funcref table") }
            guard Int(typeIndex) < context.types.count else { throw invalid("unknown type \(typeIndex)") }
            try pop(.i32)
            try pop(context.types[Int(typeIndex)].parameters)
            push(context.types[Int(typeIndex)].results)
            emit(.callIndirect(type: typeIndex, table: table), cost: cost)
        default:
            throw malformed("illegal opcode 0x\(String(opcode, radix: 16))", at: instructionOffset)
        }
    }

    /// Emits a branch and, when its target is a block's end (not yet known), records a fixup.
    mutating func emitBranch(_ instruction: Instruction, _ target: BranchTarget, _ frameIndex: Int, cost: UInt64) {
        guard isEmitting else { return }
        emit(instruction, cost: cost)
        if target.pc < 0 { frames[frameIndex].fixups.append(.instruction(code.count - 1)) }
    }

    /// Pops the current frame after checking its results are exactly on the stack.
    mutating func endFrame() throws(WasmValidationError) -> Frame {
        let frame = frames[frames.count - 1]
        try pop(frame.results)
        guard operands.count == frame.height else {
            throw invalid("type mismatch: \(operands.count - frame.height) values left at the end of a block returning \(frame.results)")
        }
        frames.removeLast()
        return frame
    }

    mutating func branchTable(cost: UInt64) throws(WasmValidationError) {
        let count = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.count("br_table labels", limit: 1_000_000) }
        var depths: [UInt32] = []
        depths.reserveCapacity(count + 1)
        for _ in 0..<count { depths.append(try u32()) }
        let defaultDepth = try u32()
        let defaultTypes = try label(defaultDepth).labelTypes
        try pop(.i32)
        for depth in depths {
            let types = try label(depth).labelTypes
            guard types.count == defaultTypes.count else {
                throw invalid("type mismatch: br_table targets carry \(types.count) and \(defaultTypes.count) values")
            }
            // Check the operands against this target without consuming them.
            let saved = operands
            try pop(types)
            operands = saved
        }
        try pop(defaultTypes)
        if isEmitting {
            let table = branchTables.count
            var entries: [BranchTarget] = []
            for (entry, depth) in (depths + [defaultDepth]).enumerated() {
                let (target, frameIndex) = try branchTarget(depth)
                if target.pc < 0 { frames[frameIndex].fixups.append(.tableEntry(table: table, entry: entry)) }
                entries.append(target)
            }
            branchTables.append(entries)
            emit(.branchTable(table: Int32(table)), cost: cost)
        }
        unreachable()
    }

    /// A block type: empty (0x40), one value type, or a type index (s33).
    mutating func blockType() throws(WasmValidationError) -> FunctionType {
        let position = reader.offset
        let first = try byte()
        if first == 0x40 { return FunctionType(parameters: [], results: []) }
        if let type = ValueType(rawValue: first) { return FunctionType(parameters: [], results: [type]) }
        if first == 0x7B { throw malformed("SIMD (v128) is not supported", at: position) }
        reader.skip(to: position)
        let index = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.signedLEB(bits: 33) }
        guard index >= 0, index < Int64(context.types.count) else { throw invalid("unknown type \(index)") }
        return context.types[Int(index)]
    }

    // MARK: - Parametric and variables

    mutating func parametric(_ opcode: UInt8) throws(WasmValidationError) {
        emit(opcode == 0x1A ? .drop : .select, cost: costTable.cost(opcode: opcode))
        switch opcode {
        case 0x1A: _ = try pop()
        case 0x1B:
            try pop(.i32)
            let first = try pop()
            let second = try pop()
            guard first?.isReference != true, second?.isReference != true else {
                throw invalid("type mismatch: select without a type needs numeric operands")
            }
            if let first, let second, first != second { throw invalid("type mismatch: select operands \(second) and \(first)") }
            push(first ?? second)
        default:
            let count = try u32()
            guard count == 1 else { throw invalid("invalid result arity \(count) for select") }
            let type = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.valueType() }
            try pop(.i32)
            try pop(type)
            try pop(type)
            push(type)
        }
    }

    mutating func variable(_ opcode: UInt8) throws(WasmValidationError) {
        let index = try u32()
        let instruction: Instruction = switch opcode {
        case 0x20: .localGet(index)
        case 0x21: .localSet(index)
        case 0x22: .localTee(index)
        case 0x23: .globalGet(index)
        case 0x24: .globalSet(index)
        case 0x25: .tableGet(index)
        default: .tableSet(index)
        }
        emit(instruction, cost: costTable.cost(opcode: opcode))
        switch opcode {
        case 0x20, 0x21, 0x22:
            guard Int(index) < locals.count else { throw invalid("unknown local \(index)") }
            let type = locals[Int(index)]
            if opcode != 0x20 { try pop(type) }
            if opcode != 0x21 { push(type) }
        case 0x23, 0x24:
            guard Int(index) < context.globals.count else { throw invalid("unknown global \(index)") }
            let global = context.globals[Int(index)]
            if opcode == 0x23 {
                push(global.valueType)
            } else {
                guard global.isMutable else { throw invalid("global is immutable: global \(index)") }
                try pop(global.valueType)
            }
        default:
            let type = try table(index)
            if opcode == 0x25 {
                try pop(.i32)
                push(type)
            } else {
                try pop(type)
                try pop(.i32)
            }
        }
    }

    func table(_ index: UInt32) throws(WasmValidationError) -> ValueType {
        guard Int(index) < context.tables.count else { throw invalid("unknown table \(index)") }
        return context.tables[Int(index)].elementType
    }

    func requireMemory(_ index: UInt32 = 0) throws(WasmValidationError) {
        guard Int(index) < context.memories.count else { throw invalid("unknown memory \(index)") }
    }

    // MARK: - Memory

    /// Natural alignment (log2 of the access size) and value type of loads 0x28-0x35 and
    /// stores 0x36-0x3E.
    static let memoryAccess: [(alignment: UInt32, type: ValueType)] = [
        (2, .i32), (3, .i64), (2, .f32), (3, .f64), (0, .i32), (0, .i32), (1, .i32), (1, .i32),
        (0, .i64), (0, .i64), (1, .i64), (1, .i64), (2, .i64), (2, .i64),
        (2, .i32), (3, .i64), (2, .f32), (3, .f64), (0, .i32), (1, .i32), (0, .i64), (1, .i64), (2, .i64),
    ]

    mutating func memory(_ opcode: UInt8) throws(WasmValidationError) {
        let cost = costTable.cost(opcode: opcode)
        if opcode >= 0x3F {
            emit(opcode == 0x3F ? .memorySize : .memoryGrow, cost: cost)
            try zeroByte()
            try requireMemory()
            if opcode == 0x40 { try pop(.i32) }
            push(.i32)
            return
        }
        let access = Self.memoryAccess[Int(opcode - 0x28)]
        let alignment = try u32()
        let offset = try u32()
        emit(opcode <= 0x35 ? .load(opcode: opcode, offset: offset) : .store(opcode: opcode, offset: offset), cost: cost)
        try requireMemory()
        guard alignment <= access.alignment else {
            throw invalid("alignment must not be larger than natural (2^\(alignment) > 2^\(access.alignment))")
        }
        if opcode <= 0x35 {
            try pop(.i32)
            push(access.type)
        } else {
            try pop(access.type)
            try pop(.i32)
        }
    }

    // MARK: - Constants, numbers, references

    mutating func constant(_ opcode: UInt8) throws(WasmValidationError) {
        let bits: UInt64
        switch opcode {
        case 0x41:
            let value = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.signedLEB(bits: 32) }
            bits = UInt64(UInt32(truncatingIfNeeded: value))
            push(.i32)
        case 0x42:
            bits = UInt64(bitPattern: try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.signedLEB(bits: 64) })
            push(.i64)
        case 0x43:
            bits = UInt64(try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.fixedUInt32() })
            push(.f32)
        default:
            bits = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.fixedUInt64() }
            push(.f64)
        }
        emit(.const(bits), cost: costTable.cost(opcode: opcode))
    }

    mutating func numeric(_ opcode: UInt8) throws(WasmValidationError) {
        emit(.numeric(opcode), cost: costTable.cost(opcode: opcode))
        let signature = NumericSignatures.table[Int(opcode - 0x45)]
        try pop(signature.operands)
        push(signature.result)
    }

    mutating func reference(_ opcode: UInt8) throws(WasmValidationError) {
        let cost = costTable.cost(opcode: opcode)
        switch opcode {
        case 0xD0:
            emit(.refNull, cost: cost)
            let type = try read { (r: inout ByteReader) throws(WasmDecodingError) in try r.referenceType() }
            push(type)
        case 0xD1:
            emit(.refIsNull, cost: cost)
            let operand = try pop()
            guard operand?.isReference != false else { throw invalid("type mismatch: ref.is_null needs a reference, found \(operand.map(\.description) ?? "")") }
            push(.i32)
        default:
            let index = try u32()
            guard Int(index) < context.functions.count else { throw invalid("unknown function \(index)") }
            guard context.declaredReferences.contains(index) else { throw invalid("undeclared function reference \(index)") }
            emit(.refFunc(index), cost: cost)
            push(.funcref)
        }
    }

    // MARK: - 0xFC prefix: saturating truncation, bulk memory, tables

    mutating func prefixed() throws(WasmValidationError) {
        let position = reader.offset
        let code = try u32()
        let cost = costTable.cost(prefixed: code)
        switch code {
        case 0...7:
            emit(.saturatingTruncation(UInt8(code)), cost: cost)
            let source: ValueType = code & 2 == 0 ? .f32 : .f64
            try pop(source)
            push(code < 4 ? .i32 : .i64)
        case 8:
            let segment = try u32()
            try zeroByte()
            try requireMemory()
            try requireDataSegment(segment)
            try pop([.i32, .i32, .i32])
            emit(.memoryInit(segment: segment), cost: cost)
        case 9:
            let segment = try u32()
            try requireDataSegment(segment)
            emit(.dataDrop(segment: segment), cost: cost)
        case 10:
            try zeroByte()
            try zeroByte()
            try requireMemory()
            try pop([.i32, .i32, .i32])
            emit(.memoryCopy, cost: cost)
        case 11:
            try zeroByte()
            try requireMemory()
            try pop([.i32, .i32, .i32])
            emit(.memoryFill, cost: cost)
        default: try tableInstruction(code, cost: cost, at: position)
        }
    }

    /// `memory.init` and `data.drop` need the data count section when the module has a data
    /// section (the binary format's rule); without either, there are no segments to name.
    mutating func requireDataSegment(_ index: UInt32) throws(WasmValidationError) {
        if context.module.dataCount == nil && context.module.sectionOffsets[11] != nil {
            throw malformed("data count section required", at: instructionOffset)
        }
        guard index < context.module.dataCount ?? 0 else { throw invalid("unknown data segment \(index)") }
    }

    mutating func tableInstruction(_ code: UInt32, cost: UInt64, at position: Int) throws(WasmValidationError) {
        switch code {
        case 12:
            let segment = try u32()
            let table = try u32()
            let tableType = try self.table(table)
            guard Int(segment) < context.elementTypes.count else { throw invalid("unknown elem segment \(segment)") }
            guard context.elementTypes[Int(segment)] == tableType else { throw invalid("type mismatch: element segment \(segment) into a \(tableType) table") }
            try pop([.i32, .i32, .i32])
            emit(.tableInit(segment: segment, table: table), cost: cost)
        case 13:
            let segment = try u32()
            guard Int(segment) < context.elementTypes.count else { throw invalid("unknown elem segment \(segment)") }
            emit(.elemDrop(segment: segment), cost: cost)
        case 14:
            let destinationIndex = try u32()
            let sourceIndex = try u32()
            let destination = try table(destinationIndex)
            let source = try table(sourceIndex)
            guard destination == source else { throw invalid("type mismatch: table.copy from \(source) to \(destination)") }
            try pop([.i32, .i32, .i32])
            emit(.tableCopy(destination: destinationIndex, source: sourceIndex), cost: cost)
        case 15:
            let index = try u32()
            let type = try table(index)
            try pop([type, .i32])
            push(.i32)
            emit(.tableGrow(index), cost: cost)
        case 16:
            let index = try u32()
            _ = try table(index)
            push(.i32)
            emit(.tableSize(index), cost: cost)
        case 17:
            let index = try u32()
            let type = try table(index)
            try pop([.i32, type, .i32])
            emit(.tableFill(index), cost: cost)
        default:
            throw malformed("illegal opcode 0xfc \(code)", at: position)
        }
    }
}

/// Operand and result types of the numeric instructions 0x45 (i32.eqz) to 0xC4 (i64.extend32_s).
enum NumericSignatures {
    static let table: [(operands: [ValueType], result: ValueType)] = {
        var table: [(operands: [ValueType], result: ValueType)] = []
        func add(_ count: Int, _ operands: [ValueType], _ result: ValueType) {
            table += Array(repeating: (operands, result), count: count)
        }
        add(1, [.i32], .i32); add(10, [.i32, .i32], .i32)              // 0x45 eqz, 0x46-0x4F comparisons
        add(1, [.i64], .i32); add(10, [.i64, .i64], .i32)              // 0x50-0x5A
        add(6, [.f32, .f32], .i32); add(6, [.f64, .f64], .i32)          // 0x5B-0x66
        add(3, [.i32], .i32); add(15, [.i32, .i32], .i32)              // 0x67-0x78
        add(3, [.i64], .i64); add(15, [.i64, .i64], .i64)              // 0x79-0x8A
        add(7, [.f32], .f32); add(7, [.f32, .f32], .f32)               // 0x8B-0x98
        add(7, [.f64], .f64); add(7, [.f64, .f64], .f64)               // 0x99-0xA6
        add(1, [.i64], .i32)                                           // 0xA7 i32.wrap_i64
        add(2, [.f32], .i32); add(2, [.f64], .i32)                     // 0xA8-0xAB i32.trunc
        add(2, [.i32], .i64)                                           // 0xAC-0xAD i64.extend_i32
        add(2, [.f32], .i64); add(2, [.f64], .i64)                     // 0xAE-0xB1 i64.trunc
        add(2, [.i32], .f32); add(2, [.i64], .f32); add(1, [.f64], .f32)  // 0xB2-0xB6
        add(2, [.i32], .f64); add(2, [.i64], .f64); add(1, [.f32], .f64)  // 0xB7-0xBB
        add(1, [.f32], .i32); add(1, [.f64], .i64); add(1, [.i32], .f32); add(1, [.i64], .f64)  // 0xBC-0xBF
        add(2, [.i32], .i32); add(3, [.i64], .i64)                     // 0xC0-0xC4 sign extension
        precondition(table.count == 0xC4 - 0x45 + 1, "numeric signature table covers 0x45...0xC4")
        return table
    }()
}

/// The operation of one internal instruction. Numeric instructions, loads and stores keep
/// their WebAssembly opcode as raw value (0x28...0x3E, 0x45...0xC4); the rest use the free
/// values.
///
/// Every instruction addresses value slots relative to its frame: the frame's locals first,
/// then one slot per operand-stack height (the validator knows the height at every
/// instruction), so instructions read and write slots directly and nothing is pushed or
/// popped at run time. Field use per operation is documented on each case (`a`, `b`, `c`). A
/// branch's "pc `a`" is held, once the function is finished, as a byte offset from the branch
/// (``Op/targetBytes``).
enum OpCode: UInt8 {
    /// Trap "unreachable".
    case unreachable = 0x00
    /// Charge the basic block that starts here: cost `b | c << 32`. Field `a` is
    /// ``Op/fallThroughBytes``.
    case charge = 0x01
    /// Continue at pc `a`.
    case jump = 0x02
    /// If slot `b` (i32) is not zero, continue at pc `a`.
    case branchIf = 0x03
    /// If slot `b` (i32) is zero, continue at pc `a`.
    case branchUnless = 0x04
    /// Branch table: entries `a ..< a + c` of the function's table (the last is the default),
    /// indexed by slot `b`.
    case branchTable = 0x05
    /// Return the `b` values from slot `a` on.
    case `return` = 0x06
    /// Call function `a` with its arguments (and then its results) from slot `b` on.
    case call = 0x07
    /// Call through table `c` the function of type `b`, arguments from slot `a` on and the
    /// element index in the slot after them.
    case callIndirect = 0x08
    /// Slot `a` = slot `b`.
    case copy = 0x09
    /// Slot `a` = the constant `b | c << 32`.
    case const = 0x0A
    /// If slot `c` is zero, slot `a` = slot `b` (else slot `a` keeps its value).
    case select = 0x0B
    /// Slot `a` = global `b`.
    case globalGet = 0x0C
    /// Global `b` = slot `a`.
    case globalSet = 0x0D
    /// Slot `a` = memory size in pages.
    case memorySize = 0x0E
    /// Grow the memory by slot `a` pages; slot `a` = the old size or -1.
    case memoryGrow = 0x0F
    /// `memory.init` of data segment `b`, operands from slot `a` on.
    case memoryInit = 0x10
    /// `data.drop` of segment `b`.
    case dataDrop = 0x11
    /// `memory.copy`, operands from slot `a` on.
    case memoryCopy = 0x12
    /// `memory.fill`, operands from slot `a` on.
    case memoryFill = 0x13
    /// Slot `a` = 1 if slot `b` is the null reference, else 0.
    case refIsNull = 0x14
    /// Slot `a` = element (slot `a`) of table `b`.
    case tableGet = 0x15
    /// Table `b`: element (slot `a`) = slot `a + 1`.
    case tableSet = 0x16
    /// Slot `a` = size of table `b`.
    case tableSize = 0x17
    /// Grow table `b` by slot `a + 1` elements of value slot `a`; slot `a` = old size or -1.
    case tableGrow = 0x18
    /// `table.fill` of table `b`, operands from slot `a` on.
    case tableFill = 0x19
    /// `table.copy` to table `b` from table `c`, operands from slot `a` on.
    case tableCopy = 0x1A
    /// `table.init` of table `c` from element segment `b`, operands from slot `a` on.
    case tableInit = 0x1B
    /// `elem.drop` of segment `b`.
    case elemDrop = 0x1C
    /// Saturating truncation (0xFC sub-opcode `c`): slot `a` = convert(slot `b`).
    case saturatingTruncation = 0x1D
    /// Do nothing (carries the cost of instructions that compiled to nothing).
    case nop = 0x1E
    /// Slot `a` = a reference to function `b` of this instance.
    case refFunc = 0x1F
    /// Slot `a` = slot ``Op/conditionSlot`` (i32) != 0 ? slot `b` : slot `c`.
    case selectInto = 0x20

    // Loads: slot `a` = memory[slot `b` + offset `c`]. Stores: memory[slot `b` + offset `c`] = slot `a`.
    case i32Load = 0x28, i64Load, f32Load, f64Load, i32Load8S, i32Load8U, i32Load16S, i32Load16U
    case i64Load8S, i64Load8U, i64Load16S, i64Load16U, i64Load32S, i64Load32U
    case i32Store = 0x36, i64Store, f32Store, f64Store, i32Store8, i32Store16, i64Store8, i64Store16, i64Store32

    // Numeric instructions: slot `a` = op(slot `b`) or op(slot `b`, slot `c`).
    case i32Eqz = 0x45, i32Eq, i32Ne, i32LtS, i32LtU, i32GtS, i32GtU, i32LeS, i32LeU, i32GeS, i32GeU
    case i64Eqz, i64Eq, i64Ne, i64LtS, i64LtU, i64GtS, i64GtU, i64LeS, i64LeU, i64GeS, i64GeU
    case f32Eq, f32Ne, f32Lt, f32Gt, f32Le, f32Ge, f64Eq, f64Ne, f64Lt, f64Gt, f64Le, f64Ge
    case i32Clz, i32Ctz, i32Popcnt, i32Add, i32Sub, i32Mul, i32DivS, i32DivU, i32RemS, i32RemU
    case i32And, i32Or, i32Xor, i32Shl, i32ShrS, i32ShrU, i32Rotl, i32Rotr
    case i64Clz, i64Ctz, i64Popcnt, i64Add, i64Sub, i64Mul, i64DivS, i64DivU, i64RemS, i64RemU
    case i64And, i64Or, i64Xor, i64Shl, i64ShrS, i64ShrU, i64Rotl, i64Rotr
    // 0x8B...0xC4: float arithmetic, conversions, reinterpretations and sign extension, run by
    // `Numerics` (their names are not needed: the interpreter dispatches them by raw value).
    case f32Abs = 0x8B, f32Neg, f32Ceil, f32Floor, f32Trunc, f32Nearest, f32Sqrt
    case f32Add, f32Sub, f32Mul, f32Div, f32Min, f32Max, f32Copysign
    case f64Abs, f64Neg, f64Ceil, f64Floor, f64Trunc, f64Nearest, f64Sqrt
    case f64Add, f64Sub, f64Mul, f64Div, f64Min, f64Max, f64Copysign
    case i32WrapI64, i32TruncF32S, i32TruncF32U, i32TruncF64S, i32TruncF64U
    case i64ExtendI32S, i64ExtendI32U, i64TruncF32S, i64TruncF32U, i64TruncF64S, i64TruncF64U
    case f32ConvertI32S, f32ConvertI32U, f32ConvertI64S, f32ConvertI64U, f32DemoteF64
    case f64ConvertI32S, f64ConvertI32U, f64ConvertI64S, f64ConvertI64U, f64PromoteF32
    case i32ReinterpretF32, i64ReinterpretF64, f32ReinterpretI32, f64ReinterpretI64
    case i32Extend8S, i32Extend16S, i64Extend8S, i64Extend16S, i64Extend32S

    // Fused forms the compiler emits for common sequences (`imm` is the constant `c`).
    /// Slot `a` = slot `b` + imm (i32).
    case i32AddImm = 0xC5
    /// Slot `a` = slot `b` & imm (i32).
    case i32AndImm
    /// Slot `a` = slot `b` << (imm & 31) (i32).
    case i32ShlImm
    /// Slot `a` = slot `b` >> (imm & 31), unsigned (i32).
    case i32ShrUImm
    /// Slot `a` = slot `b` + sign-extended imm (i64).
    case i64AddImm
    /// If i32 slot `b` == 0, continue at pc `a`.
    case branchIfEqz
    /// If i32 slot `b` != slot `c`, continue at pc `a` (`i32.ne` / `i32.eq` + `br_if`).
    case branchIfI32Ne
    /// If i32 slot `b` == slot `c`, continue at pc `a`.
    case branchIfI32Eq
    /// If i32 slot `b` < slot `c` (signed), continue at pc `a`.
    case branchIfI32LtS
    /// If i32 slot `b` < slot `c` (unsigned), continue at pc `a`.
    case branchIfI32LtU
    /// If i32 slot `b` >= slot `c` (signed), continue at pc `a`.
    case branchIfI32GeS
    /// If i32 slot `b` >= slot `c` (unsigned), continue at pc `a`.
    case branchIfI32GeU
    /// If i32 slot `b` > slot `c` (signed), continue at pc `a`.
    case branchIfI32GtS
    /// If i32 slot `b` > slot `c` (unsigned), continue at pc `a`.
    case branchIfI32GtU
    /// If i32 slot `b` <= slot `c` (signed), continue at pc `a`.
    case branchIfI32LeS
    /// If i32 slot `b` <= slot `c` (unsigned), continue at pc `a`.
    case branchIfI32LeU

    // Accesses to a 64-bit memory (memory64), kept apart from the 32-bit ones above so that
    // their hot path carries no test of the address width. The WebAssembly opcode (0x28-0x3E)
    // is ``Op/memory64Opcode``, the static offset ``Op/memory64Offset``.
    /// A load from a 64-bit memory: slot `a` = memory[slot `b` (i64) + offset].
    case memory64Load
    /// A store to a 64-bit memory: memory[slot `b` (i64) + offset] = slot `a`.
    case memory64Store
    /// Before a `call_indirect` through a 64-bit table: traps "undefined element" if the i64
    /// index in slot `a` is 2^32 or more (the call then reads it as a u32, exactly).
    case table64IndexCheck

    // Fused forms of an address computation feeding a load (32-bit memory), and of a
    // multiplication feeding an addition or subtraction (f64). Each stands for both
    // WebAssembly instructions; the intermediate value is never stored.
    /// Slot `a` = the 32 bits at address (slot `b` + imm `c`, wrapped to 32 bits)
    /// (`i32.add` of a constant feeding an `i32.load` or `f32.load` with offset 0).
    case i32LoadAddImm
    /// Slot `a` = the 64 bits at address (slot `b` + imm `c`, wrapped to 32 bits)
    /// (`i32.add` of a constant feeding an `i64.load` or `f64.load` with offset 0).
    case i64LoadAddImm
    /// Slot `a` = the 32 bits at address (slot `b` << ``Op/shift``, wrapped to 32 bits) +
    /// offset `c` (`i32.shl` by a constant feeding an `i32.load` or `f32.load`).
    case i32LoadShlImm
    /// Slot `a` = the 64 bits at address (slot `b` << ``Op/shift``, wrapped to 32 bits) +
    /// offset `c` (`i32.shl` by a constant feeding an `i64.load` or `f64.load`).
    case i64LoadShlImm
    /// Slot `a` = slot `b` * slot `c` + slot ``Op/thirdSlot`` (f64, two roundings, as
    /// `f64.mul` then `f64.add`).
    case f64MulAdd
    /// Slot `a` = slot `b` * slot `c` - slot ``Op/thirdSlot`` (f64, `f64.mul` then `f64.sub`).
    case f64MulSub
    /// Slot `a` = slot ``Op/thirdSlot`` - slot `b` * slot `c` (f64, `f64.mul` then `f64.sub`
    /// of the product from another value).
    case f64SubMul
    /// If i32 slot `c` < slot ``Op/thirdSlot`` (signed), slot `a` = slot `b` (an i32
    /// comparison feeding a `select` whose result goes back into one of its values).
    case moveIfI32LtS
    /// If i32 slot `c` < slot ``Op/thirdSlot`` (unsigned), slot `a` = slot `b`.
    case moveIfI32LtU
    /// If i32 slot `c` >= slot ``Op/thirdSlot`` (signed), slot `a` = slot `b`.
    case moveIfI32GeS
    /// If i32 slot `c` >= slot ``Op/thirdSlot`` (unsigned), slot `a` = slot `b`.
    case moveIfI32GeU
    /// Slot `a` = (slot `b` << ``Op/shift``) + imm `c` (i32: `i32.shl` by a constant feeding
    /// `i32.add` of a constant, an array element's address).
    case i32ShlAddImm
    /// Slot `a` = slot `b` * slot `c` + slot ``Op/thirdSlot`` (i32, wrapping: `i32.mul` then
    /// `i32.add` of the product and another value).
    case i32MulAdd

    // A loop counter's update fused into the branch that tests it: field `b` packs the
    // counter's slot (a local, low 16 bits) and a signed 16-bit increment (high 16 bits)
    // (``Op/counterSlot``, ``Op/counterIncrement``). Each first adds the increment to the
    // counter (i32, wrapping) and stores it back, then branches to pc `a` as the branch it
    // replaces would.
    /// If the counter is not zero, continue at pc `a` (`br_if` on the counter).
    case counterBranchIfNonZero
    /// If the counter != i32 slot `c`, continue at pc `a`.
    case counterBranchIfNe
    /// If the counter < i32 slot `c` (signed), continue at pc `a`.
    case counterBranchIfLtS
    /// If the counter > i32 slot `c` (signed), continue at pc `a`.
    case counterBranchIfGtS

    // A loop counter's update fused into the compare-and-branch right after it, which tests
    // other values (`d * d <= n` after `d += 1`): field `b` is the counter's as above, field
    // `c` packs the comparison's two slots (``Op/pairedSlots``). Each first adds the increment
    // to the counter and stores it back, then compares the two slots (either may be the
    // counter, read after the update) and branches to pc `a` as the branch it replaces would.
    /// If i32 slot 1 == slot 2, continue at pc `a`.
    case stepBranchIfI32Eq
    /// If i32 slot 1 != slot 2, continue at pc `a`.
    case stepBranchIfI32Ne
    /// If i32 slot 1 < slot 2 (signed), continue at pc `a`.
    case stepBranchIfI32LtS
    /// If i32 slot 1 < slot 2 (unsigned), continue at pc `a`.
    case stepBranchIfI32LtU
    /// If i32 slot 1 > slot 2 (signed), continue at pc `a`.
    case stepBranchIfI32GtS
    /// If i32 slot 1 > slot 2 (unsigned), continue at pc `a`.
    case stepBranchIfI32GtU
    /// If i32 slot 1 <= slot 2 (signed), continue at pc `a`.
    case stepBranchIfI32LeS
    /// If i32 slot 1 <= slot 2 (unsigned), continue at pc `a`.
    case stepBranchIfI32LeU
    /// If i32 slot 1 >= slot 2 (signed), continue at pc `a`.
    case stepBranchIfI32GeS
    /// If i32 slot 1 >= slot 2 (unsigned), continue at pc `a`.
    case stepBranchIfI32GeU

    // An address computation kept in a local (`local.tee`) and loaded through: each writes
    // the address (slot `b` << ``Op/shift``, wrapped to 32 bits) into slot ``Op/thirdSlot``
    // (the local) first, then loads from it + offset `c` into slot `a`, as `i32.shl` by a
    // constant, `local.tee` and the load would (the local is written even if the load traps).
    /// The 32 bits at the address (`i32.load` or `f32.load`).
    case i32LoadShlImmTee
    /// The 64 bits at the address (`i64.load` or `f64.load`).
    case i64LoadShlImmTee

    /// Slot `a` = slot `b` * slot `c` * slot ``Op/thirdSlot`` (f64, two roundings, as `f64.mul`
    /// feeding another `f64.mul`: `dx * mass * magnitude`).
    case f64MulMul

    // A 32-bit load feeding a multiply-accumulate (`sum += load(address) * x`, a dot product's
    // inner loop): slot `a` (the sum) += the loaded i32 * slot ``Op/thirdSlot`` (wrapping). The
    // load may trap; then the sum is not written.
    /// The i32 at slot `b` + offset `c` (an `i32.load`).
    case i32LoadMulAdd
    /// The i32 at slot `b` + imm `c`, wrapped to 32 bits (an `i32LoadAddImm`).
    case i32LoadAddImmMulAdd

    /// If i32 slot `b` % slot `c` (unsigned) is zero, continue at pc `a` (`i32.rem_u`, `i32.eqz`
    /// and `br_if`: a divisibility test); traps "integer divide by zero" if slot `c` is zero.
    case branchIfI32RemUEqz

    // An f64 addition or subtraction whose result is stored (`f64.store` of a 32-bit memory):
    // the f64 at slot `b` + offset `c` = slot `a` op slot ``Op/thirdSlot`` (NaN canonicalised).
    // The result is written to memory only; the store may trap, after the arithmetic.
    /// `f64.add` then `f64.store`.
    case f64AddStore
    /// `f64.sub` then `f64.store` (slot `a` - slot ``Op/thirdSlot``).
    case f64SubStore
    /// The f64 at slot `b` + offset `c` += slot `a` (`f64.load`, `f64.add` of another value
    /// and the loaded one, `f64.store` to the same address: `x[i] += y`); the load may trap,
    /// then nothing is stored.
    case f64AddToMemory
}

/// One internal instruction: an operation, three 32-bit fields (slots, indices, pcs or the
/// halves of a constant) and, on branches, the costs of the blocks they enter: 16 bytes.
struct Op: Sendable {
    var code: OpCode
    /// On a conditional branch: the cost of the block it falls through to, paid on the way so
    /// that block's `charge` (the next instruction) is skipped; 0 if it does not pay (too
    /// large, no `charge` next, or a block that costs nothing).
    var fallthroughCost: UInt8 = 0
    /// On a branch: the cost of the block it jumps to, paid on the way, and then its
    /// destination (``targetBytes``) is the instruction after the target's `charge` (so the
    /// `charge` is skipped; it is the instruction before); 0 if the branch does not pay (too
    /// large, no `charge` there, or a block that costs nothing), and then the destination is
    /// the target itself.
    var targetCost: UInt16 = 0
    var a: Int32
    var b: Int32
    var c: Int32

    /// On `selectInto`: the condition's slot (the field branches use for ``targetCost``).
    @inline(__always) var conditionSlot: UInt16 {
        get { targetCost }
        set { targetCost = newValue }
    }

    /// On `f64MulAdd`, `f64MulSub`, `f64SubMul`, `f64MulMul` and `i32MulAdd`: the slot of the value added
    /// to, subtracted from or multiplied by the product; on `i32LoadMulAdd` and `i32LoadAddImmMulAdd`, the
    /// slot the loaded value is multiplied by; on `i32LoadShlImmTee` and `i64LoadShlImmTee`, the local
    /// written with the address; on `f64AddStore` and `f64SubStore`, the right operand (the field
    /// branches use for ``targetCost``).
    @inline(__always) var thirdSlot: UInt16 {
        get { targetCost }
        set { targetCost = newValue }
    }

    /// On `i32LoadShlImm`, `i64LoadShlImm`, their `...Tee` forms and `i32ShlAddImm`: the shift applied to the address operand (0-31;
    /// the field conditional branches use for ``fallthroughCost``).
    @inline(__always) var shift: UInt8 {
        get { fallthroughCost }
        set { fallthroughCost = newValue }
    }

    /// On `charge`: where a conditional branch that falls through into this block and pays for
    /// it (its ``fallthroughCost``) continues, in bytes from that branch (the instruction before
    /// this `charge`): the block's first instruction (``pastChargeBytes``), or, when the block
    /// is only a `jump`, the jump's destination (the branch's cost then includes the jump's
    /// target block). Field `a`.
    @inline(__always) var fallThroughBytes: Int32 {
        get { a }
        set { a = newValue }
    }

    /// ``fallThroughBytes`` of a block that a paid fall-through enters at its first instruction
    /// (two instructions after the branch).
    static let pastChargeBytes = 2 * Int32(MemoryLayout<Op>.stride)

    /// On `jump` and the conditional branches, once the function is finished: where the branch
    /// goes when taken, in bytes from the branch (a taken branch adds it to `ip`; while the
    /// function is compiled, field `a` is the target's pc instead).
    @inline(__always) var targetBytes: Int32 { a }

    /// Field `b` of a counter branch: the counter's slot and its increment.
    static func counterField(slot: Int32, immediate: Int16) -> Int32 {
        precondition(slot >= 0 && slot <= Int32(UInt16.max), "a counter's slot fits 16 bits")
        return slot | Int32(immediate) << 16
    }

    /// On a counter branch: the counter's slot (a local).
    @inline(__always) var counterSlot: Int { Int(UInt16(truncatingIfNeeded: b)) }

    /// On a counter branch: what is added to the counter (sign-extended to 32 bits).
    @inline(__always) var counterIncrement: UInt32 { UInt32(bitPattern: b >> 16) }

    /// Field `c` of a step branch (`stepBranchIfI32...`): two slots of 16 bits, the
    /// comparison's first operand in the low half.
    static func pairedSlots(_ first: Int32, _ second: Int32) -> Int32 {
        precondition((0...Int32(UInt16.max)).contains(first) && (0...Int32(UInt16.max)).contains(second), "paired slots fit 16 bits")
        return Int32(bitPattern: UInt32(first) | UInt32(second) << 16)
    }

    /// On a step branch: the comparison's first and second operand slots.
    @inline(__always) var pairedSlots: (first: Int, second: Int) {
        (Int(UInt16(truncatingIfNeeded: c)), Int(UInt16(truncatingIfNeeded: c >> 16)))
    }

    /// The largest value of the 16-bit field (``targetCost`` and the slots stored in it).
    static let notFusedWide: UInt16 = .max

    init(_ code: OpCode, _ a: Int32 = 0, _ b: Int32 = 0, _ c: Int32 = 0) {
        self.code = code
        self.a = a
        self.b = b
        self.c = c
    }

    /// The largest static offset a 64-bit memory access keeps (2^48 - 1): a larger one is
    /// saturated to it, which traps exactly as the real offset would, because no memory can
    /// be that large (``LinearMemory/pagesMax`` pages are 4 GiB).
    static let memory64OffsetMax: UInt64 = (1 << 48) - 1

    /// A load or store (WebAssembly `opcode`, 0x28-0x3E) of a 64-bit memory: value slot `a`,
    /// address slot `b`; the offset's low 32 bits in `c` and the next 16 in ``targetCost``
    /// (unused by accesses), the opcode in ``fallthroughCost``.
    init(memory64Access opcode: UInt8, _ a: Int32, _ b: Int32, offset: UInt64) {
        precondition((0x28...0x3E).contains(opcode), "a load or store opcode")
        let kept = min(offset, Self.memory64OffsetMax)
        self.init(opcode <= 0x35 ? .memory64Load : .memory64Store, a, b, Int32(bitPattern: UInt32(truncatingIfNeeded: kept)))
        fallthroughCost = opcode
        targetCost = UInt16(truncatingIfNeeded: kept >> 32)
    }

    /// On a 64-bit memory access: the WebAssembly opcode of the load or store.
    var memory64Opcode: UInt8 { fallthroughCost }

    /// On a 64-bit memory access: the static offset (saturated at ``memory64OffsetMax``).
    var memory64Offset: UInt64 { UInt64(UInt32(bitPattern: c)) | UInt64(targetCost) << 32 }

    /// An operation carrying a 64-bit constant in `b` and `c`.
    init(_ code: OpCode, _ a: Int32, wide: UInt64) {
        self.init(code, a, Int32(bitPattern: UInt32(truncatingIfNeeded: wide)), Int32(bitPattern: UInt32(truncatingIfNeeded: wide >> 32)))
    }

    /// The 64-bit constant in `b` and `c`.
    @inline(__always) var wide: UInt64 {
        UInt64(UInt32(bitPattern: b)) | UInt64(UInt32(bitPattern: c)) << 32
    }
}

extension UnsafeMutablePointer where Pointee == Op {
    /// Field `a` of the instruction pointed to, as an index (the interpreter reads each field
    /// where a case uses it, not all before the dispatch).
    @inline(__always) var a: Int { Int(pointee.a) }
    /// Field `b` of the instruction pointed to, as an index.
    @inline(__always) var b: Int { Int(pointee.b) }
    /// Field `c` of the instruction pointed to, as an index.
    @inline(__always) var c: Int { Int(pointee.c) }
}

extension OpCode: Sendable {}

/// Where a `br_table` entry goes: continue at `pc` after copying `count` values from slot
/// `from` to slot `to`.
struct BranchTableEntry: Sendable {
    var pc: Int32
    var from: Int32
    var to: Int32
    var count: Int32
}

/// Immutable storage for a function's instructions, branch tables and constant pool: the
/// interpreter reads them through raw pointers, so they live in one allocation that never
/// moves.
final class CodeBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Op>
    let count: Int
    let tables: UnsafeMutablePointer<BranchTableEntry>
    let tableCount: Int
    let constants: UnsafeMutablePointer<UInt64>
    let constantCount: Int

    init(_ ops: [Op], tables: [BranchTableEntry], constants: [UInt64]) {
        precondition(MemoryLayout<Op>.stride == 16 && MemoryLayout<BranchTableEntry>.stride == 16, "16-byte records")
        count = ops.count
        tableCount = tables.count
        constantCount = constants.count
        let bytes = 16 * (ops.count + tables.count) + 8 * constants.count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 16), alignment: 16)
        base = raw.bindMemory(to: Op.self, capacity: ops.count)
        base.initialize(from: ops, count: ops.count)
        self.tables = (raw + 16 * ops.count).bindMemory(to: BranchTableEntry.self, capacity: tables.count)
        self.tables.initialize(from: tables, count: tables.count)
        self.constants = (raw + 16 * (ops.count + tables.count)).bindMemory(to: UInt64.self, capacity: constants.count)
        self.constants.initialize(from: constants, count: constants.count)
    }

    deinit {
        // Ops, entries and constants are trivial types: nothing to deinitialize.
        UnsafeMutableRawPointer(base).deallocate()
    }
}

/// What the interpreter needs of a function on every call, without reference counting.
struct FunctionEntry: @unchecked Sendable {
    let code: UnsafeMutablePointer<Op>
    let tables: UnsafeMutablePointer<BranchTableEntry>
    let constants: UnsafeMutablePointer<UInt64>
    let localCount: Int
    let parameterCount: Int
    let constantPoolStart: Int
    let constantCount: Int
    let frameSlots: Int

    /// Prepares the frame of a call whose arguments are in place at `frame`: zeroes the
    /// declared locals and copies the constant pool (which follows them).
    @inline(__always)
    func prepare(_ frame: UnsafeMutablePointer<UInt64>) {
        (frame + parameterCount).update(repeating: 0, count: localCount - parameterCount)
        (frame + constantPoolStart).update(from: constants, count: constantCount)
    }
}

/// A compiled function body: slot-addressed instructions in basic blocks, each block charged
/// on entry by a `charge` instruction, and the cost figures needed to charge exactly when a
/// block is left early (a limit, a trap).
public struct CompiledFunction: Sendable {
    /// The instructions.
    let code: CodeBuffer
    /// What each instruction costs on its own (the WebAssembly instructions it stands for);
    /// `charge` instructions cost nothing.
    let costs: [UInt32]
    /// For each instruction, the part of its cost that stands for WebAssembly instructions
    /// after the point where it can trap (a `local.set` fused into a load): refunded on a trap.
    let tailCost: [UInt32]
    /// Parameters plus declared locals.
    public let localCount: Int
    /// How many of the locals are parameters (the rest start at zero).
    public let parameterCount: Int
    /// How many results the function returns.
    public let resultCount: Int
    /// Where the constant pool starts in the frame (after the locals, before the operands).
    let constantPoolStart: Int
    /// Slots the function needs: its locals, its deepest operand stack and its constants.
    public let frameSlots: Int

    /// What the instructions after `pc` in its basic block cost (up to the next block's
    /// `charge`): refunded when the instruction at `pc` traps after its block was charged.
    func costOfRestOfBlock(after pc: Int) -> UInt64 {
        var total: UInt64 = 0
        var next = pc + 1
        while next < code.count && code.base[next].code != .charge {
            total += UInt64(costs[next])
            next += 1
        }
        return total
    }

    /// How many internal instructions the body compiled to.
    public var instructionCount: Int { code.count }

    /// The raw view the interpreter uses (valid while this function's code is alive).
    var entry: FunctionEntry {
        FunctionEntry(
            code: code.base, tables: code.tables, constants: code.constants, localCount: localCount, parameterCount: parameterCount,
            constantPoolStart: constantPoolStart, constantCount: code.constantCount, frameSlots: frameSlots)
    }
}

/// Where a branch goes and what it keeps: jump to `pc`, keep the top `arity` operands, and
/// drop the operands between them and operand height `height` (counted from the frame's first
/// operand slot).
public struct BranchTarget: Hashable, Sendable {
    /// The instruction to continue at.
    public var pc: Int32
    /// The operand height the target block started at.
    public var height: Int32
    /// How many values the branch carries.
    public var arity: Int32
}

/// One instruction of the internal instruction stream: decoded once, immediates resolved,
/// branch targets and stack heights precomputed by the validator.
public enum Instruction: Hashable, Sendable {
    /// Trap "unreachable".
    case unreachable
    /// Do nothing (still charged).
    case nop
    /// Continue at `pc` without touching the stack (the end of an `if`'s then-branch).
    case jump(pc: Int32)
    /// Branch unconditionally.
    case branch(BranchTarget)
    /// Pop an i32; branch if it is not zero.
    case branchIf(BranchTarget)
    /// Pop an i32; continue at `pc` if it is zero (`if`).
    case branchUnless(pc: Int32)
    /// Pop an i32 index into branch table `table` (the last entry is the default).
    case branchTable(table: Int32)
    /// Return from the function with its results.
    case `return`
    /// Call function `index`.
    case call(UInt32)
    /// Pop a table index; call the function there after checking its type is `type`.
    case callIndirect(type: UInt32, table: UInt32)
    /// Pop and discard a value.
    case drop
    /// Pop a condition and two values; push the first if the condition is not zero.
    case select
    /// Push local `index`.
    case localGet(UInt32)
    /// Pop into local `index`.
    case localSet(UInt32)
    /// Copy the top of the stack into local `index`.
    case localTee(UInt32)
    /// Push global `index`.
    case globalGet(UInt32)
    /// Pop into global `index`.
    case globalSet(UInt32)
    /// Pop an address; push the value loaded at address + `offset` (`opcode` 0x28...0x35).
    case load(opcode: UInt8, offset: UInt32)
    /// Pop a value and an address; store at address + `offset` (`opcode` 0x36...0x3E).
    case store(opcode: UInt8, offset: UInt32)
    /// Push the memory size in pages.
    case memorySize
    /// Pop a page count; grow the memory; push the old size or -1.
    case memoryGrow
    /// Push a constant (its bits: i32 zero-extended, floats as bit patterns).
    case const(UInt64)
    /// A numeric instruction, by its WebAssembly opcode (0x45...0xC4).
    case numeric(UInt8)
    /// A saturating float-to-int truncation, by its 0xFC sub-opcode (0...7).
    case saturatingTruncation(UInt8)
    /// `memory.init` from data segment `segment`.
    case memoryInit(segment: UInt32)
    /// `data.drop`.
    case dataDrop(segment: UInt32)
    /// `memory.copy`.
    case memoryCopy
    /// `memory.fill`.
    case memoryFill
    /// Push a null reference.
    case refNull
    /// Pop a reference; push 1 if it is null.
    case refIsNull
    /// Push a reference to function `index`.
    case refFunc(UInt32)
    /// `table.get`.
    case tableGet(UInt32)
    /// `table.set`.
    case tableSet(UInt32)
    /// `table.size`.
    case tableSize(UInt32)
    /// `table.grow`.
    case tableGrow(UInt32)
    /// `table.fill`.
    case tableFill(UInt32)
    /// `table.copy` from `source` to `destination`.
    case tableCopy(destination: UInt32, source: UInt32)
    /// `table.init` from element segment `segment` into `table`.
    case tableInit(segment: UInt32, table: UInt32)
    /// `elem.drop`.
    case elemDrop(segment: UInt32)
}

/// A compiled function body.
public struct CompiledFunction: Sendable {
    /// The instructions.
    public var code: [Instruction]
    /// What each instruction is charged (parallel to `code`).
    public var costs: [UInt32]
    /// Branch tables referenced by `branchTable`; each ends with its default target.
    public var branchTables: [[BranchTarget]]
    /// Parameters plus declared locals.
    public var localCount: Int
    /// How many of the locals are parameters (the rest start at zero).
    public var parameterCount: Int
    /// How many results the function returns.
    public var resultCount: Int
}

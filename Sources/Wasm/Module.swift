/// A decoded WebAssembly module: its sections as values. Function bodies stay as byte ranges
/// of ``bytes`` (shared, not copied) for the validator and translator.
public struct WasmModule: Sendable {
    /// What an import provides.
    public enum ImportDescriptor: Hashable, Sendable {
        /// A function of the given type index.
        case function(typeIndex: UInt32)
        /// A table.
        case table(TableType)
        /// A linear memory.
        case memory(MemoryType)
        /// A global.
        case global(GlobalType)
    }

    /// One import: `(module, name)` and what it must be.
    public struct Import: Hashable, Sendable {
        /// The module name it is imported from.
        public var module: String
        /// The field name.
        public var name: String
        /// What it is.
        public var descriptor: ImportDescriptor
    }

    /// What an export refers to.
    public enum ExportDescriptor: Hashable, Sendable {
        /// A function, by index in the function index space (imports first).
        case function(UInt32)
        /// A table, by index.
        case table(UInt32)
        /// A memory, by index.
        case memory(UInt32)
        /// A global, by index.
        case global(UInt32)
    }

    /// One export.
    public struct Export: Hashable, Sendable {
        /// The exported name.
        public var name: String
        /// What it refers to.
        public var descriptor: ExportDescriptor
    }

    /// One instruction of a constant expression (WebAssembly 2.0).
    public enum ConstantInstruction: Hashable, Sendable {
        /// `i32.const`.
        case i32Const(Int32)
        /// `i64.const`.
        case i64Const(Int64)
        /// `f32.const`, as its bit pattern.
        case f32Const(UInt32)
        /// `f64.const`, as its bit pattern.
        case f64Const(UInt64)
        /// `ref.null` of a reference type.
        case refNull(ValueType)
        /// `ref.func`.
        case refFunc(UInt32)
        /// `global.get`.
        case globalGet(UInt32)
        /// Any other instruction (well-formed, but not allowed in a constant expression: the
        /// validator rejects it), by opcode.
        case nonConstant(opcode: UInt8)
    }

    /// A constant expression: its instructions, without the final `end`.
    public struct ConstantExpression: Hashable, Sendable {
        /// The instructions, in order (exactly one in a valid 2.0 module).
        public var instructions: [ConstantInstruction]
    }

    /// A global defined by the module.
    public struct Global: Hashable, Sendable {
        /// Its type.
        public var type: GlobalType
        /// Its initial value.
        public var initializer: ConstantExpression
    }

    /// How an element or data segment is used.
    public enum SegmentMode: Hashable, Sendable {
        /// Copied in by `table.init` / `memory.init` only.
        case passive
        /// Copied into table or memory `index` at `offset` when instantiating.
        case active(index: UInt32, offset: ConstantExpression)
        /// Element segments only: declares functions for `ref.func`, then dropped.
        case declarative
    }

    /// An element segment.
    public struct ElementSegment: Hashable, Sendable {
        /// How it is used.
        public var mode: SegmentMode
        /// `funcref` or `externref`.
        public var elementType: ValueType
        /// Its elements, each a constant expression (`ref.func i` for index lists).
        public var elements: [ConstantExpression]
    }

    /// A data segment.
    public struct DataSegment: Hashable, Sendable {
        /// How it is used.
        public var mode: SegmentMode
        /// The bytes, as a range of the module's ``WasmModule/bytes``.
        public var bytes: Range<Int>
    }

    /// A function body: its local declarations and where its code is.
    public struct FunctionBody: Hashable, Sendable {
        /// The total number of declared locals (parameters excluded).
        public var localCount: Int
        /// The instructions, including the final `end`, as a range of the module's bytes.
        public var code: Range<Int>

        /// One run of locals of one type.
        public struct LocalGroup: Hashable, Sendable {
            /// How many.
            public var count: UInt32
            /// Their type.
            public var type: ValueType
        }

        /// Local declarations: runs of locals of one type, in order.
        public var localGroups: [LocalGroup]
    }

    /// A custom section: its name and contents.
    public struct CustomSection: Hashable, Sendable {
        /// The section's name.
        public var name: String
        /// Its contents after the name, as a range of the module's bytes.
        public var contents: Range<Int>
    }

    // 16 stored properties: one per section of the binary format, plus the bytes they range over, the section offsets and the names.
    /// The module's binary, shared with every range above.
    public let bytes: [UInt8]
    /// The type section.
    public internal(set) var types: [FunctionType] = []
    /// The import section.
    public internal(set) var imports: [Import] = []
    /// The type index of each function the module defines (the function section).
    public internal(set) var functionTypeIndices: [UInt32] = []
    /// Tables the module defines.
    public internal(set) var tables: [TableType] = []
    /// Memories the module defines.
    public internal(set) var memories: [MemoryType] = []
    /// Globals the module defines.
    public internal(set) var globals: [Global] = []
    /// The export section.
    public internal(set) var exports: [Export] = []
    /// The start function, if any.
    public internal(set) var startFunction: UInt32?
    /// The element section.
    public internal(set) var elements: [ElementSegment] = []
    /// The data count section's value, if present.
    public internal(set) var dataCount: UInt32?
    /// The code section: one body per defined function.
    public internal(set) var bodies: [FunctionBody] = []
    /// The data section.
    public internal(set) var data: [DataSegment] = []
    /// Every custom section, in order.
    public internal(set) var customSections: [CustomSection] = []
    /// The byte offset of each known section (indexed by section id; custom sections, id 0,
    /// are in ``customSections``), or `nil` when absent: where module-level errors point.
    public internal(set) var sectionOffsets: [Int?] = Array(repeating: nil, count: 13)
    /// Function names from the `name` custom section, sorted by function index.
    public internal(set) var functionNames: [(index: UInt32, name: String)] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The name the `name` section gives function `index` (in the function index space), if any.
    /// - Complexity: O(log n).
    public func functionName(_ index: UInt32) -> String? {
        var low = 0
        var high = functionNames.count
        while low < high {
            let middle = (low + high) / 2
            if functionNames[middle].index < index { low = middle + 1 } else { high = middle }
        }
        return low < functionNames.count && functionNames[low].index == index ? functionNames[low].name : nil
    }

    /// The number of imported functions (they come first in the function index space).
    public var importedFunctionCount: Int {
        imports.filter { if case .function = $0.descriptor { true } else { false } }.count
    }
}

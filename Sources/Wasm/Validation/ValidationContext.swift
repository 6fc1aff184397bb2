/// The index spaces and types a module's code is checked against (the specification's C).
struct ValidationContext {
    let module: WasmModule
    let types: [FunctionType]
    /// Type index of every function, imported first.
    let functions: [UInt32]
    let tables: [TableType]
    let memories: [MemoryType]
    let globals: [GlobalType]
    let importedGlobalCount: Int
    /// Element type of every element segment.
    let elementTypes: [ValueType]
    /// Functions that `ref.func` may name: those referenced outside function bodies.
    let declaredReferences: Set<UInt32>

    init(_ module: WasmModule) {
        self.module = module
        types = module.types
        var functions: [UInt32] = []
        var tables: [TableType] = []
        var memories: [MemoryType] = []
        var globals: [GlobalType] = []
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let typeIndex): functions.append(typeIndex)
            case .table(let type): tables.append(type)
            case .memory(let type): memories.append(type)
            case .global(let type): globals.append(type)
            }
        }
        importedGlobalCount = globals.count
        self.functions = functions + module.functionTypeIndices
        self.tables = tables + module.tables
        self.memories = memories + module.memories
        self.globals = globals + module.globals.map(\.type)
        elementTypes = module.elements.map(\.elementType)
        declaredReferences = Self.references(in: module)
    }

    /// Every function index that appears in the module outside function bodies and the start.
    private static func references(in module: WasmModule) -> Set<UInt32> {
        var references = Set<UInt32>()
        let expressions = module.globals.map(\.initializer) + module.elements.flatMap(\.elements)
        for expression in expressions {
            for case .refFunc(let index) in expression.instructions { references.insert(index) }
        }
        for export in module.exports {
            if case .function(let index) = export.descriptor { references.insert(index) }
        }
        return references
    }

    func functionType(ofFunction index: UInt32) -> FunctionType? {
        guard Int(index) < functions.count else { return nil }
        let typeIndex = Int(functions[Int(index)])
        return typeIndex < types.count ? types[typeIndex] : nil
    }
}

import Testing
@testable import Wasm

/// The undo log saves an instance's globals, tables and dropped-segment flags only at the
/// run's first write to one of them (``WasmInstance/prepareToChangeUndoneState()``): every
/// instruction that writes them (`global.set`, `table.set`, `table.grow`, `table.init`,
/// `table.copy`, `table.fill`, `elem.drop`, `data.drop`) rolls back exactly, alone or after
/// another write in the same run, after a log that wrote nothing, and in a run split off to
/// go on elsewhere; kept, the writes stay; a log that writes nothing saves nothing.
@Suite("Wasm undo log: state saved at the first write")
struct DeferredUndoTests {
    typealias B = ModuleBuilder

    /// The functions of ``module``, by name, in index order.
    static let functionNames = [
        "store", "global", "tableSet", "tableGrow", "elemDrop", "dataDrop", "tableInit", "tableCopy", "tableFill",
        "globalThenTable", "globalTwice",
    ]

    /// A module with a mutable i32 global (5), a funcref table of 2 elements (at most 6; element
    /// 0 is function 0, element 1 null), one page of memory, a passive element segment
    /// (function 1) and a passive data segment, and the functions of ``functionNames``, each
    /// of type `() -> ()`.
    static let module: [UInt8] = {
        let globalSet: [UInt8] = [0x41, 0x09, 0x24, 0x00]
        let tableSet: [UInt8] = [0x41, 0x00, 0xD0, 0x70, 0x26, 0x00]
        let bodies: [[UInt8]] = [
            [0x41, 0x10, 0x41, 0x07, 0x36, 0x02, 0x00],
            globalSet,
            tableSet,
            [0xD0, 0x70, 0x41, 0x02, 0xFC, 0x0F, 0x00, 0x1A],
            [0xFC, 0x0D, 0x01],
            [0xFC, 0x09, 0x00],
            [0x41, 0x01, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x0C, 0x01, 0x00],
            [0x41, 0x01, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x0E, 0x00, 0x00],
            [0x41, 0x00, 0xD0, 0x70, 0x41, 0x02, 0xFC, 0x11, 0x00],
            globalSet + tableSet,
            globalSet + [0x41, 0x0B, 0x24, 0x00],
        ]
        var module = ModuleBuilder()
        module.section(1, B.vector([[0x60, 0x00, 0x00]]))
        module.section(3, B.vector(bodies.map { _ in [0x00] }))
        module.section(4, B.vector([[0x70, 0x01, 0x02, 0x06]]))
        module.section(5, B.vector([[0x00, 0x01]]))
        module.section(6, B.vector([[0x7F, 0x01, 0x41, 0x05, 0x0B]]))
        module.section(9, B.vector([[0x00, 0x41, 0x00, 0x0B, 0x01, 0x00], [0x01, 0x00, 0x01, 0x01]]))
        module.section(12, B.u32(1))
        module.section(10, B.vector(bodies.map { B.u32(UInt32($0.count + 2)) + [0x00] + $0 + [0x0B] }))
        module.section(11, B.vector([[0x01, 0x03, 0x01, 0x02, 0x03]]))
        return module.bytes
    }()

    /// What a run could change of the instance besides its memory's contents.
    struct State: Equatable {
        var globals: [UInt64], tables: [[UInt64]], droppedData: [Bool], droppedElements: [Bool], memory: [UInt8]

        init(_ instance: WasmInstance) throws {
            globals = instance.globalSlots
            tables = instance.tables.map(\.elements)
            droppedData = instance.droppedData
            droppedElements = instance.droppedElements
            memory = try #require(instance.memory).bytes(at: 0, count: 64)
        }
    }

    static func instance() throws -> WasmInstance {
        try WasmInstance(CompiledModule.load(module))
    }

    static func run(_ name: String, _ instance: inout WasmInstance) throws {
        let index = try #require(functionNames.firstIndex(of: name))
        _ = try instance.invoke(functionIndex: UInt32(index), arguments: [])
    }

    /// Whether the instance's undo log saved nothing (none runs, or nothing was written).
    static func savedNothing(_ instance: WasmInstance) -> Bool {
        if case .saved = instance.undoCopies { false } else { true }
    }

    @Test func theModuleIsAsDescribed() throws {
        let state = try State(Self.instance())
        #expect(state.globals == [5] && state.tables.count == 1 && state.tables[0].count == 2)
        #expect(state.droppedData == [false] && state.droppedElements == [true, false])
    }

    @Test(arguments: functionNames.dropFirst())
    func aWriteRollsBackAfterALogThatWroteNothing(name: String) throws {
        var instance = try Self.instance()
        var scratch = ExecutionScratch()
        var undo = instance.beginUndoLog(reusing: &scratch)
        try Self.run("store", &instance)
        #expect(Self.savedNothing(instance), "a run that writes only memory saves nothing")
        instance.keepChanges(undo, recycling: &scratch)
        let before = try State(instance)
        undo = instance.beginUndoLog(reusing: &scratch)
        try Self.run(name, &instance)
        #expect(try State(instance) != before, "\(name) changes the instance")
        #expect(!Self.savedNothing(instance), "\(name) saved the state before writing it")
        instance.rollBack(undo, recycling: &scratch)
        #expect(try State(instance) == before)
        #expect(Self.savedNothing(instance))
    }

    @Test(arguments: functionNames.dropFirst())
    func aKeptWriteStaysAsARunWithoutALogLeavesIt(name: String) throws {
        var logged = try Self.instance()
        var twin = try Self.instance()
        var scratch = ExecutionScratch()
        for step in ["store", name, "store"] {
            let undo = logged.beginUndoLog(reusing: &scratch)
            try Self.run(step, &logged)
            logged.keepChanges(undo, recycling: &scratch)
            try Self.run(step, &twin)
            #expect(try State(logged) == State(twin), "after \(step)")
            #expect(Self.savedNothing(logged))
        }
        // A later log rolls back to what was kept, not to what an earlier log saved.
        let kept = try State(logged)
        let undo = logged.beginUndoLog()
        try Self.run("globalTwice", &logged)
        logged.rollBack(undo)
        #expect(try State(logged) == kept)
    }

    @Test func aSplitOffRunGoesOnWithItsWritesAndTheInstanceRollsBack() throws {
        var instance = try Self.instance()
        let before = try State(instance)
        let undo = instance.beginUndoLog()
        try Self.run("globalThenTable", &instance)
        let written = try State(instance)
        var working = instance.splitOff(undo)
        #expect(try State(instance) == before)
        #expect(try State(working) == written)
        #expect(Self.savedNothing(working) && Self.savedNothing(instance))
        // The split-off copy runs with a log of its own; the instance is untouched by it.
        let workingUndo = working.beginUndoLog()
        try Self.run("tableGrow", &working)
        working.rollBack(workingUndo)
        #expect(try State(working) == written)
        #expect(try State(instance) == before)
    }

    @Test func aCopyTakenBeforeTheFirstWriteKeepsTheStateAsItWas() throws {
        var instance = try Self.instance()
        let undo = instance.beginUndoLog()
        let copy = instance
        try Self.run("globalTwice", &instance)
        #expect(copy.globalSlots == [5] && instance.globalSlots == [11])
        instance.rollBack(undo)
        #expect(instance.globalSlots == [5])
    }
}

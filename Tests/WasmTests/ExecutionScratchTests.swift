import ICSimTestSupport
import SimCore
import Testing
@testable import Wasm

/// Storage reused between runs (``ExecutionScratch``): an execution on a kept value stack and
/// frame buffer returns, traps and exhausts the call stack exactly where one on new storage
/// does (whatever the kept stack held, however large it grew); an undo journal reused from
/// run to run, on one memory or on several in turn, rolls back and keeps exactly as a new one
/// does; an instance's globals and table roll back after a reused log.
@Suite("Wasm storage reused between runs")
struct ExecutionScratchTests {
    typealias Image = MemoryJournalTests.Image
    typealias Change = MemoryJournalTests.Change

    /// sum(n), recursive (`CallStackTests.sumBody`), as function 0.
    static let sum = CallStackTests.module(types: [CallStackTests.i32ToI32], functions: [(0, [0x00], CallStackTests.sumBody)])

    /// The outcome of `sum(n)` under `limits`, on `scratch`'s storage if `reusing`: its results,
    /// or its trap's reason and depth, and the instructions charged.
    static func outcome(_ n: UInt32, limits: ExecutionLimits, _ instance: inout WasmInstance, scratch: inout ExecutionScratch,
                        reusing: Bool) throws -> String {
        var execution = reusing
            ? try Execution(&instance, function: 0, arguments: [.i32(n)], limits: limits, reusing: &scratch)
            : try Execution(&instance, function: 0, arguments: [.i32(n)], limits: limits)
        let outcome = execution.run(&instance, instructionLimit: .max, suspendsAtLimit: false)
        if reusing { execution.recycle(into: &scratch) }
        switch outcome {
        case .finished(let results): return "\(results) in \(execution.instructionsCharged)"
        case .trapped(let trap): return "\(trap.reason) at depth \(trap.backtrace.count) in \(execution.instructionsCharged)"
        case .suspended: return "suspended"
        }
    }

    @Test func aReusedStackReturnsAndTrapsWhereANewOneDoes() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.sum))
        var small = ExecutionLimits()
        small.valueStackSlots = 3_000
        var tight = ExecutionLimits()
        tight.callStackBytes = 48 * 1_024
        // Deep runs grow the kept stack; shallow ones and tighter limits follow on it.
        let runs: [(UInt32, ExecutionLimits)] = [
            (5, ExecutionLimits()), (2_000, ExecutionLimits()), (3, ExecutionLimits()), (5_000, small), (100, small),
            (20_000, ExecutionLimits()), (1_000, small), (5_000, tight), (7, tight), (30_000, ExecutionLimits()), (0, ExecutionLimits()),
        ]
        var scratch = ExecutionScratch()
        for (n, limits) in runs {
            let reused = try Self.outcome(n, limits: limits, &instance, scratch: &scratch, reusing: true)
            let new = try Self.outcome(n, limits: limits, &instance, scratch: &scratch, reusing: false)
            #expect(reused == new, "sum(\(n))")
        }
        #expect(try Self.outcome(5_000, limits: small, &instance, scratch: &scratch, reusing: false).hasPrefix("call stack exhausted"))
    }

    @Test func aSuspendedExecutionKeepsItsStackWhileOthersReuseStorage() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.sum))
        var scratch = ExecutionScratch()
        var paused = try Execution(&instance, function: 0, arguments: [.i32(500)], limits: ExecutionLimits(), reusing: &scratch)
        guard case .suspended = paused.run(&instance, instructionLimit: 1_000) else { Issue.record("did not suspend"); return }
        for n in [UInt32(400), 3, 600] {
            var other = try Execution(&instance, function: 0, arguments: [.i32(n)], limits: ExecutionLimits(), reusing: &scratch)
            guard case .finished(let results) = other.run(&instance, instructionLimit: .max) else { Issue.record("sum(\(n))"); return }
            #expect(results == [.i32(n * (n + 1) / 2)])
            other.recycle(into: &scratch)
        }
        guard case .finished(let results) = paused.run(&instance, instructionLimit: .max) else { Issue.record("did not finish"); return }
        #expect(results == [.i32(125_250)])
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func aReusedJournalRollsBackAndKeepsAsANewOne(seed: UInt64) throws {
        var random = RandomStream(generator: Xoshiro256StarStar(seed: seed))
        // Two memories take turns with one journal, each with its plain twin.
        var memories = [LinearMemory(minimumPages: 1, maximumPages: 6), LinearMemory(minimumPages: 2, maximumPages: 3)]
        var twins = memories
        var kept: MemoryJournal?
        for round in 0..<60 {
            let which = Int(random.uniform(below: 2))
            let saved = twins[which]
            memories[which].beginJournal(reusing: kept)
            kept = nil
            for _ in 0..<Int(random.uniform(below: 12)) {
                let change = Change.random(&random, size: twins[which].byteCount)
                change.apply(to: &memories[which])
                change.apply(to: &twins[which])
            }
            if twins[which].allocationRefused || random.uniform(below: 2) == 0 {
                kept = memories[which].rollBackJournal()
                twins[which] = saved
            } else {
                kept = memories[which].endJournalKeepingLog()
            }
            #expect(kept != nil, "round \(round): the journal comes back")
            #expect(kept?.entries.isEmpty == true && kept?.originalTable == nil, "round \(round): emptied")
            for index in memories.indices { #expect(try Image(memories[index]) == Image(twins[index]), "round \(round), memory \(index)") }
            if random.uniform(below: 6) == 0 {
                memories[which].clearDirtyChunks()
                twins[which].clearDirtyChunks()
            }
        }
    }

    @Test func aMemoryCopyHoldingTheJournalKeepsIt() throws {
        var memory = LinearMemory(minimumPages: 1, maximumPages: 1)
        memory.beginJournal()
        try memory.store(UInt64(5), at: 8)
        let copy = memory
        #expect(memory.endJournalKeepingLog() == nil, "another value still holds the journal: it is not reused")
        #expect(copy.isJournaling)
    }

    /// A module with one mutable i32 global, a one-element funcref table holding function 0,
    /// one page of memory, and: 0 `store` (writes memory only), 1 `global` (sets the global to
    /// 9), 2 `clear` (nulls table element 0).
    static let stateful: [UInt8] = {
        typealias B = ModuleBuilder
        var module = ModuleBuilder()
        module.section(1, B.vector([[0x60, 0x00, 0x00]]))
        module.section(3, B.vector([[0x00], [0x00], [0x00]]))
        module.section(4, B.vector([[0x70, 0x00, 0x01]]))
        module.section(5, B.vector([[0x00, 0x01]]))
        module.section(6, B.vector([[0x7F, 0x01, 0x41, 0x05, 0x0B]]))
        module.section(9, B.vector([[0x00, 0x41, 0x00, 0x0B, 0x01, 0x00]]))
        let bodies: [[UInt8]] = [
            [0x41, 0x10, 0x41, 0x07, 0x36, 0x02, 0x00, 0x0B],
            [0x41, 0x09, 0x24, 0x00, 0x0B],
            [0x41, 0x00, 0xD0, 0x70, 0x26, 0x00, 0x0B],
        ]
        module.section(10, B.vector(bodies.map { B.u32(UInt32($0.count + 1)) + [0x00] + $0 }))
        return module.bytes
    }()

    @Test func globalsAndTablesRollBackAfterALogThatDidNotWriteThem() throws {
        var instance = try WasmInstance(CompiledModule.load(Self.stateful))
        let globals = instance.globalSlots
        let element = instance.tableFunction(at: 0)
        #expect(globals == [5] && element == 0)
        var scratch = ExecutionScratch()
        // A run that writes only memory, kept; then runs that write the global and the table,
        // rolled back: the instance is as after the first.
        var undo = instance.beginUndoLog(reusing: &scratch)
        _ = try instance.invoke(functionIndex: 0, arguments: [])
        instance.keepChanges(undo, recycling: &scratch)
        let after = try Image(#require(instance.memory))
        for function: UInt32 in [1, 2] {
            undo = instance.beginUndoLog(reusing: &scratch)
            _ = try instance.invoke(functionIndex: function, arguments: [])
            #expect(instance.globalSlots != globals || instance.tableFunction(at: 0) != element)
            instance.rollBack(undo, recycling: &scratch)
            #expect(instance.globalSlots == globals && instance.tableFunction(at: 0) == element, "function \(function)")
            #expect(try Image(#require(instance.memory)) == after)
        }
        // Kept, they stay.
        undo = instance.beginUndoLog(reusing: &scratch)
        _ = try instance.invoke(functionIndex: 1, arguments: [])
        instance.keepChanges(undo, recycling: &scratch)
        #expect(instance.globalSlots == [9])
    }
}

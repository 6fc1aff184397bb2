/// What it takes to undo a run on an instance in place (``WasmInstance/beginUndoLog()``): the
/// instance's globals, tables and dropped-segment flags as they were (arrays shared
/// copy-on-write, so the run's first write to one copies it and these stay as they were) and
/// its grow limit; the memory keeps its own log (``MemoryJournal``).
public struct InstanceUndo: Sendable {
    let globals: [UInt64]
    let tables: [Table]
    let droppedData: [Bool]
    let droppedElements: [Bool]
    let memoryGrowLimitBytes: UInt64
    let journalsMemory: Bool
}

extension WasmInstance {
    /// Starts an undo log, so that code can run on this instance itself instead of on a copy
    /// kept to roll back to: ``keepChanges(_:)`` then keeps what the runs changed,
    /// ``rollBack(_:)`` puts the instance back exactly as it is now (memory contents, size
    /// and dirty chunks, globals, tables, dropped segments, grow limit).
    /// - Precondition: a standalone instance (not in a ``WasmLinker``: its shared state is not
    ///   logged) with no undo log running.
    public mutating func beginUndoLog() -> InstanceUndo {
        beginUndoLog(journal: nil)
    }

    /// ``beginUndoLog()``, logging the memory in `journal` (an emptied one from an earlier
    /// log) if given.
    mutating func beginUndoLog(journal: MemoryJournal?) -> InstanceUndo {
        precondition(!isLinked, "only a standalone instance runs with an undo log")
        if hasMemory { memoryStorage.beginJournal(reusing: journal) }
        return InstanceUndo(globals: globals, tables: tables, droppedData: droppedData, droppedElements: droppedElements,
                            memoryGrowLimitBytes: memoryGrowLimitBytes, journalsMemory: hasMemory)
    }

    /// Keeps every change made since `undo` began, and ends the log.
    public mutating func keepChanges(_ undo: consuming InstanceUndo) {
        if undo.journalsMemory { memoryStorage.endJournal() }
    }

    /// Puts the instance back as it was when `undo` began, and ends the log.
    public mutating func rollBack(_ undo: consuming InstanceUndo) {
        _ = rollBackReturningJournal(undo)
    }

    /// ``rollBack(_:)``, returning the memory's journal, emptied, for reuse (`nil` if the memory
    /// was not logged or something else still holds its journal).
    mutating func rollBackReturningJournal(_ undo: consuming InstanceUndo) -> MemoryJournal? {
        let journal = undo.journalsMemory ? memoryStorage.rollBackJournal() : nil
        globals = undo.globals
        tables = undo.tables
        droppedData = undo.droppedData
        droppedElements = undo.droppedElements
        memoryGrowLimitBytes = undo.memoryGrowLimitBytes
        return journal
    }

    /// Splits a run that must go on elsewhere (a paused message): returns a copy of the
    /// instance as the run left it, with no log, and rolls this instance back as
    /// ``rollBack(_:)`` does. The copy shares what did not change with this instance,
    /// copy-on-write.
    public mutating func splitOff(_ undo: consuming InstanceUndo) -> WasmInstance {
        var working = self
        working.memoryStorage.journal = nil
        rollBack(undo)
        return working
    }

    /// Whether an undo log is running on the instance's memory.
    public var isLoggingUndo: Bool { memoryStorage.isJournaling }

    /// The memory's ``LinearMemory/allocatedChunkCount`` (0 without a memory), read in place:
    /// ``memory`` would copy the memory value (a retain and release of its chunk table, a
    /// cache miss each when thousands of canisters are charged in turn).
    public var memoryAllocatedChunkCount: Int {
        guard hasMemory else { return 0 }
        guard isLinked, let links, let cell = links.memory, !links.isLocal else { return memoryStorage.allocatedChunkCount }
        return cell.memory.allocatedChunkCount
    }

    /// Whether the instance is in a ``WasmLinker``, read without copying ``links`` (a copy of
    /// its weak reference costs a runtime call, on every run and host call; matching `.some`
    /// copied and destroyed it too, so a field is read through optional chaining instead).
    @inline(__always)
    var isLinked: Bool { links?.identifier != nil }
}

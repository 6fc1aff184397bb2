/// What it takes to undo a run on an instance in place (``WasmInstance/beginUndoLog()``): its
/// grow limit as it was; the memory keeps its own log (``MemoryJournal``), and the instance
/// saves its globals, tables and dropped-segment flags itself, at the run's first write to one
/// of them (``WasmInstance/undoCopies``: most runs write none, and copying them at every
/// start would touch four arrays of every canister a subnet runs).
public struct InstanceUndo: Sendable {
    let memoryGrowLimitBytes: UInt64
    let journalsMemory: Bool
}

/// The instance's globals, tables and dropped-segment flags as they were when an undo log
/// began (arrays shared copy-on-write: the write that saved them then copies the array it
/// changes, and these stay as they were).
final class UndoSnapshot: Sendable {
    let globals: [UInt64]
    let tables: [Table]
    let droppedData: [Bool]
    let droppedElements: [Bool]

    init(globals: [UInt64], tables: [Table], droppedData: [Bool], droppedElements: [Bool]) {
        self.globals = globals
        self.tables = tables
        self.droppedData = droppedData
        self.droppedElements = droppedElements
    }
}

/// Whether an undo log runs on an instance, and whether it saved the instance's globals,
/// tables and dropped-segment flags yet (``WasmInstance/prepareToChangeUndoneState()``).
enum UndoCopies: Sendable {
    /// No undo log runs.
    case off
    /// One runs, and nothing of these has been written since it began.
    case pending
    /// One runs, and they were saved before the first write.
    case saved(UndoSnapshot)
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
        if case .off = undoCopies {} else { preconditionFailure("an instance runs one undo log at a time") }
        if hasMemory { memoryStorage.beginJournal(reusing: journal) }
        undoCopies = .pending
        return InstanceUndo(memoryGrowLimitBytes: memoryGrowLimitBytes, journalsMemory: hasMemory)
    }

    /// Keeps every change made since `undo` began, and ends the log.
    public mutating func keepChanges(_ undo: consuming InstanceUndo) {
        undoCopies = .off
        if undo.journalsMemory { memoryStorage.endJournal() }
    }

    /// Saves the globals, tables and dropped-segment flags for the undo log before the first
    /// write to any of them since it began (nothing to do without a log, or once saved): every
    /// instruction that writes one calls it first.
    @inline(__always)
    mutating func prepareToChangeUndoneState() {
        if case .pending = undoCopies { saveUndoCopies() }
    }

    /// ``prepareToChangeUndoneState()``'s rare part.
    @inline(never)
    private mutating func saveUndoCopies() {
        undoCopies = .saved(UndoSnapshot(globals: globals, tables: tables, droppedData: droppedData, droppedElements: droppedElements))
    }

    /// Puts the instance back as it was when `undo` began, and ends the log.
    public mutating func rollBack(_ undo: consuming InstanceUndo) {
        _ = rollBackReturningJournal(undo)
    }

    /// ``rollBack(_:)``, returning the memory's journal, emptied, for reuse (`nil` if the memory
    /// was not logged or something else still holds its journal).
    mutating func rollBackReturningJournal(_ undo: consuming InstanceUndo) -> MemoryJournal? {
        let journal = undo.journalsMemory ? memoryStorage.rollBackJournal() : nil
        if case .saved(let snapshot) = undoCopies {
            globals = snapshot.globals
            tables = snapshot.tables
            droppedData = snapshot.droppedData
            droppedElements = snapshot.droppedElements
        }
        undoCopies = .off
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
        working.undoCopies = .off
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

/// Storage that runs made one after another hand on instead of each allocating and freeing its
/// own: a value stack, the buffer of a frame array and an undo journal (an embedder that runs
/// thousands of short calls, such as a subnet executing a round of messages, spends more on
/// these than on running them).
///
/// Pass it `inout` to ``Execution/init(_:function:arguments:limits:reusing:)`` and
/// ``WasmInstance/beginUndoLog(reusing:)``, and give the storage back when the run has ended
/// with ``Execution/recycle(into:)`` and ``WasmInstance/keepChanges(_:recycling:)`` or
/// ``WasmInstance/rollBack(_:recycling:)``. What a run that goes on elsewhere (a suspended
/// execution) keeps is simply not given back. Reuse changes nothing a run computes or how it
/// traps: a reused stack's frames are prepared as a new one's are (locals zeroed, constants
/// copied; operands are written before they are read), a stack is reused only within the
/// run's slot limit (so it traps "call stack exhausted" exactly where a new one would), and a
/// reused journal starts empty.
///
/// Not `Sendable`: one owner, on one thread, at a time (it holds objects that runs change in
/// place); pass it `inout`.
public struct ExecutionScratch {
    /// A value stack no execution uses.
    private var stack: ValueStack?
    /// An empty frame array whose buffer is kept.
    private var frames: [Execution.Frame] = []
    /// An empty undo journal no memory uses.
    private var journal: MemoryJournal?

    /// The largest value stack kept (in slots: 512 KiB): a deep run's larger stack is freed.
    static let keptStackSlotsMax = 1 << 16

    /// Nothing to reuse yet.
    public init() {}

    /// A value stack of at least `capacity` slots and at most `limit`: the kept one if it fits
    /// (its slots hold stale values), else a new one of `capacity` slots, zeroed.
    mutating func takeStack(capacity: Int, limit: Int) -> ValueStack {
        if var kept = stack {
            stack = nil
            if kept.capacity >= capacity, kept.capacity <= limit, isKnownUniquelyReferenced(&kept) { return kept }
        }
        return ValueStack(capacity: capacity)
    }

    /// An empty frame array, with the kept buffer if there is one.
    mutating func takeFrames() -> [Execution.Frame] {
        var taken: [Execution.Frame] = []
        swap(&taken, &frames)
        return taken
    }

    /// The kept journal, if any (empty).
    mutating func takeJournal() -> MemoryJournal? {
        defer { journal = nil }
        return journal
    }

    /// Keeps `stack` for the next run (unless it is too large to hold on to).
    mutating func keep(_ stack: ValueStack) {
        if stack.capacity <= Self.keptStackSlotsMax { self.stack = stack }
    }

    /// Keeps the buffer of `frames` (emptied by the caller, which holds it alone: emptying it
    /// here, while both hold it, would copy it).
    mutating func keep(_ frames: [Execution.Frame]) {
        precondition(frames.isEmpty, "an emptied frame buffer is kept")
        self.frames = frames
    }

    /// Keeps `journal` (emptied: ``MemoryJournal/reset(_:firstGeneration:)`` readies it again).
    mutating func keep(_ journal: MemoryJournal) {
        self.journal = journal
    }
}

extension WasmInstance {
    /// ``beginUndoLog()``, with the journal `scratch` keeps from an earlier run, if it keeps one.
    /// - Precondition: as ``beginUndoLog()``.
    public mutating func beginUndoLog(reusing scratch: inout ExecutionScratch) -> InstanceUndo {
        beginUndoLog(journal: scratch.takeJournal())
    }

    /// ``keepChanges(_:)``, giving the journal, emptied, to `scratch`.
    public mutating func keepChanges(_ undo: consuming InstanceUndo, recycling scratch: inout ExecutionScratch) {
        undoCopies = .off
        guard undo.journalsMemory, let journal = memoryStorage.endJournalKeepingLog() else { return }
        scratch.keep(journal)
    }

    /// ``rollBack(_:)``, giving the journal, emptied, to `scratch`.
    public mutating func rollBack(_ undo: consuming InstanceUndo, recycling scratch: inout ExecutionScratch) {
        if let journal = rollBackReturningJournal(undo) { scratch.keep(journal) }
    }
}

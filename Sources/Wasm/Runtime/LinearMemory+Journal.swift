/// The undo log of a memory that code runs on in place (``LinearMemory/beginJournal()``):
/// what is needed to put the memory back exactly as it was when the log began, recorded as
/// the run changes it.
///
/// While the memory still writes the chunk table it had at the start, a store of at most 8
/// bytes to a chunk of its own records the bytes it overwrites and the chunk's dirty bit, and
/// writes in place (a message that changes a counter then copies no chunk); after
/// ``wordsMax`` such records, or for any other write, the first write to a chunk records the
/// chunk's owner object, its bytes' address and its dirty bit, and the chunk is copied before
/// it is written (the log's reference makes it shared), exactly as a write to a memory shared
/// with a snapshot copies it. Once the memory replaces its table (a grow,
/// or a copy because another value shared the table), the log keeps the original table
/// instead and records nothing more: the new table shares the original's chunks, so writes
/// copy them and the original stays as it was (apart from the entries already recorded).
/// Rolling back puts back the original table, then the recorded chunks and dirty bits
/// (newest first, so a chunk recorded twice ends with its oldest state), then the sizes,
/// counts and flags saved at the start.
///
/// Its variables are `@exclusivity(unchecked)`: one run on one thread records into a journal,
/// and no access to one of them overlaps another, so dynamic checks would only cost time.
final class MemoryJournal {
    /// A chunk as it was before the run first wrote it, or the bytes one store overwrote in
    /// place (`width` bytes at `offset` in chunk `index`, little-endian in `old`).
    enum Entry {
        case chunk(index: Int, chunk: LinearMemory.Chunk?, pointer: UnsafeMutablePointer<UInt8>, wasDirty: Bool)
        case word(index: Int, offset: Int, width: Int, old: UInt64, wasDirty: Bool)
    }

    /// Most stores recorded word by word in one run (then chunks are copied whole, and
    /// further stores to them run without the log).
    static let wordsMax = 64
    /// Stores recorded word by word so far.
    @exclusivity(unchecked) private(set) var words = 0

    /// The table the memory had at the start, once it replaced it (`nil` while it writes it).
    @exclusivity(unchecked) private(set) var originalTable: LinearMemory.ChunkTable?
    /// Chunks of the original table as they were before the run first wrote them.
    @exclusivity(unchecked) private(set) var entries: [Entry] = []
    /// A stamp at or above this was given in this run (by a write, which recorded the chunk).
    @exclusivity(unchecked) private(set) var firstGeneration: UInt32
    /// What the memory held at the start besides its chunks.
    @exclusivity(unchecked) private(set) var pageCount: UInt32
    @exclusivity(unchecked) private(set) var size: UInt64
    @exclusivity(unchecked) private(set) var allocated: Int
    @exclusivity(unchecked) private(set) var chunkAllocationLimit: Int

    init(_ memory: LinearMemory, firstGeneration: UInt32) {
        self.firstGeneration = firstGeneration
        pageCount = memory.pageCount
        size = memory.size
        allocated = memory.table.allocated
        chunkAllocationLimit = memory.chunkAllocationLimit
    }

    /// Readies an emptied journal (``empty()``) to log `memory` from now, as a new one would.
    func reset(_ memory: LinearMemory, firstGeneration: UInt32) {
        precondition(entries.isEmpty && originalTable == nil && words == 0, "only an emptied journal is reused")
        self.firstGeneration = firstGeneration
        pageCount = memory.pageCount
        size = memory.size
        allocated = memory.table.allocated
        chunkAllocationLimit = memory.chunkAllocationLimit
    }

    /// Drops what it recorded (releasing the chunks and table it kept), keeping its entries'
    /// buffer for reuse.
    func empty() {
        entries.removeAll(keepingCapacity: true)
        originalTable = nil
        words = 0
    }

    /// The memory is about to replace `table`: keep it if it is the original.
    @inline(__always)
    func keepOriginal(_ table: LinearMemory.ChunkTable) {
        if originalTable == nil { originalTable = table }
    }

    /// Records chunk `index` of the original `table` before its first write in this run.
    func record(_ index: Int, of table: LinearMemory.ChunkTable) {
        entries.append(.chunk(index: index, chunk: table.chunks[index], pointer: table.pointers[index], wasDirty: table.isDirty(index)))
    }

    /// Records the `width` bytes at `offset` in chunk `index` of the original `table`, before
    /// a store overwrites them in place.
    func recordWord(_ index: Int, offset: Int, width: Int, of table: LinearMemory.ChunkTable) {
        var old: UInt64 = 0
        for byte in 0..<width { old |= UInt64(table.pointers[index][offset + byte]) << (8 * UInt64(byte)) }
        entries.append(.word(index: index, offset: offset, width: width, old: old, wasDirty: table.isDirty(index)))
        words += 1
    }

    /// Hands over the original table (the journal keeps no reference to it after).
    func takeOriginalTable() -> LinearMemory.ChunkTable? {
        defer { originalTable = nil }
        return originalTable
    }
}

extension LinearMemory {
    /// Starts recording what code run on this memory in place changes, so that
    /// ``rollBackJournal()`` can undo it (or ``endJournal()`` keep it). Costs nothing per
    /// chunk until a chunk is written.
    /// - Precondition: no journal is running on this memory.
    /// With `reused`, an emptied journal of an earlier log, logs into it instead of a new one.
    mutating func beginJournal(reusing reused: MemoryJournal? = nil) {
        precondition(journal == nil, "a memory runs one journal at a time")
        if table.count > 0 {
            makeTableUnique()
            advanceGeneration()
        }
        if let reused {
            reused.reset(self, firstGeneration: table.generation)
            journal = reused
        } else {
            journal = MemoryJournal(self, firstGeneration: table.generation)
        }
    }

    /// Keeps every change since ``beginJournal()`` and drops the log (releasing the chunks
    /// and table it kept).
    mutating func endJournal() {
        journal = nil
    }

    /// ``endJournal()``, returning the journal emptied for reuse (`nil` if something else
    /// still holds it, or none was running).
    mutating func endJournalKeepingLog() -> MemoryJournal? {
        guard var log = journal else { return nil }
        journal = nil
        return Self.emptied(&log)
    }

    /// `log` emptied, if nothing but the caller holds it.
    private static func emptied(_ log: inout MemoryJournal) -> MemoryJournal? {
        guard isKnownUniquelyReferenced(&log) else { return nil }
        log.empty()
        return log
    }

    /// Puts the memory back as it was at ``beginJournal()`` (chunks, dirty bits, size,
    /// storage count and limit, the refusal flag) and drops the log, returning it emptied for
    /// reuse (`nil` if something else still holds it).
    /// - Precondition: a journal is running.
    @discardableResult
    mutating func rollBackJournal() -> MemoryJournal? {
        guard var log = journal else { preconditionFailure("no journal to roll back") }
        journal = nil
        if let original = log.takeOriginalTable() { replaceTable(original) }
        makeTableUnique()
        for entry in log.entries.reversed() {
            switch entry {
            case .chunk(let index, let chunk, let pointer, let wasDirty):
                table.chunks[index] = chunk
                table.pointers[index] = pointer
                table.setDirty(index, wasDirty)
            case .word(let index, let offset, let width, let old, let wasDirty):
                // The chunk may be shared by now (a paused run's copy keeps the stored bytes).
                if !isKnownUniquelyReferenced(&table.chunks[index]) {
                    let copy = Chunk(copying: table.pointers[index])
                    table.chunks[index] = copy
                    table.pointers[index] = copy.bytes
                }
                for byte in 0..<width { table.pointers[index][offset + byte] = UInt8(truncatingIfNeeded: old >> (8 * UInt64(byte))) }
                table.setDirty(index, wasDirty)
            }
        }
        table.allocated = log.allocated
        pageCount = log.pageCount
        size = log.size
        chunkAllocationLimit = log.chunkAllocationLimit
        allocationRefused = false
        // Stamps given during the run would let direct stores write restored chunks.
        advanceGeneration()
        return Self.emptied(&log)
    }

    /// Whether a journal is running on this memory.
    var isJournaling: Bool { journal != nil }

    /// The journal's part of ``writableChunk(_:)``: records chunk `index` before the run's
    /// first write to it, while the memory still writes its original table (which
    /// ``makeTableUnique()`` made sure it owns).
    @inline(never)
    mutating func journalFirstWrite(_ index: Int) {
        guard let log = journal, log.originalTable == nil, table.stamps[index] < log.firstGeneration else { return }
        log.record(index, of: table)
    }

    /// A store of `width` bytes at `offset` in chunk `index` during a run in place: if the log
    /// may record it word by word (the original table, a chunk of its own not yet recorded
    /// whole, fewer than ``MemoryJournal/wordsMax`` such records), records the bytes it
    /// overwrites, marks the chunk dirty and returns the chunk's bytes to store into in place
    /// (the chunk stays unstamped, so the next store comes here too); `nil`: store through
    /// ``writableChunk(_:)``.
    @inline(never)
    mutating func journalWordWrite(_ index: Int, offset: Int, width: Int) -> UnsafeMutablePointer<UInt8>? {
        makeTableUnique()
        guard let log = journal, log.originalTable == nil, log.words < MemoryJournal.wordsMax,
              table.stamps[index] < log.firstGeneration, isKnownUniquelyReferenced(&table.chunks[index]) else { return nil }
        log.recordWord(index, offset: offset, width: width, of: table)
        table.setDirty(index, true)
        return table.pointers[index]
    }
}

extension LinearMemory.ChunkTable {
    /// Whether chunk `index` is marked dirty.
    func isDirty(_ index: Int) -> Bool {
        dirty[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Marks chunk `index` dirty or clean.
    func setDirty(_ index: Int, _ isDirty: Bool) {
        let bit: UInt64 = 1 << UInt64(index & 63)
        if isDirty { dirty[index >> 6] |= bit } else { dirty[index >> 6] &= ~bit }
    }
}

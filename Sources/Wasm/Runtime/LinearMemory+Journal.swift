/// The undo log of a memory that code runs on in place (``LinearMemory/beginJournal()``):
/// what is needed to put the memory back exactly as it was when the log began, recorded as
/// the run changes it.
///
/// While the memory still writes the chunk table it had at the start, the first write to each
/// chunk records the chunk's owner object, its bytes' address and its dirty bit; the chunk is
/// then copied before it is written (the log's reference makes it shared), exactly as a write
/// to a memory shared with a snapshot copies it. Once the memory replaces its table (a grow,
/// or a copy because another value shared the table), the log keeps the original table
/// instead and records nothing more: the new table shares the original's chunks, so writes
/// copy them and the original stays as it was (apart from the entries already recorded).
/// Rolling back puts back the original table, then the recorded chunks and dirty bits
/// (newest first, so a chunk recorded twice ends with its oldest state), then the sizes,
/// counts and flags saved at the start.
final class MemoryJournal {
    /// A chunk as it was before the run first wrote it.
    struct Entry {
        let index: Int
        let chunk: LinearMemory.Chunk?
        let pointer: UnsafeMutablePointer<UInt8>
        let wasDirty: Bool
    }

    /// The table the memory had at the start, once it replaced it (`nil` while it writes it).
    private(set) var originalTable: LinearMemory.ChunkTable?
    /// Chunks of the original table as they were before the run first wrote them.
    private(set) var entries: [Entry] = []
    /// A stamp at or above this was given in this run (by a write, which recorded the chunk).
    let firstGeneration: UInt32
    /// What the memory held at the start besides its chunks.
    let pageCount: UInt32
    let size: UInt64
    let allocated: Int
    let chunkAllocationLimit: Int

    init(_ memory: LinearMemory, firstGeneration: UInt32) {
        self.firstGeneration = firstGeneration
        pageCount = memory.pageCount
        size = memory.size
        allocated = memory.table.allocated
        chunkAllocationLimit = memory.chunkAllocationLimit
    }

    /// The memory is about to replace `table`: keep it if it is the original.
    @inline(__always)
    func keepOriginal(_ table: LinearMemory.ChunkTable) {
        if originalTable == nil { originalTable = table }
    }

    /// Records chunk `index` of the original `table` before its first write in this run.
    func record(_ index: Int, of table: LinearMemory.ChunkTable) {
        let wasDirty = table.dirty[index >> 6] & (1 << UInt64(index & 63)) != 0
        entries.append(Entry(index: index, chunk: table.chunks[index], pointer: table.pointers[index], wasDirty: wasDirty))
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
    mutating func beginJournal() {
        precondition(journal == nil, "a memory runs one journal at a time")
        if table.count > 0 {
            makeTableUnique()
            advanceGeneration()
        }
        journal = MemoryJournal(self, firstGeneration: table.generation)
    }

    /// Keeps every change since ``beginJournal()`` and drops the log (releasing the chunks
    /// and table it kept).
    mutating func endJournal() {
        journal = nil
    }

    /// Puts the memory back as it was at ``beginJournal()`` (chunks, dirty bits, size,
    /// storage count and limit, the refusal flag) and drops the log.
    /// - Precondition: a journal is running.
    mutating func rollBackJournal() {
        guard let log = journal else { preconditionFailure("no journal to roll back") }
        journal = nil
        if let original = log.takeOriginalTable() { replaceTable(original) }
        makeTableUnique()
        for entry in log.entries.reversed() {
            table.chunks[entry.index] = entry.chunk
            table.pointers[entry.index] = entry.pointer
            let bit: UInt64 = 1 << UInt64(entry.index & 63)
            if entry.wasDirty { table.dirty[entry.index >> 6] |= bit } else { table.dirty[entry.index >> 6] &= ~bit }
        }
        table.allocated = log.allocated
        pageCount = log.pageCount
        size = log.size
        chunkAllocationLimit = log.chunkAllocationLimit
        allocationRefused = false
        // Stamps given during the run would let direct stores write restored chunks.
        advanceGeneration()
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
}

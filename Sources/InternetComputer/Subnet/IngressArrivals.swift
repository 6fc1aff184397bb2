import SimCore
import Consensus

/// When each replica has each gossiped ingress message in its pool, by message ID, while a
/// block may still carry it (``SubnetSimulation/gossip(_:_:)``).
///
/// One row of instants per message, one column per replica, in a single flat array whose rows
/// are reused once their message is executed; a message's row is found through an
/// ``ItemPositions`` (IDs come nearly in order). Under a backlog this replaces a dictionary
/// of one array per message: an allocation and a release per message, and SipHash lookups
/// in a table of 100,000+ entries. Never iterated, so where a row lies reaches nothing.
struct IngressArrivals: Sendable {
    /// The instants, `width` per row.
    private var instants: [SimInstant] = []
    /// Instants per row: the subnet's replica count (fixed by the first row).
    private var width = 0
    /// The row of each message held.
    private var rows = ItemPositions()
    /// Rows whose message was removed, to reuse (last freed first).
    private var freeRows: [Int] = []

    /// An empty table.
    init() {}

    /// Messages held.
    var count: Int { rows.count }

    /// A row for message `id`, every instant `.max` (the gossip has not reached the replica):
    /// a new one, or the one `id` had (recorded again).
    mutating func startRow(for id: UInt64, width rowWidth: Int) -> Int {
        precondition(rowWidth > 0 && (width == 0 || width == rowWidth), "every row has one instant per replica")
        width = rowWidth
        let row: Int
        if let existing = rows.place(of: id) {
            row = existing
        } else if let free = freeRows.popLast() {
            row = free
            rows.updateValue(row, forKey: id)
        } else {
            row = instants.count / width
            instants.append(contentsOf: repeatElement(.max, count: width))
            rows.updateValue(row, forKey: id)
        }
        for column in 0..<width { instants[row &* width &+ column] = .max }
        return row
    }

    /// The row of message `id`, if held.
    func row(of id: UInt64) -> Int? { rows.place(of: id) }

    /// When replica `replica` has the message of row `row` in its pool (`.max`: never).
    subscript(row: Int, replica: Int) -> SimInstant {
        get {
            precondition(replica >= 0 && replica < width, "a replica of the subnet")
            return instants[row &* width &+ replica]
        }
        set {
            precondition(replica >= 0 && replica < width, "a replica of the subnet")
            instants[row &* width &+ replica] = newValue
        }
    }

    /// `body`'s result on row `row`'s instants, one per replica in order, read in place.
    func withRow<Result>(_ row: Int, _ body: (UnsafeBufferPointer<SimInstant>) -> Result) -> Result {
        precondition(row >= 0 && (row &+ 1) &* width <= instants.count, "a row of the table")
        return instants.withUnsafeBufferPointer { all in body(UnsafeBufferPointer(rebasing: all[row &* width ..< (row &+ 1) &* width])) }
    }

    /// Records that replica `r` has message `id` in its pool at `pooled[r]` (a whole row at
    /// once, as tests set it).
    mutating func record(_ id: UInt64, _ pooled: [SimInstant]) {
        let row = startRow(for: id, width: pooled.count)
        for (replica, time) in pooled.enumerated() { self[row, replica] = time }
    }

    /// When each replica has message `id` in its pool, if held (a copy of its row).
    func pooled(of id: UInt64) -> [SimInstant]? {
        row(of: id).map { row in (0..<width).map { self[row, $0] } }
    }

    /// Forgets message `id` (a block holding it was executed); nothing if not held.
    mutating func remove(_ id: UInt64) {
        guard let row = rows.removeValue(forKey: id) else { return }
        freeRows.append(row)
    }
}

import SimCore
import ExecutionLayer

/// When each canister's query slots are next free, in one replica's query service
/// (``QueryService``): a canister's queries hold at most `slotsPerCanister` threads at once.
///
/// Rows of `slotsPerCanister` times in one flat array, a canister's row found through a
/// dictionary, and the last canister's row remembered, so that a replica serving one canister
/// hashes nothing (a dictionary of arrays cost about 250 instructions a query). A canister
/// all of whose slots are free behaves as a new one (every query starts at or after the time
/// it arrives), so idle rows can be dropped (``dropIdle(at:)``) without changing any result.
struct CanisterSlotTable: Sendable {
    /// Slots per canister (at least one).
    let slotsPerCanister: Int
    /// Each row's slots, row after row.
    private(set) var freeAt: [SimInstant] = []
    /// Each row's canister, by row.
    private(set) var canisters: [CanisterID] = []
    /// Each canister's row.
    private var rows: [CanisterID: Int] = [:]
    /// The canister of the last ``occupy(_:from:ending:)`` and its row.
    private var last: (canister: CanisterID, row: Int)?

    /// An empty table of `slotsPerCanister` slots a canister.
    /// - Precondition: `slotsPerCanister` is at least one.
    init(slotsPerCanister: Int) {
        precondition(slotsPerCanister >= 1, "a canister needs a query slot")
        self.slotsPerCanister = slotsPerCanister
    }

    /// Canisters with a row.
    var canisterCount: Int { canisters.count }

    /// When each of `canister`'s slots is next free (all at zero for a canister without a row).
    func slots(of canister: CanisterID) -> [SimInstant] {
        guard let row = rows[canister] else { return Array(repeating: .zero, count: slotsPerCanister) }
        return Array(freeAt[row * slotsPerCanister..<(row + 1) * slotsPerCanister])
    }

    /// Takes the best-fitting of `canister`'s slots for a query that may start at `earliest`
    /// (or once a slot is free) and ends at `ending(start)`: its start and end. The slot taken
    /// is the latest free by the start (the lowest among equals), as ``QueryService/bestFit(_:_:)``.
    mutating func occupy(_ canister: CanisterID, from earliest: SimInstant,
                         ending: (SimInstant) -> SimInstant) -> (start: SimInstant, end: SimInstant) {
        let first = row(of: canister) * slotsPerCanister
        let count = slotsPerCanister
        return freeAt.withUnsafeMutableBufferPointer { freeAt in
            var soonest = freeAt[first]
            for index in first + 1..<first + count { soonest = min(soonest, freeAt[index]) }
            let start = max(earliest, soonest)
            var best = first
            var bestTime: SimInstant?
            for index in first..<first + count where freeAt[index] <= start && (bestTime.map { freeAt[index] > $0 } ?? true) {
                best = index
                bestTime = freeAt[index]
            }
            let end = ending(start)
            freeAt[best] = end
            return (start, end)
        }
    }

    /// `canister`'s row, added (every slot free) if it has none.
    private mutating func row(of canister: CanisterID) -> Int {
        if let last, last.canister == canister { return last.row }
        let row: Int
        if let existing = rows[canister] {
            row = existing
        } else {
            row = canisters.count
            rows[canister] = row
            canisters.append(canister)
            freeAt.append(contentsOf: repeatElement(.zero, count: slotsPerCanister))
        }
        last = (canister, row)
        return row
    }

    /// Drops the rows of the canisters whose slots are all free by `time` (the rows left keep
    /// their order).
    mutating func dropIdle(at time: SimInstant) {
        var kept = CanisterSlotTable(slotsPerCanister: slotsPerCanister)
        for (row, canister) in canisters.enumerated() {
            let slots = freeAt[row * slotsPerCanister..<(row + 1) * slotsPerCanister]
            guard slots.contains(where: { $0 > time }) else { continue }
            kept.rows[canister] = kept.canisters.count
            kept.canisters.append(canister)
            kept.freeAt.append(contentsOf: slots)
        }
        self = kept
    }
}

import Testing
import SimCore
import ExecutionLayer
@testable import InternetComputer

/// The query service's table of canister slots (``CanisterSlotTable``) gives every query the
/// start and end a dictionary of slot arrays per canister gave (the model it replaced), whatever
/// the canisters, the order they come in and the idle rows dropped between.
@Suite("Canister slot table")
struct CanisterSlotTableTests {
    /// The model: each canister's slots in their own array, the best-fitting one taken.
    struct Reference {
        let slotsPerCanister: Int
        var slots: [CanisterID: [SimInstant]] = [:]

        mutating func occupy(_ canister: CanisterID, from earliest: SimInstant, duration: SimDuration) -> (start: SimInstant, end: SimInstant) {
            var row = slots[canister] ?? Array(repeating: .zero, count: slotsPerCanister)
            let start = max(earliest, row.min() ?? earliest)
            row[QueryService.bestFit(row, start)] = start + duration
            slots[canister] = row
            return (start, start + duration)
        }
    }

    @Test(arguments: [1, 2, 3])
    func occupyingSlotsGivesTheReferenceStartsAndEnds(slotsPerCanister: Int) {
        var stream = RandomSeed(UInt64(slotsPerCanister)).stream("canister-slots")
        var table = CanisterSlotTable(slotsPerCanister: slotsPerCanister)
        var reference = Reference(slotsPerCanister: slotsPerCanister)
        var now = SimInstant.zero
        for step in 0..<5_000 {
            now = now + .microseconds(Int64(stream.uniform(below: 300)))
            // Mostly one canister (the cached row), sometimes one of eight others.
            let canister = CanisterID(stream.uniform(below: 4) == 0 ? stream.uniform(below: 8) + 2 : 1)
            let duration = SimDuration.microseconds(Int64(stream.uniform(below: 2_000)))
            let got = table.occupy(canister, from: now) { $0 + duration }
            let expected = reference.occupy(canister, from: now, duration: duration)
            #expect(got.start == expected.start && got.end == expected.end)
            // Dropped rows come back all free: the starts and ends must not notice.
            if step % 97 == 0 { table.dropIdle(at: now) }
        }
    }

    @Test func droppingIdleRowsKeepsTheBusyOnesInOrder() {
        var table = CanisterSlotTable(slotsPerCanister: 2)
        for index in 1...4 {
            _ = table.occupy(CanisterID(UInt64(index)), from: .zero + .microseconds(Int64(index) * 100)) { $0 + .microseconds(150) }
        }
        // At 360 µs: canister 1 (free at 250) and 2 (free at 350) are idle, 3 and 4 busy.
        table.dropIdle(at: .zero + .microseconds(360))
        #expect(table.canisters == [CanisterID(3), CanisterID(4)])
        #expect(table.slots(of: CanisterID(4)) == [.zero + .microseconds(550), .zero])
        #expect(table.slots(of: CanisterID(1)) == [.zero, .zero])
    }
}

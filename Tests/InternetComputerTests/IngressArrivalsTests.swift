import Testing
import SimCore
@testable import InternetComputer

/// The gossip arrivals' flat table: a row per message, every instant `.max` when started,
/// rows of removed messages reused, a message recorded again keeping its row.
@Suite("Ingress arrivals")
struct IngressArrivalsTests {
    @Test func rowsAreStartedFoundReusedAndForgotten() {
        var table = IngressArrivals()
        let instant = SimInstant.zero + .milliseconds(3)
        let first = table.startRow(for: 10, width: 3)
        table[first, 1] = instant
        let second = table.startRow(for: 11, width: 3)
        #expect(first != second && table.count == 2)
        #expect(table.pooled(of: 10) == [.max, instant, .max])
        #expect(table.pooled(of: 11) == [.max, .max, .max])
        // Recorded again: the same row, started afresh.
        #expect(table.startRow(for: 10, width: 3) == first)
        #expect(table.pooled(of: 10) == [.max, .max, .max])
        table.remove(10)
        table.remove(10)
        #expect(table.row(of: 10) == nil && table.pooled(of: 10) == nil && table.count == 1)
        // The freed row goes to the next message, cleared.
        table[first, 2] = instant
        #expect(table.startRow(for: 12, width: 3) == first)
        #expect(table.pooled(of: 12) == [.max, .max, .max])
        table.record(13, [instant, instant, .max])
        #expect(table.pooled(of: 13) == [instant, instant, .max] && table.pooled(of: 11) == [.max, .max, .max])
    }

    /// Many messages in a backlog's pattern, each with its own instants, read back intact.
    @Test func manyMessagesKeepTheirInstants() {
        var table = IngressArrivals()
        for id in UInt64(0)..<5_000 {
            let row = table.startRow(for: id, width: 4)
            for replica in 0..<4 { table[row, replica] = SimInstant.zero + .nanoseconds(Int64(id) * 10 + Int64(replica)) }
            if id >= 1_000 { table.remove(id - 1_000) }
        }
        #expect(table.count == 1_000)
        for id in UInt64(4_000)..<5_000 {
            let expected = (0..<4).map { SimInstant.zero + .nanoseconds(Int64(id) * 10 + Int64($0)) }
            #expect(table.pooled(of: id) == expected)
        }
    }
}

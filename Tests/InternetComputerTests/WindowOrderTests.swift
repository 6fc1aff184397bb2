import Testing
import SimCore
@testable import InternetComputer

/// What a window's subnets publish is delivered in (time, subnet, order) order: a stable sort,
/// skipped when the items are in that order already.
@Suite("A window's items in order")
struct WindowOrderTests {
    typealias Item = (time: SimInstant, subnet: Int, label: Int)

    static func ordered(_ items: [Item]) -> [Int] {
        InternetComputerSimulation.inOrder(items, time: \.time, subnet: \.subnet).map(\.label)
    }

    static func at(_ millis: Int64) -> SimInstant { .zero + .milliseconds(millis) }

    @Test func itemsInOrderStayAsTheyAre() {
        let items: [Item] = [(Self.at(1), 0, 0), (Self.at(1), 0, 1), (Self.at(1), 2, 2), (Self.at(3), 0, 3), (Self.at(3), 0, 4)]
        #expect(Self.ordered(items) == [0, 1, 2, 3, 4])
        #expect(Self.ordered([]) == [])
    }

    @Test func itemsOutOfOrderAreSortedStably() {
        // Two subnets' items one after the other, each in its own order; equal keys keep theirs.
        let items: [Item] = [(Self.at(2), 1, 0), (Self.at(5), 1, 1), (Self.at(2), 0, 2), (Self.at(2), 0, 3), (Self.at(5), 0, 4), (Self.at(2), 1, 5)]
        #expect(Self.ordered(items) == [2, 3, 0, 5, 4, 1])
    }
}

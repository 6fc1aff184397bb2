import Testing
import SimCore

/// Deliveries (``Scheduler/scheduleDelivery(_:at:)``): at equal times they come after every
/// event scheduled otherwise, whenever each was scheduled, and in their own order among
/// themselves, so a subnet's order does not depend on when its stream slices were handed to
/// it (Docs/Determinism.md, "Subnets in parallel").
@Suite("Delivery order")
struct DeliveryOrderTests {
    func at(_ milliseconds: Int64) -> SimInstant { .zero + .milliseconds(milliseconds) }

    /// Pops every event of `scheduler` (batches made from their template and tag).
    func drain(_ scheduler: inout Scheduler<String>) -> [String] {
        var order: [String] = []
        while let event = scheduler.takeNext(copying: { template, tag in "\(template)\(tag)" }) { order.append(event.event) }
        return order
    }

    @Test func deliveriesComeAfterOrdinaryEventsAtEqualTimes() {
        var scheduler = Scheduler<String>()
        scheduler.scheduleDelivery("d1", at: at(10))
        scheduler.schedule("a", at: at(10))
        scheduler.scheduleDelivery("d0", at: at(5))
        scheduler.schedule("early", at: at(5))
        scheduler.scheduleDelivery("d2", at: at(10))
        scheduler.schedule("b", at: at(10))
        scheduler.schedule("later", at: at(11))
        let order = drain(&scheduler)
        #expect(order == ["early", "d0", "a", "b", "d1", "d2", "later"])
    }

    /// Whether the deliveries are handed over before, between or after a model's own events,
    /// the order is the same: the one a windowed run relies on.
    @Test(arguments: [0, 1, 2, 3])
    func theOrderDoesNotDependOnWhenDeliveriesAreHandedOver(handedAfter: Int) {
        var scheduler = Scheduler<String>()
        let own: [(String, Int64)] = [("x", 7), ("y", 7), ("z", 3)]
        for (index, event) in own.enumerated() {
            if index == handedAfter { scheduleDeliveries(&scheduler) }
            scheduler.schedule(event.0, at: at(event.1))
        }
        if handedAfter >= own.count { scheduleDeliveries(&scheduler) }
        let order = drain(&scheduler)
        #expect(order == ["z", "d3", "x", "y", "d7a", "d7b"])
    }

    func scheduleDeliveries(_ scheduler: inout Scheduler<String>) {
        scheduler.scheduleDelivery("d7a", at: at(7))
        scheduler.scheduleDelivery("d3", at: at(3))
        scheduler.scheduleDelivery("d7b", at: at(7))
    }

    /// Batches and lanes are ordinary events: a delivery at their time comes after them.
    @Test func batchesAndLanesComeBeforeDeliveries() {
        var scheduler = Scheduler<String>()
        scheduler.scheduleDelivery("d", at: at(4))
        scheduler.scheduleBatch("copy", count: 2, time: { _ in self.at(4) }, tag: { UInt16($0) })
        scheduler.schedule("laned", at: at(4), lane: 0)
        let order = drain(&scheduler)
        #expect(order == ["copy0", "copy1", "laned", "d"])
    }

    /// Cancelling and rescheduling a delivery work as for any event; a rescheduled delivery
    /// becomes an ordinary event (a fresh sequence).
    @Test func deliveriesCancelAndMoveLikeEvents() {
        var scheduler = Scheduler<String>()
        let gone = scheduler.scheduleDelivery("gone", at: at(2))
        let moved = scheduler.scheduleDelivery("moved", at: at(2))
        scheduler.schedule("a", at: at(3))
        let cancelled = scheduler.cancel(gone)
        let rescheduled = scheduler.reschedule(moved, to: at(3))
        #expect(cancelled == "gone" && rescheduled)
        let order = drain(&scheduler)
        #expect(order == ["a", "moved"])
    }
}

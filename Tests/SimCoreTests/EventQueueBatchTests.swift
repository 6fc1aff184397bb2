import Testing
import SimCore

/// A batch (``EventQueue/scheduleBatch(_:count:time:tag:)``) must pop exactly as its events
/// would, scheduled one by one in the order given: the same times, sequence numbers and
/// payloads (here a batched event is its template plus its tag), in the same order,
/// whatever else the queue holds.
@Suite("Event queue batches")
struct EventQueueBatchTests {
    func at(_ nanoseconds: Int64) -> SimInstant { SimInstant(nanosecondsSinceStart: nanoseconds) }

    /// Pops everything as (time, sequence, payload).
    func drain(_ queue: inout EventQueue<Int>) -> [(Int64, UInt64, Int)] {
        var popped: [(Int64, UInt64, Int)] = []
        while let event = queue.popNext(copying: { $0 + Int($1) }) { popped.append((event.time.nanosecondsSinceStart, event.sequence, event.payload)) }
        return popped
    }

    func same(_ lhs: [(Int64, UInt64, Int)], _ rhs: [(Int64, UInt64, Int)]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0 == $1 }
    }

    @Test func equalTimesBreakTiesByTheOrderGiven() {
        var batched = EventQueue<Int>()
        var single = EventQueue<Int>()
        let times: [Int64] = [5, 3, 5, 5, 3, 7, 5]
        for queue in [0, 1] {
            if queue == 0 {
                batched.schedule(100, at: at(5))
                batched.scheduleBatch(0, count: times.count, time: { at(times[$0]) }, tag: { UInt16($0) })
                batched.schedule(101, at: at(5))
                batched.schedule(102, at: at(3))
            } else {
                single.schedule(100, at: at(5))
                for index in times.indices { single.schedule(index, at: at(times[index])) }
                single.schedule(101, at: at(5))
                single.schedule(102, at: at(3))
            }
        }
        #expect(batched.count == 10)
        #expect(batched.nextTime == at(3))
        #expect(batched.invariantViolation() == nil)
        let expected = drain(&single)
        #expect(expected.map(\.2) == [1, 4, 102, 100, 0, 2, 3, 6, 101, 5])
        #expect(same(drain(&batched), expected))
        #expect(batched.isEmpty && batched.count == 0 && batched.invariantViolation() == nil)
    }

    @Test func emptySingleAndUnpackableBatchesAreScheduledEventByEvent() {
        var queue = EventQueue<Int>()
        queue.scheduleBatch(0, count: 0, time: { _ in at(0) }, tag: { _ in 0 })
        #expect(queue.isEmpty)
        queue.scheduleBatch(7, count: 1, time: { _ in at(9) }, tag: { _ in 0 })
        // Spread over 2^32 ns or more, and at both ends of time: no packing.
        let far: [Int64] = [Int64.max, 0, 1 << 50, Int64.max - 1, 1 << 32]
        queue.scheduleBatch(10, count: far.count, time: { at(far[$0]) }, tag: { UInt16($0) })
        #expect(queue.count == 6 && queue.invariantViolation() == nil)
        #expect(drain(&queue).map(\.2) == [11, 7, 14, 12, 13, 10])
    }

    /// Batches are kept in regions of one array, widened for a larger batch while others are
    /// in flight; a batch too large for a region is scheduled event by event. Either way the
    /// pops are those of the events scheduled one by one.
    @Test func widenedRegionsAndOversizedBatchesKeepTheirOrder() {
        var batched = EventQueue<Int>()
        var single = EventQueue<Int>()
        // 3, then 40 (widening the regions with the first in flight), then 200 (again), then one
        // too large for a region, then 3 again into a freed region; times interleaved.
        let sizes = [3, 40, 200, 1_100, 3]  // 1,100: more than a region holds (1,021)
        for (number, size) in sizes.enumerated() {
            let time: (Int) -> SimInstant = { at(Int64(($0 * 7_919 + number * 13) % 5_003)) }
            batched.scheduleBatch(number * 10_000, count: size, time: time, tag: { UInt16($0) })
            for index in 0..<size { single.schedule(number * 10_000 + index, at: time(index)) }
            #expect(batched.invariantViolation() == nil)
            if number == 1 {
                // Pop some with batches in flight, so that the last batch reuses a freed region.
                for _ in 0..<20 { #expect(batched.popNext(copying: { $0 + Int($1) })?.payload == single.popNext()?.payload) }
            }
        }
        #expect(batched.count == single.count)
        #expect(same(drain(&batched), drain(&single)))
        #expect(batched.isEmpty && batched.invariantViolation() == nil)
    }

    @Test func aBatchJustInsideThePackedSpreadKeepsItsOrder() {
        var queue = EventQueue<Int>()
        let times: [Int64] = [(1 << 32) - 1, 0, (1 << 32) - 1, 5]
        queue.scheduleBatch(0, count: times.count, time: { at(times[$0]) }, tag: { UInt16(65_535 - $0) })
        #expect(queue.invariantViolation() == nil)
        #expect(drain(&queue).map(\.2) == [65_534, 65_532, 65_535, 65_533])
    }

    @Test func aBatchAtTheEndOfTimeKeepsItsOrder() {
        var queue = EventQueue<Int>()
        let times: [Int64] = [Int64.max, Int64.max - 5, Int64.max, Int64.max - 5]
        queue.scheduleBatch(0, count: times.count, time: { at(times[$0]) }, tag: { UInt16($0) })
        #expect(drain(&queue).map(\.2) == [1, 3, 0, 2])
    }

    /// Random workloads: batches of 2-70 events (insertion-sorted and packed, or larger than
    /// the broadcasts of a subnet), events scheduled alone, cancelled and rescheduled, and
    /// pops, in one queue with batches and one scheduling every event alone: every pop equal.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func batchesPopAsTheirEventsScheduledOneByOne(seed: UInt64) {
        var stream = RandomSeed(seed).stream("batch-property")
        var batched = EventQueue<Int>()
        var single = EventQueue<Int>()
        var handles: [(EventHandle, EventHandle)] = []
        var now: Int64 = 0
        var nextID = 0
        for step in 0..<6_000 {
            let operation = stream.uniform(below: 10)
            if operation < 2 {
                let count = Int(stream.uniform(below: 69)) + 2
                let times = (0..<count).map { _ in now + Int64(stream.uniform(below: 200_000_000)) / 1_000_000 * 1_000_000 }
                batched.scheduleBatch(nextID, count: count, time: { at(times[$0]) }, tag: { UInt16($0) })
                for index in 0..<count { single.schedule(nextID + index, at: at(times[index])) }
                nextID += count
            } else if operation < 4 {
                let time = at(now + Int64(stream.uniform(below: 50_000_000)))
                handles.append((batched.schedule(nextID, at: time), single.schedule(nextID, at: time)))
                nextID += 1
            } else if operation < 5, !handles.isEmpty {
                let victim = handles.remove(at: Int(stream.uniform(below: UInt64(handles.count))))
                #expect(batched.cancel(victim.0) == single.cancel(victim.1))
            } else if operation < 6, !handles.isEmpty {
                let target = handles[Int(stream.uniform(below: UInt64(handles.count)))]
                let time = at(now + Int64(stream.uniform(below: 10_000_000)))
                #expect(batched.reschedule(target.0, to: time) == single.reschedule(target.1, to: time))
            } else {
                let lhs = batched.popNext(copying: { $0 + Int($1) })
                let rhs = single.popNext()
                #expect(lhs?.time == rhs?.time && lhs?.sequence == rhs?.sequence && lhs?.payload == rhs?.payload)
                if let lhs { now = lhs.time.nanosecondsSinceStart }
            }
            #expect(batched.count == single.count && batched.nextTime == single.nextTime)
            if step % 499 == 0 { #expect(batched.invariantViolation() == nil) }
        }
        #expect(same(drain(&batched), drain(&single)))
        #expect(batched.invariantViolation() == nil)
    }

    @Test func aPoppedBatchEventHasNoHandleToCancel() {
        var queue = EventQueue<Int>()
        queue.scheduleBatch(0, count: 3, time: { at(Int64($0)) }, tag: { UInt16($0) })
        guard let event = queue.popNext() else {
            Issue.record("the batch popped nothing")
            return
        }
        #expect(!queue.isPending(event.handle))
        #expect(queue.cancel(event.handle) == nil)
        #expect(queue.count == 2)
    }

    /// The kernel: a model that broadcasts in batches (its copies made by its
    /// ``TracedModel/batchCopy(of:tag:)``) traces the same hash as one that schedules each copy.
    @Test func theKernelTracesBatchesAsSingleEvents() {
        var batched = Simulation(model: Broadcaster(batches: true))
        var single = Simulation(model: Broadcaster(batches: false))
        for simulation in [0, 1] {
            if simulation == 0 { batched.scheduler.schedule(0, at: .zero) } else { single.scheduler.schedule(0, at: .zero) }
        }
        _ = batched.run(.events(5_000))
        _ = single.run(.events(5_000))
        #expect(batched.model.seen == single.model.seen)
        #expect(batched.traceHash.hexDigest == single.traceHash.hexDigest)
        #expect(batched.model.seen.count == 5_000)
    }

    /// A shell driving a ``Scheduler`` itself takes a batch's events made from its template
    /// with `takeNext(copying:)`, in the order and at the times plain scheduling gives;
    /// `takeNext()` gives the template.
    @Test func aSchedulerTakesBatchCopiesWhenGivenTheCopy() {
        var batched = Scheduler<Int>()
        var plain = Scheduler<Int>()
        let delays: [Int64] = [30, 10, 20, 10, 40]
        batched.scheduleBatch(100, count: delays.count, time: { at(delays[$0]) }, tag: { UInt16($0) })
        for (copy, delay) in delays.enumerated() { plain.schedule(100 + copy, at: at(delay)) }
        var taken: [(Int64, Int)] = []
        var expected: [(Int64, Int)] = []
        while let next = batched.takeNext(copying: { template, tag in template + Int(tag) }) {
            taken.append((next.time.nanosecondsSinceStart, next.event))
        }
        while let next = plain.takeNext() { expected.append((next.time.nanosecondsSinceStart, next.event)) }
        #expect(taken.map(\.0) == expected.map(\.0) && taken.map(\.1) == expected.map(\.1))
        #expect(taken.map(\.1) == [101, 103, 102, 100, 104])
        var templates = Scheduler<Int>()
        templates.scheduleBatch(7, count: 2, time: { at(Int64($0)) }, tag: { UInt16($0 + 1) })
        #expect(templates.takeNext()?.event == 7)
    }

    /// Each event it handles sends five more, at delays derived from the event (with ties).
    struct Broadcaster: SimulationModel {
        let batches: Bool
        var seen: [Int] = []

        func traceRecord(for event: Int) -> TraceRecord {
            TraceRecord(kind: EventKind(code: 1, name: "copy"), payloadDigest: UInt64(bitPattern: Int64(event)))
        }

        static func batchCopy(of template: Int, tag: UInt16) -> Int { template &+ Int(tag) }

        mutating func handle(_ event: Int, scheduler: inout Scheduler<Int>) {
            seen.append(event)
            let now = scheduler.now
            let delay = { (copy: Int) in now + .microseconds(Int64(UInt(bitPattern: event &* 7 &+ copy &* 13) % 5)) }
            if batches {
                scheduler.scheduleBatch(event &* 5 &+ 1, count: 5, time: delay) { UInt16($0) }
            } else {
                for copy in 0..<5 { scheduler.schedule(event &* 5 &+ copy &+ 1, at: delay(copy)) }
            }
        }
    }
}

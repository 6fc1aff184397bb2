import Testing
@testable import SimCore

/// Laned events (``EventQueue/schedule(_:at:lane:)``) must pop exactly as they would,
/// scheduled plainly: the same times, sequence numbers and payloads, in the same order,
/// whatever else the queue holds (plain events, cancelled ones, batches).
@Suite("Event queue lanes")
struct EventQueueLaneTests {
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

    @Test func tiesBetweenLanesAndTiersBreakByTheOrderScheduled() {
        var laned = EventQueue<Int>()
        var plain = EventQueue<Int>()
        // (time, lane or -1 for a plain event)
        let events: [(Int64, Int)] = [(5, 0), (5, -1), (3, 1), (5, 0), (3, -1), (4, 0), (5, 1), (7, -1), (5, 0), (3, 0)]
        for (payload, (time, lane)) in events.enumerated() {
            if lane >= 0 { laned.schedule(payload, at: at(time), lane: lane) } else { laned.schedule(payload, at: at(time)) }
            plain.schedule(payload, at: at(time))
        }
        #expect(laned.count == events.count)
        #expect(laned.nextTime == at(3))
        #expect(laned.invariantViolation() == nil)
        let expected = drain(&plain)
        #expect(expected.map(\.2) == [2, 4, 9, 5, 0, 1, 3, 6, 8, 7])
        #expect(same(drain(&laned), expected))
        #expect(laned.isEmpty && laned.count == 0 && laned.nextTime == nil && laned.invariantViolation() == nil)
    }

    @Test func anEventTooFarBeforeTheTailGoesToTheTiersInOrder() {
        var queue = EventQueue<Int>()
        for index in 0..<100 { queue.schedule(index, at: at(1_000 + Int64(index)), lane: 0) }
        // Earlier than all 100 laned events: more than 64 places before the tail.
        queue.schedule(100, at: at(10), lane: 0)
        // Earlier than the last 30: inside the lane.
        queue.schedule(101, at: at(1_070), lane: 0)
        #expect(queue.invariantViolation() == nil)
        let order = drain(&queue).map(\.2)
        #expect(order == [100] + Array(0...70) + [101] + Array(71..<100))
    }

    @Test func aPoppedLaneEventHasNoHandleToCancel() {
        var queue = EventQueue<Int>()
        queue.schedule(1, at: at(2), lane: 3)
        queue.schedule(2, at: at(4), lane: 3)
        guard let event = queue.popNext() else {
            Issue.record("the lane popped nothing")
            return
        }
        #expect(event.payload == 1 && event.time == at(2))
        #expect(!queue.isPending(event.handle))
        #expect(queue.cancel(event.handle) == nil)
        #expect(queue.count == 1)
    }

    @Test func lanesWrapAroundAndGrowInOrder() {
        var queue = EventQueue<Int>()
        var expected: [Int] = []
        var popped: [Int] = []
        // Fill and drain in waves, so that the ring's head wraps and it grows while wrapped.
        for wave in 0..<6 {
            for index in 0..<(10 + wave * 13) {
                let payload = wave * 1_000 + index
                // Every third event a little earlier than the one before it.
                let time = Int64(wave * 1_000_000 + index * 10 - (index % 3 == 2 ? 15 : 0))
                queue.schedule(payload, at: at(time), lane: 2)
                expected.append(payload)
            }
            for _ in 0..<(5 + wave * 7) { if let event = queue.popNext() { popped.append(event.payload) } }
            #expect(queue.invariantViolation() == nil)
        }
        popped += drain(&queue).map(\.2)
        // Sorting `expected` by (time, order scheduled) is what plain scheduling gives.
        var plain = EventQueue<Int>()
        for payload in expected {
            let (wave, index) = (payload / 1_000, payload % 1_000)
            plain.schedule(payload, at: at(Int64(wave * 1_000_000 + index * 10 - (index % 3 == 2 ? 15 : 0))))
        }
        #expect(popped == drain(&plain).map(\.2))
    }

    /// Random workloads: events scheduled in three lanes a nearly fixed delay ahead (with
    /// jitter, ties, and some far out of order), plain events cancelled and rescheduled,
    /// batches, and pops, in one queue with lanes and one scheduling every event plainly:
    /// every pop equal.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func lanedEventsPopAsTheirEventsScheduledPlainly(seed: UInt64) {
        var stream = RandomSeed(seed).stream("lane-property")
        var laned = EventQueue<Int>()
        var plain = EventQueue<Int>()
        var handles: [(EventHandle, EventHandle)] = []
        var now: Int64 = 0
        var nextID = 0
        for step in 0..<8_000 {
            let operation = stream.uniform(below: 12)
            if operation < 4 {
                let lane = Int(stream.uniform(below: 3))
                let jitter = Int64(stream.uniform(below: 4)) * 1_000
                let delay: Int64 = stream.uniform(below: 40) == 0 ? Int64(stream.uniform(below: 100_000)) : 50_000 + Int64(lane) * 7_000 + jitter
                laned.schedule(nextID, at: at(now + delay), lane: lane)
                plain.schedule(nextID, at: at(now + delay))
                nextID += 1
            } else if operation < 6 {
                let time = at(now + Int64(stream.uniform(below: 60)) * 1_000)
                handles.append((laned.schedule(nextID, at: time), plain.schedule(nextID, at: time)))
                nextID += 1
            } else if operation < 7, !handles.isEmpty {
                let victim = handles.remove(at: Int(stream.uniform(below: UInt64(handles.count))))
                #expect(laned.cancel(victim.0) == plain.cancel(victim.1))
            } else if operation < 8, !handles.isEmpty {
                let target = handles[Int(stream.uniform(below: UInt64(handles.count)))]
                let time = at(now + Int64(stream.uniform(below: 20)) * 1_000)
                #expect(laned.reschedule(target.0, to: time) == plain.reschedule(target.1, to: time))
            } else if operation < 9 {
                let count = Int(stream.uniform(below: 5)) + 2
                let times = (0..<count).map { _ in now + Int64(stream.uniform(below: 30)) * 1_000 }
                laned.scheduleBatch(nextID, count: count, time: { at(times[$0]) }, tag: { UInt16($0) })
                for index in 0..<count { plain.schedule(nextID + index, at: at(times[index])) }
                nextID += count
            } else {
                let lhs = laned.popNext(copying: { $0 + Int($1) })
                let rhs = plain.popNext()
                #expect(lhs?.time == rhs?.time && lhs?.sequence == rhs?.sequence && lhs?.payload == rhs?.payload)
                if let lhs { now = lhs.time.nanosecondsSinceStart }
            }
            #expect(laned.count == plain.count && laned.nextTime == plain.nextTime)
            #expect(laned.sequencesIssued == plain.sequencesIssued)
            if step % 499 == 0 { #expect(laned.invariantViolation() == nil) }
        }
        #expect(same(drain(&laned), drain(&plain)))
        #expect(laned.invariantViolation() == nil)
    }

    /// A copied queue is a value: laning events into one (or popping from it) leaves the other
    /// as it was, each with its own lanes and heads.
    @Test func aCopyOfAQueueKeepsItsOwnLanes() {
        var original = EventQueue<Int>()
        for index in 0..<40 { original.schedule(index, at: at(Int64(100 + index * 10)), lane: index % 5) }
        var copy = original
        copy.schedule(99, at: at(105), lane: 17)
        _ = copy.popNext()
        var second = copy
        second.schedule(98, at: at(50), lane: 0)
        #expect(original.count == 40 && copy.count == 40 && second.count == 41)
        #expect(original.invariantViolation() == nil && copy.invariantViolation() == nil && second.invariantViolation() == nil)
        #expect(drain(&second).map(\.2) == [98, 99] + Array(1..<40))
        #expect(drain(&copy).map(\.2) == [99] + Array(1..<40))
        #expect(drain(&original).map(\.2) == Array(0..<40))
    }

    /// A queue that shares its lanes with no copy changes them in place: laning and popping
    /// keep the same storage (a uniqueness check that always failed once copied every lane at
    /// every event, with the same results).
    @Test func anUnsharedQueueChangesItsLanesInPlace() throws {
        var queue = EventQueue<Int>()
        queue.schedule(0, at: at(10), lane: 3)
        let identity = try ObjectIdentifier(#require(queue.lanes.storage))
        for index in 1..<50 {
            queue.schedule(index, at: at(10 + Int64(index)), lane: index % 4)
            #expect(queue.lanes.storage.map(ObjectIdentifier.init) == identity)
            if index % 3 == 0 { _ = queue.popNext() }
            #expect(queue.lanes.storage.map(ObjectIdentifier.init) == identity)
        }
    }

    /// Every lane of 64, each its own delay: the heads' tree over them pops in time order,
    /// and a lane out of range is refused before anything is laned.
    @Test func sixtyFourLanesPopInTimeOrder() {
        var laned = EventQueue<Int>()
        var plain = EventQueue<Int>()
        for index in 0..<2_000 {
            let lane = (index * 37) % 64
            let time = at(Int64(index / 3) * 100 + Int64(lane) * 7)
            laned.schedule(index, at: time, lane: lane)
            plain.schedule(index, at: time)
            if index % 5 == 4 { #expect(laned.popNext()?.payload == plain.popNext()?.payload) }
        }
        #expect(laned.invariantViolation() == nil)
        #expect(same(drain(&laned), drain(&plain)))
    }

    /// The kernel: a model that schedules its timeouts in lanes traces the same hash as one
    /// that schedules them plainly.
    @Test func theKernelTracesLanedEventsAsPlainOnes() {
        var laned = Simulation(model: Timeouts(lanes: true))
        var plain = Simulation(model: Timeouts(lanes: false))
        laned.scheduler.schedule(0, at: .zero)
        plain.scheduler.schedule(0, at: .zero)
        _ = laned.run(.events(6_000))
        _ = plain.run(.events(6_000))
        #expect(laned.model.seen == plain.model.seen)
        #expect(laned.traceHash.hexDigest == plain.traceHash.hexDigest)
        #expect(laned.model.seen.count == 6_000)
    }

    /// Each even event it handles schedules the next soon (a tie every fourth) and an odd
    /// timeout a fixed delay ahead, give or take the event's own jitter.
    struct Timeouts: SimulationModel {
        let lanes: Bool
        var seen: [Int] = []

        func traceRecord(for event: Int) -> TraceRecord {
            TraceRecord(kind: EventKind(code: 1, name: "timeout"), actor: UInt32(event % 7), payloadDigest: UInt64(event))
        }

        mutating func handle(_ event: Int, scheduler: inout Scheduler<Int>) {
            seen.append(event)
            guard event % 2 == 0 else { return }
            scheduler.schedule(event + 2, after: .nanoseconds(event % 4 == 0 ? 0 : 1_000))
            let timeout = scheduler.now + .nanoseconds(100_000 + Int64((event * 7_919) % 5) * 1_000)
            if lanes { scheduler.schedule(event + 1, at: timeout, lane: 0) } else { scheduler.schedule(event + 1, at: timeout) }
        }
    }
}

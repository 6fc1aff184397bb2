import Testing
import SimCore

@Suite("Event queue")
struct EventQueueTests {
    func at(_ milliseconds: Int64) -> SimInstant { .zero + .milliseconds(milliseconds) }

    @Test func popsInTimeOrderAndFIFOOnTies() {
        var queue = EventQueue<String>()
        queue.schedule("c", at: at(3))
        queue.schedule("a1", at: at(1))
        queue.schedule("b", at: at(2))
        queue.schedule("a2", at: at(1))
        var order: [String] = []
        while let event = queue.popNext() { order.append(event.payload) }
        #expect(order == ["a1", "a2", "b", "c"])
        #expect(queue.isEmpty && queue.nextTime == nil)
    }

    @Test func cancelReturnsThePayloadOnce() {
        var queue = EventQueue<String>()
        let timer = queue.schedule("timeout", at: at(5))
        queue.schedule("ping", at: at(1))
        #expect(queue.isPending(timer))
        #expect(queue.cancel(timer) == "timeout")
        #expect(queue.cancel(timer) == nil)
        #expect(!queue.isPending(timer))
        #expect(queue.popNext()?.payload == "ping")
        #expect(queue.popNext() == nil)
    }

    @Test func staleHandlesStayDeadWhenTheirSlotIsReused() {
        var queue = EventQueue<Int>()
        let first = queue.schedule(1, at: at(1))
        #expect(queue.popNext()?.payload == 1)
        let second = queue.schedule(2, at: at(2))  // reuses the slot of `first`
        #expect(queue.cancel(first) == nil)
        let rescheduled = queue.reschedule(first, to: at(0))
        #expect(!rescheduled)
        #expect(queue.scheduledTime(of: first) == nil)
        #expect(queue.scheduledTime(of: second) == at(2))
    }

    @Test func rescheduleMovesAnEventBehindEqualTimes() {
        var queue = EventQueue<String>()
        let moved = queue.schedule("moved", at: at(1))
        queue.schedule("stays", at: at(2))
        let rescheduled = queue.reschedule(moved, to: at(2))
        #expect(rescheduled)
        #expect(queue.scheduledTime(of: moved) == at(2))
        #expect(queue.popNext()?.payload == "stays")
        #expect(queue.popNext()?.payload == "moved")
        let movedAgain = queue.reschedule(moved, to: at(9))
        #expect(!movedAgain)
    }

    /// Times at the ends of the range (a "never" timer at `SimInstant.max`, negative times in
    /// a raw queue) must neither overflow the calendar's arithmetic nor stall it.
    @Test func extremeTimesKeepTheirOrder() {
        var queue = EventQueue<Int>()
        let times: [Int64] = [.max, 5, .min, .max - 1, 0, -7, .max, 1 << 62, (1 << 62) + 1, .min + 1]
        for (id, time) in times.enumerated() {
            queue.schedule(id, at: SimInstant(nanosecondsSinceStart: time))
            #expect(queue.invariantViolation() == nil, "after scheduling at \(time)")
        }
        var popped: [Int64] = []
        while let event = queue.popNext() {
            popped.append(event.time.nanosecondsSinceStart)
            #expect(queue.invariantViolation() == nil)
            if event.payload == 1 { queue.schedule(99, at: SimInstant(nanosecondsSinceStart: .max)) }
        }
        #expect(popped == (times + [.max]).sorted())
    }

    /// Timers that are moved again and again (failure detectors) leave stale heap entries
    /// behind; the queue must rebuild itself and keep the order exact.
    @Test func heavyReschedulingStaysBoundedAndOrdered() {
        var queue = EventQueue<Int>()
        var stream = RandomSeed(77).stream("churn")
        let handles = (0..<3_000).map { queue.schedule($0, at: at(Int64($0))) }
        var due = (0..<3_000).map { at(Int64($0)) }
        for round in 0..<20 {
            for (id, handle) in handles.enumerated() {
                let time = at(10_000 + Int64(stream.uniform(below: 100_000)))
                let moved = queue.reschedule(handle, to: time)
                #expect(moved)
                due[id] = time
            }
            #expect(queue.invariantViolation() == nil, "after round \(round)")
        }
        #expect(queue.count == 3_000)
        var previous = SimInstant.zero
        while let event = queue.popNext() {
            #expect(event.time == due[event.payload])
            #expect(event.time >= previous)
            previous = event.time
        }
    }

    /// Random schedule/cancel/reschedule/pop sequences against a simple reference model: every
    /// pop must be the reference's minimum by (time, sequence); nothing lost or duplicated.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func randomOperationsMatchAReferenceModel(seed: UInt64) {
        var stream = RandomSeed(seed).stream("queue-property")
        var queue = EventQueue<Int>()
        var reference: [(time: SimInstant, sequence: UInt64, id: Int, handle: EventHandle)] = []
        var sequence: UInt64 = 0
        var nextID = 0
        var popped: [Int] = []
        var cancelled: [Int] = []
        for step in 0..<20_000 {
            let operation = stream.uniform(below: 10)
            if operation < 4 || reference.isEmpty {
                let time = at(Int64(stream.uniform(below: 50)))
                let handle = queue.schedule(nextID, at: time)
                reference.append((time, sequence, nextID, handle))
                sequence += 1
                nextID += 1
            } else if operation < 6 {
                let victim = Int(stream.uniform(below: UInt64(reference.count)))
                #expect(queue.cancel(reference[victim].handle) == reference[victim].id)
                cancelled.append(reference.remove(at: victim).id)
            } else if operation < 8 {
                let target = Int(stream.uniform(below: UInt64(reference.count)))
                let time = at(Int64(stream.uniform(below: 50)))
                let rescheduled = queue.reschedule(reference[target].handle, to: time)
                #expect(rescheduled)
                reference[target].time = time
                reference[target].sequence = sequence
                sequence += 1
            } else {
                let expected = reference.indices.min {
                    (reference[$0].time, reference[$0].sequence) < (reference[$1].time, reference[$1].sequence)
                }
                guard let expected, let event = queue.popNext() else {
                    Issue.record("queue ran dry with \(reference.count) events left")
                    return
                }
                #expect(event.payload == reference[expected].id)
                #expect(event.time == reference[expected].time)
                #expect(event.sequence == reference[expected].sequence)
                popped.append(reference.remove(at: expected).id)
            }
            #expect(queue.count == reference.count)
            if step % 997 == 0 { #expect(queue.invariantViolation() == nil) }
        }
        var lastKey: (Int64, UInt64) = (.min, 0)
        while let event = queue.popNext() {
            let key = (event.time.nanosecondsSinceStart, event.sequence)
            #expect(key > lastKey)
            lastKey = key
            popped.append(event.payload)
        }
        #expect(queue.invariantViolation() == nil)
        let accounted = (popped + cancelled).sorted()
        #expect(accounted == Array(0..<nextID), "every event popped or cancelled exactly once")
    }

    /// Workloads that stress the calendar tiers (stationary spacing, bursts at one instant,
    /// timers spread over 50 binary orders of magnitude, cancellations), checked pop by pop
    /// against a sorted-array reference.
    @Test(arguments: ["phold", "burst", "sparse", "mixed"])
    func tieredQueueMatchesASortedReference(workload: String) {
        var stream = RandomSeed(99).stream(workload)
        var queue = EventQueue<Int>()
        var reference = SortedReference()
        var handles: [Int: EventHandle] = [:]
        var nextID = 0
        var now: Int64 = 0
        func delay() -> Int64 {
            switch workload {
            case "phold": return stream.exponential(mean: .milliseconds(1)).nanoseconds
            case "burst": return stream.uniform(below: 10) == 0 ? Int64(stream.uniform(below: 1_000_000)) : 0
            case "sparse": return Int64(1) << Int64(stream.uniform(below: 50))
            default: return Int64(stream.uniform(below: 1_000)) * Int64(stream.uniform(below: 1_000))
            }
        }
        func add() {
            let time = now + delay()
            let handle = queue.schedule(nextID, at: .zero + .nanoseconds(time))
            reference.insert(time: time, sequence: queue.sequencesIssued - 1, id: nextID)
            handles[nextID] = handle
            nextID += 1
        }
        for _ in 0..<2_000 { add() }
        for step in 0..<60_000 {
            let choice = stream.uniform(below: 10)
            if workload == "mixed" && choice < 2, let victim = reference.randomID(&stream) {
                #expect(queue.cancel(handles[victim]!) == victim)
                reference.remove(id: victim)
            } else if workload == "mixed" && choice < 4, let moved = reference.randomID(&stream) {
                let time = now + delay()
                let rescheduled = queue.reschedule(handles[moved]!, to: .zero + .nanoseconds(time))
                #expect(rescheduled)
                reference.remove(id: moved)
                reference.insert(time: time, sequence: queue.sequencesIssued - 1, id: moved)
            } else if let expected = reference.popMin() {
                guard let event = queue.popNext() else {
                    Issue.record("queue empty at step \(step)")
                    return
                }
                #expect(event.payload == expected.id && event.time.nanosecondsSinceStart == expected.time)
                now = event.time.nanosecondsSinceStart
                add()
            }
            #expect(queue.nextTime?.nanosecondsSinceStart == reference.minTime)
            if step % 4_999 == 0 { #expect(queue.invariantViolation() == nil, "step \(step)") }
        }
        #expect(queue.count == reference.count)
    }
}

/// A sorted array of (time, sequence, id): the obviously correct reference queue.
struct SortedReference {
    private var items: [(time: Int64, sequence: UInt64, id: Int)] = []

    var count: Int { items.count }
    var minTime: Int64? { items.first?.time }

    mutating func insert(time: Int64, sequence: UInt64, id: Int) {
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if (items[middle].time, items[middle].sequence) < (time, sequence) { low = middle + 1 } else { high = middle }
        }
        items.insert((time, sequence, id), at: low)
    }

    mutating func popMin() -> (time: Int64, id: Int)? {
        guard !items.isEmpty else { return nil }
        let first = items.removeFirst()
        return (first.time, first.id)
    }

    mutating func remove(id: Int) {
        items.removeAll { $0.id == id }
    }

    func randomID(_ stream: inout RandomStream) -> Int? {
        stream.element(of: items)?.id
    }
}

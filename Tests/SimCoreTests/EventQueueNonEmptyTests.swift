import Testing
import SimCore

/// The kernel loop's pop of a queue known not to be empty (issue 19): the same events, in the
/// same order, with the same sequences and handles, as `popNext`.
@Suite("Event queue, popping a non-empty queue")
struct EventQueueNonEmptyTests {
    @Test func popNextOfNonEmptyMatchesPopNextThroughCancelsAndReschedules() {
        var stream = RandomSeed(19).stream("queue")
        var plain = EventQueue<Int>()
        var handles: [EventHandle] = []
        for value in 0..<2_000 {
            let time = SimInstant.zero + .microseconds(Int64(stream.uniform(below: 5_000)))
            handles.append(plain.schedule(value, at: time))
        }
        // Some events leave early, some move (fresh sequences), some tie at one instant.
        for index in stride(from: 0, to: handles.count, by: 7) { plain.cancel(handles[index]) }
        for index in stride(from: 3, to: handles.count, by: 11) { plain.reschedule(handles[index], to: .zero + .microseconds(2_500)) }
        var fast = plain
        while !plain.isEmpty {
            let expected = plain.popNext()
            let actual = fast.popNextOfNonEmpty()
            #expect(expected?.payload == actual.payload)
            #expect(expected?.time == actual.time)
            #expect(expected?.sequence == actual.sequence)
            #expect(expected?.handle == actual.handle)
        }
        #expect(fast.isEmpty)
        #expect(fast.invariantViolation() == nil)
    }

    @Test func theKernelStepsThroughEveryEventInOrder() {
        var simulation = Simulation(model: Recorder())
        for value in [3, 1, 2, 1] { simulation.scheduler.schedule(value, at: .zero + .milliseconds(Int64(value))) }
        let result = simulation.run(.unbounded)
        #expect(result.stopReason == .queueEmpty)
        #expect(result.eventsProcessed == 4)
        #expect(simulation.model.seen == [1, 1, 2, 3])
        #expect(simulation.step() == false, "an empty queue takes no step")
    }

    /// Records the events it handles.
    struct Recorder: SimulationModel {
        var seen: [Int] = []

        func traceRecord(for event: Int) -> TraceRecord {
            TraceRecord(kind: EventKind(code: 1, name: "value"), payloadDigest: UInt64(event))
        }

        mutating func handle(_ event: Int, scheduler: inout Scheduler<Int>) {
            seen.append(event)
        }
    }
}

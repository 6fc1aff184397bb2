import Testing
import ICSimTestSupport
import SimCore

/// A scripted model: each event is a label; handling "spawn:N" schedules N children.
struct ScriptModel: SimulationModel {
    var log: [(SimInstant, String)] = []
    var pendingTimer: EventHandle?

    mutating func handle(_ event: String, scheduler: inout Scheduler<String>) {
        log.append((scheduler.now, event))
        switch event {
        case "arm":
            pendingTimer = scheduler.schedule("timer", after: .milliseconds(10))
        case "disarm":
            if let pendingTimer { scheduler.cancel(pendingTimer) }
        case "spawn":
            scheduler.schedule("child", after: .milliseconds(1))
            scheduler.schedule("child", after: .milliseconds(1))
        default:
            break
        }
    }

    func traceRecord(for event: String) -> TraceRecord {
        TraceRecord(kind: EventKind(code: 7, name: "script"), actor: 0, payloadDigest: StableHasher.hash(bytes: Array(event.utf8)))
    }
}

@Suite("Simulation kernel")
struct SimulationTests {
    func at(_ milliseconds: Int64) -> SimInstant { .zero + .milliseconds(milliseconds) }

    @Test func nowIsTheEventTimeWhenTheHandlerRuns() {
        var simulation = Simulation(model: ScriptModel())
        simulation.scheduler.schedule("spawn", at: at(5))
        simulation.scheduler.schedule("x", at: at(2))
        let result = simulation.run(.unbounded)
        #expect(result.stopReason == .queueEmpty)
        #expect(result.eventsProcessed == 4)
        #expect(simulation.model.log.map(\.0) == [at(2), at(5), at(6), at(6)])
        #expect(simulation.model.log.map(\.1) == ["x", "spawn", "child", "child"])
        #expect(simulation.now == at(6))
    }

    @Test func cancelledTimersNeverFire() {
        var simulation = Simulation(model: ScriptModel())
        simulation.scheduler.schedule("arm", at: at(1))
        simulation.scheduler.schedule("disarm", at: at(5))
        _ = simulation.run(.unbounded)
        #expect(!simulation.model.log.contains { $0.1 == "timer" })
    }

    @Test func timeBoundStopsBeforeLaterEventsAndMovesNow() {
        var simulation = Simulation(model: ScriptModel())
        simulation.scheduler.schedule("a", at: at(10))
        simulation.scheduler.schedule("b", at: at(20))
        let first = simulation.run(.until(at(15)))
        #expect(first == RunResult(stopReason: .timeLimit, eventsProcessed: 1, now: at(15)))
        let second = simulation.run(.until(at(20)))  // events exactly at the bound run
        #expect(second == RunResult(stopReason: .queueEmpty, eventsProcessed: 1, now: at(20)))
    }

    @Test func eventBoundAndPredicateAreReported() {
        var simulation = Simulation(model: ScriptModel())
        for index in 0..<10 { simulation.scheduler.schedule("e\(index)", at: at(Int64(index))) }
        #expect(simulation.run(.events(3)).stopReason == .eventLimit)
        #expect(simulation.eventsProcessed == 3)
        let stopped = simulation.run(.unbounded) { $0.log.last?.1 == "e6" }
        #expect(stopped == RunResult(stopReason: .predicate, eventsProcessed: 4, now: at(6)))
        #expect(simulation.run(.events(0)).eventsProcessed == 0)
    }

    @Test func traceObserverSeesEveryEventInOrder() {
        var entries: [TraceEntry] = []
        var simulation = Simulation(model: ScriptModel())
        simulation.traceObserver = { entries.append($0) }
        simulation.scheduler.schedule("spawn", at: at(1))
        _ = simulation.run(.unbounded)
        #expect(entries.map(\.index) == [0, 1, 2])
        #expect(entries.map(\.time) == [at(1), at(2), at(2)])
        #expect(simulation.traceHash.eventCount == 3)
        #expect(entries[0].jsonLine.hasPrefix("{\"i\":0,\"t_ns\":1000000,\"kind\":\"script\",\"code\":7,\"actor\":0,\"digest\":\""))
    }

    @Test func traceHashFollowsItsSpecification() {
        var simulation = Simulation(model: ScriptModel())
        simulation.scheduler.schedule("x", at: at(3))
        _ = simulation.run(.unbounded)
        // SipHash-2-4 (default key) over u64le(time ns) ‖ u64le(code | actor << 32) ‖ u64le(digest).
        var bytes: [UInt8] = []
        for word in [UInt64(3_000_000), 7, StableHasher.hash(bytes: Array("x".utf8))] {
            bytes += (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
        }
        #expect(simulation.traceHash.value == StableHasher.hash(bytes: bytes))
        #expect(simulation.traceHash.hexDigest.count == 16)
    }

    @Test func tracingOffLeavesTheHashEmpty() {
        var simulation = Simulation(model: ScriptModel(), tracing: false)
        simulation.scheduler.schedule("x", at: at(3))
        _ = simulation.run(.unbounded)
        #expect(simulation.traceHash.eventCount == 0)
        #expect(simulation.model.log.count == 1)
    }

    /// Runs the randomized kernel model and returns its trace hash and the model.
    func randomRun(seed: UInt64) -> (hash: String, model: RandomKernelModel, events: UInt64) {
        var simulation = Simulation(model: RandomKernelModel(seed: seed, actors: 64))
        simulation.model.start(&simulation.scheduler)
        let result = simulation.run(.events(30_000))
        #expect(result.stopReason == .eventLimit)
        return (simulation.traceHash.hexDigest, simulation.model, result.eventsProcessed)
    }

    @Test func randomizedRunsAreReproducibleInProcess() {
        let first = randomRun(seed: 11)
        let second = randomRun(seed: 11)
        let other = randomRun(seed: 12)
        #expect(first.hash == second.hash)
        #expect(first.hash != other.hash)
        #expect(first.model.cancellations > 100 && first.model.reschedules > 100)
        // Handling order is (time, sequence): times never decrease.
        let times = first.model.handled.map(\.time)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 })
    }
}

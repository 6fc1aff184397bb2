/// A model driven by the kernel: a state machine that handles one event at a time.
///
/// The model MUST NOT read the wall clock, the system random generator, the environment or
/// any I/O, and MUST NOT let `Dictionary`/`Set` iteration order reach the events it schedules:
/// the kernel's determinism is only as good as the model's.
public protocol SimulationModel: TracedModel {
    /// Handles `event` at `scheduler.now`; may schedule, cancel and reschedule events.
    mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>)
}

/// A model whose events the kernel queues and traces: what every model of a composed run
/// (``LaneMerge``) is. A ``SimulationModel`` also handles its events itself; a model whose
/// handler needs more than its scheduler (the clients of a scenario, which call the subnets)
/// takes its events with ``Simulation/takeNextEvent()`` and is handled by its composition.
public protocol TracedModel {
    /// The events this model schedules and handles.
    associatedtype Event

    /// What the trace records about `event` (kind, actor and a digest of its payload).
    func traceRecord(for event: Event) -> TraceRecord

    /// The event tagged `tag` of a batch made from `template`
    /// (``Scheduler/scheduleBatch(_:count:time:tag:)``): a model that schedules batches makes
    /// each of their events here; the default is `template` itself.
    static func batchCopy(of template: borrowing Event, tag: UInt16) -> Event
}

extension TracedModel {
    /// `template`: a model that schedules no batches needs no copies.
    @inlinable
    public static func batchCopy(of template: borrowing Event, tag: UInt16) -> Event { copy template }
}

/// Bounds on one call of ``Simulation/run(_:)``; hitting one is reported, never silent.
public struct RunBounds: Sendable, Equatable {
    /// Process only events due at or before this instant; afterwards `now` is this instant.
    public var time: SimInstant?
    /// Process at most this many events in this call.
    public var events: UInt64?

    /// Creates bounds; `nil` leaves a dimension unbounded.
    public init(time: SimInstant? = nil, events: UInt64? = nil) {
        self.time = time
        self.events = events
    }

    /// Run until virtual time `time`.
    public static func until(_ time: SimInstant) -> RunBounds { RunBounds(time: time) }

    /// Run at most `count` events.
    public static func events(_ count: UInt64) -> RunBounds { RunBounds(events: count) }

    /// Run until the queue is empty.
    public static let unbounded = RunBounds()
}

/// Why a run stopped.
public enum StopReason: String, Sendable, Equatable {
    /// No event was pending.
    case queueEmpty
    /// The next pending event was due after the time bound; `now` was moved to the bound.
    case timeLimit
    /// The event-count bound was reached.
    case eventLimit
    /// The stop predicate returned `true` after an event.
    case predicate
}

/// The outcome of one call of ``Simulation/run(_:)``.
public struct RunResult: Sendable, Equatable {
    /// Which bound stopped the run.
    public var stopReason: StopReason
    /// Events processed during this call.
    public var eventsProcessed: UInt64
    /// Virtual time when the run stopped.
    public var now: SimInstant

    /// Creates a result.
    @inlinable
    public init(stopReason: StopReason, eventsProcessed: UInt64, now: SimInstant) {
        self.stopReason = stopReason
        self.eventsProcessed = eventsProcessed
        self.now = now
    }
}

/// The deterministic discrete-event kernel: a model, its pending events, and the trace.
///
/// Events run one at a time in (time, insertion sequence) order. Before each handler runs,
/// `scheduler.now` is set to the event's time and, if tracing is on, the event is folded into
/// the trace hash (and passed to ``traceObserver``). No wall clock, threads or async code.
///
/// ```swift
/// var simulation = Simulation(model: MyModel())
/// simulation.scheduler.schedule(.start, at: .zero)
/// let result = simulation.run(.until(.zero + .seconds(60)))
/// print(result.stopReason, simulation.traceHash.hexDigest)
/// ```
public struct Simulation<Model: TracedModel> {
    /// The model; readable and mutable between runs.
    public var model: Model
    /// The clock and the pending events; schedule initial events here.
    public var scheduler = Scheduler<Model.Event>()
    /// Whether processed events are folded into ``traceHash``.
    public let isTracing: Bool
    @usableFromInline var runningTraceHash = TraceHash()
    @usableFromInline var eventCount: UInt64 = 0

    /// The running hash of every processed event (empty when tracing is off).
    public var traceHash: TraceHash { runningTraceHash }
    /// Events processed over all runs.
    public var eventsProcessed: UInt64 { eventCount }
    /// Called with every traced event, in order, before its handler runs (e.g. to write a
    /// JSON Lines trace). It must not influence the simulation.
    public var traceObserver: ((TraceEntry) -> Void)?

    /// Creates a simulation at time zero with no pending events.
    /// - Parameters:
    ///   - model: the state machine to drive.
    ///   - tracing: fold every event into ``traceHash`` (on by default; about 10 ns an event).
    public init(model: Model, tracing: Bool = true) {
        self.model = model
        self.isTracing = tracing
    }

    /// The current virtual time.
    @inlinable
    public var now: SimInstant { scheduler.now }

    /// Takes the next event, if any, as the kernel does before handling it: `now` moves to
    /// its time, and it is counted and folded into the trace (the one trace fold of every
    /// model). The caller handles it.
    @inlinable
    public mutating func takeNextEvent() -> Model.Event? {
        scheduler.queue.isEmpty ? nil : takeNextEventOfNonEmpty()
    }

    /// ``takeNextEvent()`` when an event is pending (the kernel's loop: no optional event).
    /// - Precondition: an event is pending.
    @inlinable
    mutating func takeNextEventOfNonEmpty() -> Model.Event {
        // A batch's event is made from its template in place (one retain of what it holds).
        let event = scheduler.queue.popNextOfNonEmpty(copying: Model.batchCopy(of:tag:))
        scheduler.currentTime = event.time
        let payload = event.payload
        if isTracing {
            let record = model.traceRecord(for: payload)
            if let traceObserver {
                traceObserver(TraceEntry(index: eventCount, time: event.time, record: record))
            }
            runningTraceHash.fold(time: event.time, record: record)
        }
        eventCount += 1
        return payload
    }

    /// Moves `now` to `time` when no event is due before it (the end of a run).
    /// - Precondition: no pending event is due before `time`.
    @inlinable
    public mutating func advance(to time: SimInstant) {
        scheduler.advance(to: time)
    }

    @inlinable
    mutating func stopReason(_ bounds: RunBounds, processed: UInt64) -> StopReason? {
        guard let nextTime = scheduler.queue.nextTime else { return .queueEmpty }
        if let limit = bounds.events, processed >= limit { return .eventLimit }
        if let limit = bounds.time, nextTime > limit {
            if limit > scheduler.currentTime { scheduler.currentTime = limit }
            return .timeLimit
        }
        return nil
    }
}

extension Simulation where Model: SimulationModel {
    /// Processes events until a bound in `bounds` is hit or no event is pending.
    ///
    /// Checked before each event: the queue is empty (``StopReason/queueEmpty``), the event
    /// bound is exhausted (``StopReason/eventLimit``), the next event is due after the time
    /// bound (``StopReason/timeLimit``; `now` moves to the bound). A later call continues.
    @inlinable
    public mutating func run(_ bounds: RunBounds) -> RunResult {
        run(bounds, stopWhen: nil)
    }

    /// Like ``run(_:)``, and also stops with ``StopReason/predicate`` as soon as
    /// `predicate(model)` is `true` after an event.
    @inlinable
    public mutating func run(_ bounds: RunBounds, stopWhen predicate: ((Model) -> Bool)?) -> RunResult {
        var processed: UInt64 = 0
        while true {
            if let reason = stopReason(bounds, processed: processed) {
                return RunResult(stopReason: reason, eventsProcessed: processed, now: scheduler.now)
            }
            step()
            processed += 1
            if let predicate, predicate(model) {
                return RunResult(stopReason: .predicate, eventsProcessed: processed, now: scheduler.now)
            }
        }
    }

    /// Processes the next event, if any; returns `false` if none was pending.
    @inlinable
    @discardableResult
    public mutating func step() -> Bool {
        guard !scheduler.queue.isEmpty else { return false }
        model.handle(takeNextEventOfNonEmpty(), scheduler: &scheduler)
        return true
    }
}

import SimCore

/// A randomized model for kernel tests: many actors send each other messages after random
/// delays, arm timeouts that later messages cancel or move, and record what they handled.
public struct RandomKernelModel: SimulationModel {
    /// The model's events.
    public enum Event: Equatable {
        /// A message for `actor`.
        case message(actor: Int, hop: Int)
        /// `actor`'s timeout fired.
        case timeout(actor: Int)
    }

    /// Every handled event with its time, in handling order.
    public private(set) var handled: [(time: SimInstant, event: Event)] = []
    /// Number of timeouts cancelled and moved.
    public private(set) var cancellations = 0
    /// Number of timeouts rescheduled.
    public private(set) var reschedules = 0

    private var streams: [RandomStream]
    private var timeouts: [EventHandle?]
    private let recordsHandled: Bool

    /// `actors` actors whose streams come from `seed`.
    public init(seed: UInt64, actors: Int, recordsHandled: Bool = true) {
        let root = RandomSeed(seed)
        streams = (0..<actors).map { root.stream("actor", node: $0) }
        timeouts = Array(repeating: nil, count: actors)
        self.recordsHandled = recordsHandled
    }

    /// Schedules one message per actor at random early times.
    public mutating func start(_ scheduler: inout Scheduler<Event>) {
        for actor in streams.indices {
            let delay = SimDuration.microseconds(Int64(streams[actor].uniform(below: 1_000)))
            scheduler.schedule(.message(actor: actor, hop: 0), after: delay)
        }
    }

    public mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>) {
        if recordsHandled { handled.append((scheduler.now, event)) }
        guard case .message(let actor, let hop) = event else { return }
        var stream = streams[actor]
        defer { streams[actor] = stream }
        let target = Int(stream.uniform(below: UInt64(streams.count)))
        scheduler.schedule(.message(actor: target, hop: hop + 1), after: stream.exponential(mean: .milliseconds(1)))
        if let timer = timeouts[actor], scheduler.scheduledTime(of: timer) != nil {
            // A pending timeout: half the time cancel it (and arm a new one), else move it later.
            if stream.uniform(below: 2) == 0 {
                scheduler.cancel(timer)
                cancellations += 1
            } else {
                scheduler.reschedule(timer, after: .microseconds(Int64(stream.uniform(below: 3_000))))
                reschedules += 1
                return
            }
        }
        timeouts[actor] = scheduler.schedule(.timeout(actor: actor), after: .microseconds(Int64(stream.uniform(below: 3_000))))
    }

    public func traceRecord(for event: Event) -> TraceRecord {
        var hasher = StableHasher()
        switch event {
        case .message(let actor, let hop):
            hasher.combine(UInt64(hop))
            return TraceRecord(kind: EventKind(code: 1, name: "message"), actor: UInt32(actor), payloadDigest: hasher.finalize())
        case .timeout(let actor):
            return TraceRecord(kind: EventKind(code: 2, name: "timeout"), actor: UInt32(actor), payloadDigest: hasher.finalize())
        }
    }
}

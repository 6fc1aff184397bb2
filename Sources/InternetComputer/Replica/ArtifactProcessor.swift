import SimCore

/// One of a replica's artifact processor threads (consensus, certification or ingress) as
/// arithmetic: when its CPU is busy until, and when it last ran. Work that arrives while it
/// is busy waits for it; work done now ends `cost` later (Docs/Model.md, "Replica
/// processing"). No events of its own: the shell asks it when an input is taken, and when a
/// timer of the node it serves would be noticed.
struct ArtifactProcessor: Sendable {
    /// When the work taken so far ends (the end of its last run).
    private(set) var busyUntil: SimInstant = .zero

    /// Takes work that arrives at `arrival` and costs `cost`: when it is done (the later of
    /// the arrival and the end of earlier work, plus the cost).
    mutating func take(arrivingAt arrival: SimInstant, cost: SimDuration) -> SimInstant {
        precondition(cost >= .zero, "a negative processing cost")
        let end = max(arrival, busyUntil) + cost
        busyUntil = end
        return end
    }

    /// Adds `cost` to a run that started at or before `start` (work the run decides on once
    /// it started, such as building a block): when that ends.
    mutating func extend(by cost: SimDuration, from start: SimInstant) -> SimInstant {
        precondition(cost >= .zero, "a negative processing cost")
        busyUntil = max(busyUntil, start) + cost
        return busyUntil
    }

    /// When a timer that runs out at `due` is noticed: an idle processor runs every
    /// `interval` after its last run, so the first such tick at or after `due` (`due` itself
    /// when the interval is zero, or the processor is still busy then).
    func noticed(_ due: SimInstant, interval: SimDuration) -> SimInstant {
        guard interval > .zero, due > busyUntil else { return max(due, busyUntil) }
        let waited = (due - busyUntil).nanoseconds
        let ticks = (waited + interval.nanoseconds - 1) / interval.nanoseconds
        return busyUntil + .nanoseconds(ticks * interval.nanoseconds)
    }

    /// A processor that restarts at `time` (its node came back from a crash): idle since.
    mutating func restart(at time: SimInstant) {
        busyUntil = time
    }
}

import SimCore
import ExecutionLayer

/// What one subnet did in a window (or in one step, outside windows): the slices it published
/// (with when), the answers it made visible, and when its next event is due.
struct WindowOutput: Sendable {
    var slices: [(time: SimInstant, source: Int, slice: StreamSlice)] = []
    var answers: [AnsweredWait] = []
    var next: SimInstant?
}

/// The bounds of one window (``InternetComputerSimulation/runWindow(_:users:crew:held:)``),
/// computed from virtual times only, never from the thread count.
struct WindowBound {
    /// The horizon no subnet passes: the window's start plus the lookahead, or just after
    /// the run's end if that is sooner.
    var common: SimInstant
    /// The users' next event (`nil`: none is pending): a subnet whose next event is before it
    /// runs in the window, as the users wait for it.
    var usersNext: SimInstant?
    /// The least stretch a subnet the users do not wait for must be able to run to join the
    /// window.
    var stretch: SimDuration
    /// Whether each subnet has a horizon of its own (several subnets). With one subnet its
    /// horizon is the users' next event, what it publishes crosses at the window's end, and
    /// nothing is held (the loaded subnet runs a window between most pairs of its users'
    /// events, so the per-subnet bookkeeping, about 1 % of its instructions, is spared).
    var perSubnet: Bool
}

/// What the windows' subnets published that has not crossed to its destination yet: stream
/// slices not yet scheduled into their destinations, in (publication time, source subnet,
/// order) order, and answers not yet handed to the users, in (time, subnet, order) order
/// (Docs/Determinism.md, "Subnets in parallel"). A subnet may run past the users' next event
/// (its own horizon is later), so what it publishes then waits here until no lane can come
/// before it.
struct WindowCrossings {
    /// The slices held, in (publication time, source subnet, order) order.
    private(set) var slices: [(time: SimInstant, source: Int, slice: StreamSlice)] = []
    /// The answers held, in (time, subnet, order) order.
    private(set) var answers: [AnsweredWait] = []

    /// Whether nothing is held.
    var isEmpty: Bool { slices.isEmpty && answers.isEmpty }

    /// Adds what a window published (each subnet's items in its own order, the subnets in
    /// subnet order), after everything held: each subnet's items held come before its new
    /// ones, so a stable sort by (time, subnet) keeps the one-event run's order.
    mutating func add(slices newSlices: [(time: SimInstant, source: Int, slice: StreamSlice)], answers newAnswers: [AnsweredWait]) {
        if !newSlices.isEmpty {
            slices = InternetComputerSimulation.inOrder(slices + newSlices, time: \.time, subnet: \.source)
        }
        if !newAnswers.isEmpty {
            answers = InternetComputerSimulation.inOrder(answers + newAnswers, time: \.time, subnet: \.subnet)
        }
    }

    /// Takes the slices published before `bound` (all of them for `nil`), in order.
    mutating func takeSlices(before bound: SimInstant?) -> [(time: SimInstant, source: Int, slice: StreamSlice)] {
        let count = bound.map { bound in slices.prefix { $0.time < bound }.count } ?? slices.count
        defer { slices.removeFirst(count) }
        return Array(slices.prefix(count))
    }

    /// Takes the answers visible before `bound` (all of them for `nil`), in order.
    mutating func takeAnswers(before bound: SimInstant?) -> [AnsweredWait] {
        let count = bound.map { bound in answers.prefix { $0.time < bound }.count } ?? answers.count
        defer { answers.removeFirst(count) }
        return Array(answers.prefix(count))
    }
}

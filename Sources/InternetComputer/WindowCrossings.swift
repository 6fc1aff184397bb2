import SimCore
import ExecutionLayer

/// What one subnet did in a stretch or a window (or in one step, outside them): the slices it
/// published (with when), the answers it made visible, when its next event is due, and how many
/// events it handled.
struct WindowOutput: Sendable {
    var slices: [(time: SimInstant, source: Int, slice: StreamSlice)] = []
    var answers: [AnsweredWait] = []
    var next: SimInstant?
    var events: UInt64 = 0
}

/// What the subnets' stretches published that has not crossed to its destination yet: stream
/// slices not yet scheduled into their destinations, in (publication time, source subnet,
/// order) order, and answers not yet handed to the users, in (time, subnet, order) order
/// (Docs/Determinism.md, "Subnets in parallel"). A subnet may run past the users' next event
/// (its own horizon is later), so what it publishes then waits here until no lane can come
/// before it. Stretches land in any order; each subnet's pieces land in its own.
struct WindowCrossings {
    /// The slices held, in (publication time, source subnet, order) order.
    private(set) var slices: [(time: SimInstant, source: Int, slice: StreamSlice)] = []
    /// The answers held, in (time, subnet, order) order.
    private(set) var answers: [AnsweredWait] = []

    /// Whether nothing is held.
    var isEmpty: Bool { slices.isEmpty && answers.isEmpty }

    /// The earliest time of anything held (`nil`: nothing is).
    var earliest: SimInstant? {
        InternetComputerSimulation.earliest(slices.first?.time, answers.first?.time)
    }

    /// Adds what a stretch (or a piece of one) published, each subnet's items in its own
    /// order, after everything held: each subnet's items held come before its new ones, so a
    /// stable sort by (time, subnet) keeps the one-event run's order, whichever subnet's
    /// stretch landed first.
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

import Dispatch
import Synchronization
import SimCore

/// The threads of a multi-subnet run (``InternetComputerSimulation/run(until:users:threads:progressEvery:progress:)``):
/// the one place threads touch a simulation (Docs/Determinism.md, "Subnets in parallel").
///
/// A crew stands by for the whole run. The run's own thread is the coordinator: it steps the
/// users, decides which subnet may run how far (its stretch), and posts stretches; the other
/// threads take posted stretches, run them, and hand back what each subnet published. Nothing
/// waits for a whole group of subnets: a subnet whose stretch ends is given its next one as
/// soon as its horizon allows, whatever the others are doing. The coordinator runs a posted
/// stretch itself when it has nothing else to do, so no worker is needed for progress (a crew
/// with more threads than cores is merely slower). Stretches last from tens of microseconds
/// to milliseconds, so the idle threads spin (yielding after a while) rather than sleep.
///
/// The workers take the latest posted stretch and the coordinator the earliest, so that the
/// coordinator tends to run the low-numbered (system) subnets it posts first in a scan and a
/// worker the others. Subnets share nothing mutable, so which thread runs a stretch, and when,
/// changes nothing but the wall time.
final class SubnetCrew: @unchecked Sendable {
    /// Threads, the coordinator included (at least 2).
    let threads: Int
    /// Stretches posted and not yet taken, and what the stretches published, not yet collected.
    private let queues = Mutex(Queues())
    /// How many stretches are posted and not taken (read without the lock to spin on).
    private let postedCount = Atomic<Int>(0)
    /// How many pieces are waiting to be collected (read without the lock to spin on).
    private let finishedCount = Atomic<Int>(0)
    /// Set when the run ends: the workers return.
    private let stopped = Atomic<Bool>(false)
    /// Each subnet's progress on a worker, by subnet number (``progress(of:)``).
    private let progress: [SubnetProgress]
    /// The subnets' storage: set before the threads start, never changed during the run.
    nonisolated(unsafe) private var subnets: UnsafeMutablePointer<Simulation<SubnetSimulation>>?

    /// One subnet's stretch: run subnet `subnet` from its next event, due at `from`, until
    /// `horizon` (its events due before), and, with an `answerLookahead`, no further than
    /// that after the first answer it publishes (``horizon(after:)``).
    struct Stretch {
        var subnet: Int
        var from: SimInstant
        var horizon: SimInstant
        var answerLookahead: SimDuration? = nil

        /// The horizon once the stretch has published `answers` (the earliest first): an
        /// answer's consequences may reach the subnet `answerLookahead` after it.
        func horizon(after answers: [AnsweredWait]) -> SimInstant {
            guard let answerLookahead, let first = answers.first else { return horizon }
            return min(horizon, first.time + answerLookahead)
        }
    }

    /// What a stretch published, handed back in pieces as it runs (a worker's stretch hands
    /// over a piece at each event that published something, so that the coordinator can let
    /// the users past the subnet before its stretch ends); `isLast` ends the stretch.
    struct Piece {
        var subnet: Int
        var output: WindowOutput
        var isLast: Bool
    }

    /// What is posted and what is finished.
    private struct Queues: ~Copyable {
        var posted: [Stretch] = []
        var finished: [Piece] = []
    }

    /// A subnet's progress on a worker: the time of its next event (`Int64.max`: none), below
    /// which it has handled every event and handed over every piece. Alone on its cache line
    /// or so (a class instance each), as one worker writes it at every event.
    private final class SubnetProgress: Sendable {
        let nextNanos = Atomic<Int64>(.max)
    }

    /// Whether the workers start (`false` only in tests: a crew whose workers never get a
    /// thread, as when every thread of the machine is busy, must still finish its run).
    let startsWorkers: Bool

    /// A crew of `threads` threads for `subnetCount` subnets.
    /// - Precondition: `threads` is at least 2.
    init(threads: Int, subnetCount: Int, startsWorkers: Bool = true) {
        precondition(threads >= 2, "a run on one thread needs no crew")
        self.threads = threads
        self.startsWorkers = startsWorkers
        progress = (0..<subnetCount).map { _ in SubnetProgress() }
    }

    /// Runs `coordinator` with the crew standing by over `subnets` (the storage of every
    /// subnet, which must stay where it is until the coordinator returns), and returns when it
    /// has returned and every worker has stopped.
    func run(subnets: UnsafeMutablePointer<Simulation<SubnetSimulation>>, _ coordinator: () -> Void) {
        self.subnets = subnets
        nonisolated(unsafe) let coordinate = coordinator
        DispatchQueue.concurrentPerform(iterations: threads) { index in
            if index == 0 {
                coordinate()
                stopped.store(true, ordering: .releasing)
            } else if startsWorkers {
                work()
            }
        }
        self.subnets = nil
    }

    /// Posts a stretch for a worker to run (called by the coordinator, which must not touch
    /// the subnet until its last piece is collected, or until it takes the stretch back with
    /// ``takeBack(startingBefore:)``).
    func post(_ stretch: Stretch) {
        progress[stretch.subnet].nextNanos.store(stretch.from.nanosecondsSinceStart, ordering: .relaxed)
        queues.withLock { $0.posted.append(stretch) }
        postedCount.add(1, ordering: .releasing)
    }

    /// How far subnet `subnet`, on a worker, has come: every event before the time returned
    /// has been handled and every piece it published is collectable (read it before
    /// collecting). The time its posted stretch starts from while no worker has taken it.
    func progress(of subnet: Int) -> SimInstant {
        SimInstant(nanosecondsSinceStart: progress[subnet].nextNanos.load(ordering: .acquiring))
    }

    /// Calls `body` with every piece handed over since the last call, each subnet's in order
    /// (called by the coordinator; a subnet whose last piece it gets is its own again).
    func collectFinished(_ body: (Piece) -> Void) {
        guard finishedCount.load(ordering: .acquiring) > 0 else { return }
        let finished = queues.withLock { queues in
            defer { queues.finished.removeAll(keepingCapacity: true) }
            return queues.finished
        }
        finishedCount.subtract(finished.count, ordering: .relaxed)
        for piece in finished { body(piece) }
    }

    /// Takes back the earliest posted stretch whose subnet's next event is before `time` (the
    /// users wait for it), for the coordinator to run itself (`nil`: none such is posted). The
    /// others are left to the workers: a coordinator that took any would leave them idle.
    func takeBack(startingBefore time: SimInstant) -> Stretch? {
        takeBack { $0.from < time }
    }

    /// Takes back the earliest posted stretch, whatever it is (`nil`: none is posted): for a
    /// coordinator that waited and saw nothing finish (the workers may not have started: the
    /// run must not need them).
    func takeBackAny() -> Stretch? {
        takeBack { _ in true }
    }

    /// Takes back the earliest posted stretch that `isWanted` (`nil`: none such is posted).
    private func takeBack(where isWanted: (Stretch) -> Bool) -> Stretch? {
        guard postedCount.load(ordering: .acquiring) > 0 else { return nil }
        let stretch: Stretch? = queues.withLock { queues in
            guard let position = queues.posted.firstIndex(where: isWanted) else { return nil }
            return queues.posted.remove(at: position)
        }
        if stretch != nil { postedCount.subtract(1, ordering: .relaxed) }
        return stretch
    }

    /// Waits a little for the workers (spinning): until a piece is handed over (`true`), or a
    /// while (`false`).
    func waitBriefly() -> Bool {
        for spin in 0..<256 {
            if finishedCount.load(ordering: .acquiring) > 0 { return true }
            if spin >= 64 { sched_yieldPortable() }
        }
        return false
    }

    /// A worker: runs posted stretches until the run ends.
    private func work() {
        var idle = 0
        while !stopped.load(ordering: .acquiring) {
            if postedCount.load(ordering: .relaxed) > 0, let stretch = takeLatest() {
                run(stretch)
                idle = 0
            } else {
                idle += 1
                if idle > 64 { sched_yieldPortable() }
            }
        }
    }

    /// Takes the latest posted stretch (`nil`: none is posted).
    private func takeLatest() -> Stretch? {
        let stretch: Stretch? = queues.withLock { $0.posted.popLast() }
        if stretch != nil { postedCount.subtract(1, ordering: .relaxed) }
        return stretch
    }

    /// Runs `stretch` on this worker, handing over a piece at each event that published
    /// something and the last at its end, and its progress after every event.
    private func run(_ stretch: Stretch) {
        guard let subnets else { preconditionFailure("a stretch outside a crew's run") }
        let number = stretch.subnet
        var stretch = stretch
        var piece = WindowOutput(next: subnets[number].scheduler.nextEventTime)
        while let next = piece.next, next < stretch.horizon {
            InternetComputerSimulation.step(&subnets[number], number: number, into: &piece)
            if !piece.slices.isEmpty || !piece.answers.isEmpty {
                stretch.horizon = stretch.horizon(after: piece.answers)
                hand(Piece(subnet: number, output: piece, isLast: false))
                piece = WindowOutput(next: piece.next)
            }
            // Below its horizon only: a slice released for it meanwhile arrives at or after it.
            let reached = min(piece.next ?? stretch.horizon, stretch.horizon)
            progress[number].nextNanos.store(reached.nanosecondsSinceStart, ordering: .releasing)
        }
        hand(Piece(subnet: number, output: piece, isLast: true))
    }

    /// Hands `piece` over to the coordinator.
    private func hand(_ piece: Piece) {
        queues.withLock { $0.finished.append(piece) }
        finishedCount.add(1, ordering: .releasing)
    }
}

#if canImport(Glibc)
import Glibc
/// Lets another thread run (a spinning thread's courtesy).
@inline(__always) func sched_yieldPortable() { _ = sched_yield() }
#elseif canImport(Darwin)
import Darwin
/// Lets another thread run (a spinning thread's courtesy).
@inline(__always) func sched_yieldPortable() { _ = sched_yield() }
#else
/// Nothing to yield to here.
@inline(__always) func sched_yieldPortable() {}
#endif

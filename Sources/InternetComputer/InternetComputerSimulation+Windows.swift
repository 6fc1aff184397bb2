import SimCore
import ExecutionLayer

/// Running the subnets ahead of their users (Docs/Determinism.md, "Subnets in parallel"):
/// between two moments the users act on a subnet, the subnets do not affect each other or the
/// users soon enough to matter, so each can run on its own for a while, and what they send
/// each other and the users is handed over afterwards in the order a one-event-at-a-time run
/// produces it. Several subnets run in stretches, each to a horizon of its own, on any number
/// of threads (InternetComputerSimulation+Stretches.swift); one subnet runs in windows that end
/// at the users' next event, here.

extension InternetComputerSimulation {
    /// Runs the subnets and `users` until `time`, several subnets on up to `threads` threads;
    /// the result (every subnet's trace, every report) does not depend on `threads`. An
    /// observer of every event (``observeEvents(_:)``) keeps it on one thread. Without
    /// lookahead (a client with no network delay, a cross-subnet delay of zero) it steps one
    /// event at a time. `progress` is called with the virtual time every subnet has reached
    /// and the subnets' events so far, about every `progressEvery` events (for a progress
    /// line; it must not affect the run).
    public mutating func run<Users: InternetComputerUsers>(until time: SimInstant, users: inout Users, threads: Int,
                                                           progressEvery: UInt64 = 1 << 18,
                                                           progress: (SimInstant, UInt64) -> Void = { _, _ in }) {
        let lookahead = min(configuration.xnetDelay, users.answerLookahead)
        guard lookahead > .zero else {
            return runOneEventAtATime(until: time, users: &users, progressEvery: progressEvery, progress: progress)
        }
        guard subnets.count > 1 else {
            return runWindows(until: time, users: &users, lookahead: lookahead, progressEvery: progressEvery, progress: progress)
        }
        guard threads > 1, !isObserved else {
            return runStretches(until: time, users: &users, lookahead: lookahead, crew: nil, progressEvery: progressEvery, progress: progress)
        }
        let crew = SubnetCrew(threads: threads, subnetCount: subnets.count, startsWorkers: crewStartsWorkers)
        let storage = subnets.withUnsafeMutableBufferPointer { $0.baseAddress }
        guard let storage else { preconditionFailure("several subnets have storage") }
        withUnsafeMutablePointer(to: &self) { simulation in
            withUnsafeMutablePointer(to: &users) { users in
                // The coordinator is the one thread that touches the simulation and the users;
                // the crew's threads touch only the subnets it posts, through `storage`.
                nonisolated(unsafe) let simulation = simulation, users = users
                crew.run(subnets: storage) {
                    simulation.pointee.runStretches(until: time, users: &users.pointee, lookahead: lookahead, crew: crew,
                                                       progressEvery: progressEvery, progress: progress)
                }
            }
        }
    }

    /// The run without lookahead: one event at a time, the users' and the subnets' in the
    /// kernel's lane order.
    mutating func runOneEventAtATime<Users: InternetComputerUsers>(until time: SimInstant, users: inout Users,
                                                                   progressEvery: UInt64, progress: (SimInstant, UInt64) -> Void) {
        var reported = eventsProcessed
        while step(notAfter: time, users: &users) {
            let processed = eventsProcessed
            if processed - reported >= progressEvery {
                reported = processed
                progress(now, reported)
            }
        }
        finish(at: time)
    }

    /// One subnet's run in windows: a window opens at the subnet's next event `t` and ends at
    /// the earliest of the users' next event, `t` plus the lookahead and the run's end; what
    /// the subnet publishes in it is final at its end (nothing can come before it), and its
    /// answers go to the users in order then.
    mutating func runWindows<Users: InternetComputerUsers>(until time: SimInstant, users: inout Users, lookahead: SimDuration,
                                                           progressEvery: UInt64, progress: (SimInstant, UInt64) -> Void) {
        precondition(subnets.count == 1, "windows run one subnet")
        var reported = eventsProcessed
        while true {
            lanes.update(0, to: users.nextEventTime)
            guard let first = lanes.first, first.time <= time else { break }
            if first.lane == 0 {
                // The users' event comes first (``step(notAfter:users:)`` without asking
                // again: about 170 instructions an event).
                users.step(&self)
                continue
            }
            var horizon = min(first.time + lookahead, time + .nanoseconds(1))
            if let usersNext = users.nextEventTime { horizon = min(horizon, usersNext) }
            windowsRun += 1
            stretchesRun += 1
            let output = Self.advance(&subnets[0], SubnetCrew.Stretch(subnet: 0, from: first.time, horizon: horizon))
            lanes.update(1, to: output.next)
            // A slice to another subnet has no destination here (deliverSlices drops it).
            if !output.slices.isEmpty { deliverSlices(output.slices) }
            if !output.answers.isEmpty { users.answersVisible(output.answers) }
            let processed = subnets[0].eventsProcessed
            if processed - reported >= progressEvery {
                reported = processed
                progress(subnets[0].now, reported)
            }
        }
        finish(at: time)
    }

    /// The earlier of two optional times (`nil`: neither is pending).
    static func earliest(_ first: SimInstant?, _ second: SimInstant?) -> SimInstant? {
        guard let first else { return second }
        return second.map { min($0, first) } ?? first
    }

    /// Runs `stretch` of `subnet` (its subnet) here, whole: what it published.
    static func advance(_ subnet: inout Simulation<SubnetSimulation>, _ stretch: SubnetCrew.Stretch) -> WindowOutput {
        var stretch = stretch
        var output = WindowOutput(next: subnet.scheduler.nextEventTime)
        while let next = output.next, next < stretch.horizon {
            step(&subnet, number: stretch.subnet, into: &output)
            if !output.answers.isEmpty { stretch.horizon = stretch.horizon(after: output.answers) }
        }
        return output
    }

    /// Moves what subnet `number`'s last step published into `output`: its slices with the
    /// step's time, its answered waits marked with the subnet's number.
    static func collectPublished(of subnet: inout Simulation<SubnetSimulation>, number: Int, into output: inout WindowOutput) {
        let now = subnet.now
        for slice in subnet.model.takeOutbox() { output.slices.append((now, number, slice)) }
        for var answer in subnet.model.takeAnsweredWaits() {
            answer.subnet = number
            output.answers.append(answer)
        }
    }

    /// Schedules a window's, a step's or a run's last slices into their destinations, `xnetDelay` after
    /// each was published, in (publication time, source subnet, order) order.
    mutating func deliverSlices(_ published: [(time: SimInstant, source: Int, slice: StreamSlice)]) {
        guard !published.isEmpty else { return }
        for entry in Self.inOrder(published, time: \.time, subnet: \.source) where subnets.indices.contains(entry.slice.destination) {
            deliverSlice(entry)
        }
    }

    /// What the window's subnets produced (slices, answers) in (time, subnet, order) order:
    /// the order a one-event run produces them in (a stable sort; each subnet's items come
    /// in its own order already).
    static func inOrder<Item>(_ items: [Item], time: (Item) -> SimInstant, subnet: (Item) -> Int) -> [Item] {
        // Already in order (one subnet published, or several one after another): the stable
        // sort would give them back as they are, at about 1,200 instructions an item.
        if zip(items, items.dropFirst()).allSatisfy({ (time($0), subnet($0)) <= (time($1), subnet($1)) }) { return items }
        return items.enumerated().sorted { a, b in
            (time(a.element), subnet(a.element), a.offset) < (time(b.element), subnet(b.element), b.offset)
        }.map(\.element)
    }
}

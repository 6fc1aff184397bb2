import SimCore
import ExecutionLayer

/// Running the subnets in windows (Docs/Determinism.md, "Subnets in parallel"): between two
/// moments the users act, the subnets do not affect each other or the users soon enough to
/// matter, so each can run on its own up to a horizon, on any thread, and what they send
/// each other and the users is delivered afterwards in the order a one-event-at-a-time run
/// would have produced it.
///
/// The horizon of a window starting at the subnets' earliest pending event, at time `t`, is
/// the earliest of:
/// - the users' next event (they read and change the subnets at their events' times);
/// - `t` plus the cross-subnet delay: a stream slice published at or after `t` arrives no
///   sooner, so every slice of the window is delivered before its destination reaches it;
/// - `t` plus the users' answer lookahead (``InternetComputerUsers/answerLookahead``): an
///   answer visible at or after `t` reaches the subnets again, through its user, no sooner.
///
/// Within a window each subnet handles its events before the horizon in its own order, as in
/// the one-event run; the slices it publishes are scheduled into their destinations at the
/// window's end, in (publication time, source subnet, order) order, and the answers it makes
/// visible are handed to the users in (time, subnet, order) order, each with the status it had
/// when it became visible. So the run is the same for every thread count.
extension InternetComputerSimulation {
    /// Runs the subnets and `users` until `time`, in windows whose subnets step on up to
    /// `threads` threads; the result (every subnet's trace, every report) does not depend on
    /// `threads`. An observer of every event (``observeEvents(_:)``) keeps it on one thread.
    /// Without lookahead (a client with no network delay, a cross-subnet delay of zero) it
    /// steps one event at a time. `progress` is called with the virtual time reached
    /// and the subnets' events so far, about every `progressEvery` events (for a progress
    /// line; it must not affect the run).
    public mutating func run<Users: InternetComputerUsers>(until time: SimInstant, users: inout Users, threads: Int,
                                                           progressEvery: UInt64 = 1 << 18,
                                                           progress: (SimInstant, UInt64) -> Void = { _, _ in }) {
        let lookahead = min(configuration.xnetDelay, users.answerLookahead)
        guard threads > 1, subnets.count > 1, lookahead > .zero, !isObserved else {
            return runWindows(until: time, users: &users, lookahead: lookahead, crew: nil, progressEvery: progressEvery, progress: progress)
        }
        let crew = SubnetCrew(threads: threads)
        withUnsafeMutablePointer(to: &self) { simulation in
            withUnsafeMutablePointer(to: &users) { users in
                // The coordinator is the one thread that touches the simulation and the users
                // outside a window; the crew's threads touch only the subnets a window hands out.
                nonisolated(unsafe) let simulation = simulation, users = users
                crew.run {
                    simulation.pointee.runWindows(until: time, users: &users.pointee, lookahead: lookahead, crew: crew,
                                                  progressEvery: progressEvery, progress: progress)
                }
            }
        }
    }

    /// The windowed run's loop (on the coordinating thread), the subnets of each window on
    /// `crew` if there is one.
    mutating func runWindows<Users: InternetComputerUsers>(until time: SimInstant, users: inout Users, lookahead: SimDuration, crew: SubnetCrew?,
                                                           progressEvery: UInt64, progress: (SimInstant, UInt64) -> Void) {
        var reported = eventsProcessed
        while true {
            lanes.update(0, to: users.nextEventTime)
            guard let first = lanes.first, first.time <= time else { break }
            if first.lane == 0 {
                // The users' event comes first (``step(notAfter:users:)`` without asking
                // again: about 170 instructions an event).
                users.step(&self)
            } else if lookahead <= .zero {
                _ = step(notAfter: time, users: &users)
            } else {
                var horizon = min(first.time + lookahead, time + .nanoseconds(1))
                if let usersNext = users.nextEventTime { horizon = min(horizon, usersNext) }
                runWindow(before: horizon, users: &users, crew: crew)
            }
            if eventsProcessed - reported >= progressEvery {
                reported = eventsProcessed
                progress(now, reported)
            }
        }
        finish(at: time)
    }

    /// One window: every subnet handles its events due before `horizon`, then the slices
    /// and answers of the window are delivered in the one-event run's order.
    mutating func runWindow<Users: InternetComputerUsers>(before horizon: SimInstant, users: inout Users, crew: SubnetCrew?) {
        windowsRun += 1
        guard let crew else { return runWindowInLine(before: horizon, users: &users) }
        let active = subnets.indices.filter { lanes.times[$0 + 1].map { $0 < horizon } ?? false }
        var outputs: [WindowOutput]
        if active.count > 1 {
            outputs = crew.advance(active, of: &subnets, before: horizon)
        } else {
            outputs = active.map { Self.advance(&subnets[$0], number: $0, before: horizon) }
        }
        for (position, index) in active.enumerated() { lanes.update(index + 1, to: outputs[position].next) }
        // Most windows publish nothing: gathering only what there is spares two arrays a window.
        if outputs.contains(where: { !$0.slices.isEmpty }) { deliverSlices(outputs.flatMap(\.slices)) }
        if outputs.contains(where: { !$0.answers.isEmpty }) {
            users.answersVisible(Self.inOrder(outputs.flatMap(\.answers), time: \.time, subnet: \.subnet))
        }
    }

    /// ``runWindow(before:users:crew:)`` on this thread: the subnets one after another, what
    /// they publish gathered in one output in subnet order (what the crew's outputs give when
    /// joined), so that a window with nothing published allocates nothing (the two arrays of
    /// subnets and outputs cost about 1,500 instructions a window, and a loaded subnet runs a
    /// window between most pairs of its users' events).
    mutating func runWindowInLine<Users: InternetComputerUsers>(before horizon: SimInstant, users: inout Users) {
        var published = WindowOutput()
        for index in subnets.indices {
            guard let next = lanes.times[index + 1], next < horizon else { continue }
            published.next = subnets[index].scheduler.nextEventTime
            while let next = published.next, next < horizon { Self.step(&subnets[index], number: index, into: &published) }
            lanes.update(index + 1, to: published.next)
        }
        if !published.slices.isEmpty { deliverSlices(published.slices) }
        if !published.answers.isEmpty { users.answersVisible(Self.inOrder(published.answers, time: \.time, subnet: \.subnet)) }
    }

    /// Subnet `number` handles its events due before `horizon`: what it published.
    static func advance(_ subnet: inout Simulation<SubnetSimulation>, number: Int, before horizon: SimInstant) -> WindowOutput {
        var output = WindowOutput(next: subnet.scheduler.nextEventTime)
        while let next = output.next, next < horizon { step(&subnet, number: number, into: &output) }
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

    /// Schedules a window's (or one step's) slices into their destinations, `xnetDelay` after
    /// each was published, in (publication time, source subnet, order) order.
    mutating func deliverSlices(_ published: [(time: SimInstant, source: Int, slice: StreamSlice)]) {
        guard !published.isEmpty else { return }
        for entry in Self.inOrder(published, time: \.time, subnet: \.source) where subnets.indices.contains(entry.slice.destination) {
            let destination = entry.slice.destination
            lanes.update(destination + 1, to: Self.schedule(.streamSlice(entry.slice), at: entry.time + configuration.xnetDelay,
                                                            on: &subnets[destination]))
            slicesDelivered += 1
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

/// What one subnet did in a window (or in one step, outside windows): the slices it published
/// (with when), the answers it made visible, and when its next event is due.
struct WindowOutput: Sendable {
    var slices: [(time: SimInstant, source: Int, slice: StreamSlice)] = []
    var answers: [AnsweredWait] = []
    var next: SimInstant?
}

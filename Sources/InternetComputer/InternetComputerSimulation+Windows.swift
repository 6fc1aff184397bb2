import SimCore
import ExecutionLayer

/// Running the subnets in windows (Docs/Determinism.md, "Subnets in parallel"): between two
/// moments the users act on a subnet, the subnets do not affect each other or the users soon
/// enough to matter, so each can run on its own up to a horizon of its own, on any thread,
/// and what they send each other and the users is delivered afterwards in the order a
/// one-event-at-a-time run would have produced it.
///
/// A window opens at `t`, the subnets' earliest pending event. Subnet `j`'s horizon is the
/// earliest of:
/// - the users' next event that reads or changes subnet `j`
///   (``InternetComputerUsers/nextEventTime(touchingSubnet:)``; the users' next event for
///   users that cannot tell);
/// - `t` plus the cross-subnet delay: a stream slice published at or after `t` arrives no
///   sooner, so every slice is delivered before its destination reaches it;
/// - `t` plus the users' answer lookahead (``InternetComputerUsers/answerLookahead``): an
///   answer visible at or after `t` reaches the subnets again, through its user, no sooner;
/// - the end of the run.
/// A subnet whose next event is before the users' next event runs in the window (the users
/// wait for it); another runs only if it can run at least half the lookahead, so that each
/// subnet runs long stretches, keeping its data in the cache, rather than a few events each
/// time the users act.
///
/// Within a window each subnet handles its events before its horizon in its own order, as in
/// the one-event run. What the subnets publish is held (``WindowCrossings``) until no lane can
/// come before it any more: a slice published at `s` is scheduled into its destination once
/// every subnet's and the users' next event is after `s`, in (publication time, source
/// subnet, order) order; an answer visible at `a` is handed to the users once every subnet's
/// and the users' next event is after `a`, in (time, subnet, order) order, each with the
/// status it had when it became visible (with one subnet, whose horizon is the users' next
/// event, both cross at the window's end). So the run is the same for every thread count.
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
        var held = WindowCrossings()
        while true {
            if !held.isEmpty { release(&held, users: &users, lookahead: lookahead) }
            lanes.update(0, to: users.nextEventTime)
            guard let first = lanes.first, first.time <= time else { break }
            if first.lane == 0 {
                // The users' event comes first (``step(notAfter:users:)`` without asking
                // again: about 170 instructions an event).
                users.step(&self)
            } else if lookahead <= .zero {
                _ = step(notAfter: time, users: &users)
            } else {
                let bound = WindowBound(common: min(first.time + lookahead, time + .nanoseconds(1)), usersNext: users.nextEventTime,
                                        stretch: lookahead / 2, perSubnet: subnets.count > 1)
                runWindow(bound, users: &users, crew: crew, held: &held)
            }
            if eventsProcessed - reported >= progressEvery {
                reported = eventsProcessed
                progress(now, reported)
            }
        }
        // Every event published something due by `time`, released above; nothing is left.
        if !held.slices.isEmpty { deliverSlices(held.takeSlices(before: nil)) }
        if !held.answers.isEmpty { users.answersVisible(held.takeAnswers(before: nil)) }
        finish(at: time)
    }

    /// Hands over what the windows published that no lane can come before any more: the
    /// slices published before every subnet's and the users' next event, into their
    /// destinations; the answers visible before them to the users, a lookahead's worth at a
    /// time (an answer's events reach no lane sooner, so handing them together keeps the
    /// one-event run's order of the users' queue). Handing a batch may give the users an
    /// event before the next batch, which then runs first; users who schedule nothing for an
    /// answer get every batch before their next event.
    mutating func release<Users: InternetComputerUsers>(_ held: inout WindowCrossings, users: inout Users, lookahead: SimDuration) {
        lanes.update(0, to: nil)
        let subnetsNext = lanes.first?.time
        if !held.slices.isEmpty { deliverSlices(held.takeSlices(before: Self.earliest(subnetsNext, users.nextEventTime))) }
        while let earliest = held.answers.first?.time {
            let bound = Self.earliest(subnetsNext, users.nextEventTime).map { min($0, earliest + lookahead) } ?? earliest + lookahead
            let answers = held.takeAnswers(before: bound)
            guard !answers.isEmpty else { return }
            users.answersVisible(answers)
        }
    }

    /// The earlier of two optional times (`nil`: neither is pending).
    static func earliest(_ first: SimInstant?, _ second: SimInstant?) -> SimInstant? {
        guard let first else { return second }
        return second.map { min($0, first) } ?? first
    }

    /// One window: every subnet ``windowHorizon(ofSubnet:_:users:)`` lets run handles its
    /// events due before its horizon; what they publish is held, to be released in the
    /// one-event run's order.
    mutating func runWindow<Users: InternetComputerUsers>(_ bound: WindowBound, users: inout Users, crew: SubnetCrew?, held: inout WindowCrossings) {
        windowsRun += 1
        guard let crew else { return runWindowInLine(bound, users: &users, held: &held) }
        var active: [Int] = [], horizons: [SimInstant] = []
        for index in subnets.indices {
            guard let horizon = windowHorizon(ofSubnet: index, bound, users: users) else { continue }
            active.append(index)
            horizons.append(horizon)
        }
        var outputs: [WindowOutput]
        if active.count > 1 {
            outputs = crew.advance(active, horizons: horizons, of: &subnets)
        } else {
            outputs = active.indices.map { Self.advance(&subnets[active[$0]], number: active[$0], before: horizons[$0]) }
        }
        for (position, index) in active.enumerated() { lanes.update(index + 1, to: outputs[position].next) }
        stretchesRun += UInt64(active.count)
        // Most windows publish nothing: gathering only what there is spares two arrays a window.
        if outputs.contains(where: { !$0.slices.isEmpty || !$0.answers.isEmpty }) {
            publish(slices: outputs.flatMap(\.slices), answers: outputs.flatMap(\.answers), bound, users: &users, held: &held)
        }
    }

    /// What a window published: held until no lane can come before it, or, with one subnet
    /// (every horizon the users' next event, and every event of the window before it),
    /// delivered now.
    mutating func publish<Users: InternetComputerUsers>(slices: [(time: SimInstant, source: Int, slice: StreamSlice)], answers: [AnsweredWait],
                                                        _ bound: WindowBound, users: inout Users, held: inout WindowCrossings) {
        guard !bound.perSubnet else { return held.add(slices: slices, answers: answers) }
        if !slices.isEmpty { deliverSlices(slices) }
        if !answers.isEmpty { users.answersVisible(Self.inOrder(answers, time: \.time, subnet: \.subnet)) }
    }

    /// ``runWindow(_:users:crew:held:)`` on this thread: the subnets one after another, what
    /// they publish gathered in one output in subnet order (what the crew's outputs give when
    /// joined), so that a window with nothing published allocates nothing (the two arrays of
    /// subnets and outputs cost about 1,500 instructions a window, and a loaded subnet runs a
    /// window between most pairs of its users' events).
    mutating func runWindowInLine<Users: InternetComputerUsers>(_ bound: WindowBound, users: inout Users, held: inout WindowCrossings) {
        var published = WindowOutput()
        for index in subnets.indices {
            guard let horizon = windowHorizon(ofSubnet: index, bound, users: users) else { continue }
            stretchesRun += 1
            published.next = subnets[index].scheduler.nextEventTime
            while let next = published.next, next < horizon { Self.step(&subnets[index], number: index, into: &published) }
            lanes.update(index + 1, to: published.next)
        }
        if !published.slices.isEmpty || !published.answers.isEmpty {
            publish(slices: published.slices, answers: published.answers, bound, users: &users, held: &held)
        }
    }

    /// The horizon subnet `index` runs to in a window of `bound`, or `nil` if it sits the
    /// window out: it has no event before its horizon, or the users are not waiting for it
    /// and it could run less than `bound.stretch`.
    func windowHorizon<Users: InternetComputerUsers>(ofSubnet index: Int, _ bound: WindowBound, users: borrowing Users) -> SimInstant? {
        guard let next = lanes.times[index + 1], next < bound.common else { return nil }
        var horizon = bound.common
        if let touching = bound.perSubnet ? users.nextEventTime(touchingSubnet: index) : bound.usersNext { horizon = min(horizon, touching) }
        guard next < horizon else { return nil }
        if let usersNext = bound.usersNext, next >= usersNext, horizon - next < bound.stretch { return nil }
        return horizon
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

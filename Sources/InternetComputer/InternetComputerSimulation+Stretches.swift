import SimCore
import ExecutionLayer

/// Several subnets, each run in stretches to a horizon of its own (Docs/Determinism.md,
/// "Subnets in parallel"), on one thread or on a ``SubnetCrew``.
///
/// The coordinator repeats: it collects the stretches the crew finished; hands over what no
/// lane can come before any more (``release(_:users:)``); steps the users when every subnet
/// has handled its events before theirs and none they touch is away; else posts a stretch for
/// every subnet that may run (``dispatch(_:users:crew:)``), or, with none, runs a posted one
/// itself or waits. A subnet's horizon is the earliest of the users' next event touching it,
/// the floor plus the lookahead and the run's end, where the floor is the earliest of every
/// lane's next event (an away subnet's counts as the one it had when it left: it publishes
/// nothing earlier) and of what is held. What each subnet handles, and in what order, depends
/// on virtual times only; which thread runs it, and when, only on the wall clock.
extension InternetComputerSimulation {
    /// What a stretched run keeps between its steps.
    struct StretchRun {
        /// What the subnets published that has not crossed yet.
        var held = WindowCrossings()
        /// The subnets away on the crew.
        var flights: SubnetFlights
        /// The stretch the coordinator took back and runs itself, a piece at a time (its
        /// subnet counts as away meanwhile).
        var own: SubnetCrew.Stretch?
        /// The run's end: events due at it run, none after.
        var end: SimInstant
        /// The smaller of the cross-subnet delay and the users' answer lookahead.
        var lookahead: SimDuration
        /// How far past the floor a subnet may run: the cross-subnet delay if the users keep
        /// to their subnets (``InternetComputerUsers/keepToTheirSubnets``), else ``lookahead``.
        var floorLookahead: SimDuration
        /// If the users keep to their subnets, their answer lookahead: a subnet runs no
        /// further than that after an answer of its own not yet handled by the users (held,
        /// or published in its stretch). `nil`: the floor bounds every subnet.
        var answerLookahead: SimDuration?
        /// The shortest stretch a subnet the users do not wait for is given
        /// (``horizon(ofSubnet:next:common:usersNext:stretch:users:)``).
        /// - On one thread, half the ``floorLookahead``, so that each subnet runs long
        ///   stretches with its data in the cache (mainnet-topology, users keeping to their
        ///   subnets, 5 s: L2-sized read misses 3.49 M, against 3.60 M with half the answer
        ///   lookahead and 3.59 M with a quarter).
        /// - None on a crew. There the users wait for every subnet in turn (each of their
        ///   events needs every subnet past it), so a subnet held back until they reach it is
        ///   work the coordinator must do itself while the workers idle (mainnet-topology,
        ///   60 s, two threads: the worker ran 2.6 M of 8.1 M events and idled two thirds of
        ///   the run; with no minimum, 4.6 M, idling 2 %).
        var shortestStretch: SimDuration
        /// The subnets' events handled so far (in the pieces landed).
        var events: UInt64
        /// ``events`` at the last progress report.
        var reported: UInt64
    }

    /// The stretches' loop, on the coordinating thread: the stretches on `crew` if there is
    /// one, else in line, one subnet after another.
    mutating func runStretches<Users: InternetComputerUsers>(until time: SimInstant, users: inout Users, lookahead: SimDuration,
                                                             crew: SubnetCrew?, progressEvery: UInt64, progress: (SimInstant, UInt64) -> Void) {
        let events = eventsProcessed
        let keepToTheirSubnets = users.keepToTheirSubnets
        let floorLookahead = keepToTheirSubnets ? configuration.xnetDelay : lookahead
        var run = StretchRun(flights: SubnetFlights(subnetCount: subnets.count), end: time, lookahead: lookahead,
                             floorLookahead: floorLookahead, answerLookahead: keepToTheirSubnets ? users.answerLookahead : nil,
                             shortestStretch: crew == nil ? floorLookahead / 2 : .zero, events: events, reported: events)
        let storage = subnetsStorage
        while true {
            if let crew { look(at: crew, &run) }
            if !run.held.isEmpty { release(&run, users: &users) }
            lanes.update(0, to: users.nextEventTime)
            guard let first = lanes.first, first.time <= time else {
                guard let crew, run.flights.awayCount > 0 else { break }
                help(crew, &run, usersNext: users.nextEventTime)
                continue
            }
            if first.lane == 0, usersMayStep(at: first.time, users: users, away: run.flights) {
                users.step(&self)
                // A copy of the simulation kept across a change would move the subnets the
                // crew is running out from under it.
                precondition(crew == nil || subnetsStorage == storage, "the subnets' storage moved during a run")
                continue
            }
            if !dispatch(&run, users: users, crew: crew) {
                // The earliest lane is an away subnet, or the users wait for one.
                guard let crew, run.flights.awayCount > 0 else { preconditionFailure("no subnet may run and none is away") }
                help(crew, &run, usersNext: users.nextEventTime)
            }
            if run.events - run.reported >= progressEvery {
                run.reported = run.events
                progress(first.time, run.events)
            }
        }
        precondition(run.flights.awayCount == 0, "every stretch landed")
        if !run.held.slices.isEmpty { deliverSlices(run.held.takeSlices(before: nil)) }
        if !run.held.answers.isEmpty { users.answersVisible(run.held.takeAnswers(before: nil)) }
        finish(at: time)
    }

    /// Where the subnets are stored (the crew runs them there).
    var subnetsStorage: UnsafePointer<Simulation<SubnetSimulation>>? {
        subnets.withUnsafeBufferPointer { $0.baseAddress }
    }

    /// Whether the users' next event, at `time`, may run: no subnet it may touch is away (the
    /// caller has checked that every subnet has handled its events before `time`).
    func usersMayStep<Users: InternetComputerUsers>(at time: SimInstant, users: borrowing Users, away flights: SubnetFlights) -> Bool {
        for subnet in flights.away {
            if let touching = users.nextEventTime(touchingSubnet: subnet), touching <= time { return false }
        }
        return true
    }

    /// Starts a stretch for every subnet that may run (on `crew`, or runs it here): whether
    /// there was one.
    mutating func dispatch<Users: InternetComputerUsers>(_ run: inout StretchRun, users: borrowing Users, crew: SubnetCrew?) -> Bool {
        guard let floor = Self.earliest(lanes.first?.time, run.held.earliest) else { return false }
        let common = min(floor + run.floorLookahead, run.end + .nanoseconds(1))
        let usersNext = users.nextEventTime
        var dispatched = false
        for index in subnets.indices where !run.flights.isAway[index] {
            guard let next = lanes.times[index + 1],
                  let horizon = horizon(ofSubnet: index, next: next, common: heldAnswersBound(index, run, common: common), usersNext: usersNext,
                                        stretch: run.shortestStretch, users: users)
            else { continue }
            dispatched = true
            let stretch = SubnetCrew.Stretch(subnet: index, from: next, horizon: horizon, answerLookahead: run.answerLookahead)
            if let crew {
                run.flights.depart(index)
                crew.post(stretch)
            } else {
                land(SubnetCrew.Piece(subnet: index, output: Self.advance(&subnets[index], stretch), isLast: true), &run)
            }
        }
        if dispatched { windowsRun += 1 }
        return dispatched
    }

    /// `common`, or earlier if the users keep to their subnets and an answer of subnet `index`
    /// is held: its consequences may reach the subnet the answer lookahead after it.
    func heldAnswersBound(_ index: Int, _ run: StretchRun, common: SimInstant) -> SimInstant {
        guard let answerLookahead = run.answerLookahead, let held = run.held.answers.first(where: { $0.subnet == index }) else { return common }
        return min(common, held.time + answerLookahead)
    }

    /// The horizon subnet `index`, whose next event is due at `next`, runs to now, or `nil` if
    /// it waits: it has no event before its horizon (the earliest of `common` and the users'
    /// next event touching it), or the users are not waiting for it and it could run less
    /// than `stretch` (``StretchRun/shortestStretch``).
    func horizon<Users: InternetComputerUsers>(ofSubnet index: Int, next: SimInstant, common: SimInstant, usersNext: SimInstant?,
                                               stretch: SimDuration, users: borrowing Users) -> SimInstant? {
        guard next < common else { return nil }
        var horizon = common
        if let touching = users.nextEventTime(touchingSubnet: index) { horizon = min(horizon, touching) }
        guard next < horizon else { return nil }
        if let usersNext, next >= usersNext, horizon - next < stretch { return nil }
        return horizon
    }

    /// What the crew did since the coordinator last looked: the pieces its stretches handed
    /// over (held, and the subnets whose stretch ended back), and how far each subnet still
    /// away has come (its lane: every event before it handled, and every piece before it
    /// collected, since its progress is read first).
    mutating func look(at crew: SubnetCrew, _ run: inout StretchRun) {
        guard run.flights.awayCount > 0 else { return }
        let own = run.own?.subnet
        for subnet in run.flights.away where subnet != own { run.flights.reached[subnet] = crew.progress(of: subnet) }
        crew.collectFinished { piece in land(piece, &run) }
        for subnet in run.flights.away where subnet != own { lanes.update(subnet + 1, to: run.flights.reached[subnet]) }
    }

    /// The coordinator has nothing to do but wait for the crew: it goes on with its own
    /// stretch, or takes back a posted one of a subnet the users wait for and starts it; else
    /// it waits a little, and if nothing finished meanwhile, takes back any posted stretch (so
    /// that the run never needs a worker: they may not even have started).
    mutating func help(_ crew: SubnetCrew, _ run: inout StretchRun, usersNext: SimInstant?) {
        if run.own == nil, let usersNext { run.own = crew.takeBack(startingBefore: usersNext) }
        if run.own == nil, !crew.waitBriefly() { run.own = crew.takeBackAny() }
        guard let own = run.own else { return }
        runPiece(of: own, &run, usersNext: usersNext)
    }

    /// Runs a piece of the coordinator's own stretch: its events before the users' next event,
    /// and a few more (`eventsPerPiece` at least), so that the users go on and the coordinator
    /// posts more stretches soon, while the subnet still runs its whole stretch in a row.
    mutating func runPiece(of stretch: SubnetCrew.Stretch, _ run: inout StretchRun, usersNext: SimInstant?) {
        let number = stretch.subnet, eventsPerPiece: UInt64 = 32
        var stretch = stretch
        var output = WindowOutput(next: subnets[number].scheduler.nextEventTime)
        while let next = output.next, next < stretch.horizon, output.events < eventsPerPiece || usersNext.map({ next < $0 }) ?? false {
            Self.step(&subnets[number], number: number, into: &output)
            if !output.answers.isEmpty { stretch.horizon = stretch.horizon(after: output.answers) }
        }
        let isLast = output.next.map { $0 >= stretch.horizon } ?? true
        run.own = isLast ? nil : stretch
        land(SubnetCrew.Piece(subnet: number, output: output, isLast: isLast), &run)
        // Below its horizon only: a slice released for it meanwhile arrives at or after it.
        if !isLast, let next = output.next { lanes.update(number + 1, to: min(next, stretch.horizon)) }
    }

    /// A piece of a stretch: what it published is held; at its last, the subnet's lane moves
    /// on, and the slices released for it while it was away are scheduled.
    mutating func land(_ piece: SubnetCrew.Piece, _ run: inout StretchRun) {
        let output = piece.output
        run.events += output.events
        if !output.slices.isEmpty || !output.answers.isEmpty { run.held.add(slices: output.slices, answers: output.answers) }
        guard piece.isLast else { return }
        stretchesRun += 1
        lanes.update(piece.subnet + 1, to: output.next)
        if run.flights.isAway[piece.subnet] {
            for entry in run.flights.land(piece.subnet) { deliverSlice(entry) }
        }
    }

    /// Hands over what is held that no lane can come before any more: the slices published
    /// before every subnet's and the users' next event, into their destinations (or, for a
    /// destination away, kept until it lands); the answers visible before them to the users, a
    /// lookahead's worth at a time (an answer's events reach no lane sooner, so handing them
    /// together keeps the one-event run's order of the users' queue). Handing a batch may give
    /// the users an event before the next batch, which then runs first.
    mutating func release<Users: InternetComputerUsers>(_ run: inout StretchRun, users: inout Users) {
        lanes.update(0, to: nil)
        if !run.held.slices.isEmpty {
            for entry in run.held.takeSlices(before: Self.earliest(lanes.first?.time, users.nextEventTime)) {
                guard subnets.indices.contains(entry.slice.destination) else { continue }
                if run.flights.isAway[entry.slice.destination] {
                    run.flights.hold(entry, for: entry.slice.destination)
                } else {
                    deliverSlice(entry)
                }
            }
        }
        while let earliest = run.held.answers.first?.time {
            let next = Self.earliest(lanes.first?.time, users.nextEventTime)
            let answers = run.held.takeAnswers(before: next.map { min($0, earliest + run.lookahead) } ?? earliest + run.lookahead)
            guard !answers.isEmpty else { return }
            users.answersVisible(answers)
        }
    }

    /// Schedules one slice into its destination, `xnetDelay` after it was published.
    mutating func deliverSlice(_ entry: (time: SimInstant, source: Int, slice: StreamSlice)) {
        let destination = entry.slice.destination
        subnets[destination].scheduler.scheduleDelivery(.streamSlice(entry.slice), at: entry.time + configuration.xnetDelay)
        lanes.update(destination + 1, to: subnets[destination].scheduler.nextEventTime)
        slicesDelivered += 1
    }
}

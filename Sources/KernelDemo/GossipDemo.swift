import SimCore

/// The kernel demonstration as a ``SimulationModel``: actors gossip rumors over lossy links
/// with random delays, watch each other with suspicion timers that every message restarts,
/// and crash and recover at random. See ``GossipDemoConfiguration``.
///
/// Every random decision draws from a named stream of the run's root seed ("network",
/// "faults", and "gossip" per actor); all per-actor state lives in arrays indexed by actor.
public struct GossipDemo: SimulationModel {
    /// An actor's index, `0..<actors`.
    public typealias Actor = Int32

    /// The events of the demo.
    public enum Event: Sendable, Equatable {
        /// An actor's gossip round: send the next rumor to `fanout` random peers.
        case gossipTick(actor: Actor)
        /// A rumor arrives.
        case deliver(from: Actor, to: Actor, rumor: UInt64, sentAt: SimInstant)
        /// `observer` heard nothing from `peer` for the suspicion timeout.
        case suspect(observer: Actor, peer: Actor)
        /// The actor crashes: it stops gossiping, drops incoming messages, cancels its timers.
        case crash(actor: Actor)
        /// The actor restarts.
        case recover(actor: Actor)
    }

    /// The configuration the run was built from.
    public let configuration: GossipDemoConfiguration
    /// What happened so far.
    public private(set) var statistics: GossipDemoStatistics

    private var gossipStreams: [RandomStream]
    private var networkStream: RandomStream
    private var faultStream: RandomStream
    private var isUp: [Bool]
    private var rumorCounts: [UInt64]
    private var gossipTimers: [EventHandle?]
    /// `observer * actors + peer` -> the observer's suspicion timer for the peer.
    private var suspicionTimers: [EventHandle?]

    /// Builds the model's initial state; call ``start(_:)`` to schedule its first events.
    /// - Precondition: `configuration.problems()` is empty.
    public init(configuration: GossipDemoConfiguration) {
        precondition(configuration.problems().isEmpty, "validate the configuration first")
        let root = RandomSeed(configuration.seed)
        let actors = configuration.actors
        self.configuration = configuration
        statistics = GossipDemoStatistics()
        gossipStreams = (0..<actors).map { root.stream("gossip", node: $0) }
        networkStream = root.stream("network")
        faultStream = root.stream("faults")
        isUp = Array(repeating: true, count: actors)
        rumorCounts = Array(repeating: 0, count: actors)
        gossipTimers = Array(repeating: nil, count: actors)
        suspicionTimers = Array(repeating: nil, count: actors * actors)
    }

    /// Schedules every actor's first gossip round and first crash.
    public mutating func start(_ scheduler: inout Scheduler<Event>) {
        for actor in 0..<configuration.actors {
            scheduleGossip(Actor(actor), &scheduler)
            scheduleCrash(Actor(actor), &scheduler)
        }
    }

    public mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>) {
        statistics.count(event)
        switch event {
        case .gossipTick(let actor):
            gossip(actor, &scheduler)
        case .deliver(let from, let to, _, let sentAt):
            deliver(from: from, to: to, sentAt: sentAt, &scheduler)
        case .suspect(let observer, let peer):
            suspicionTimers[index(observer, peer)] = nil
            statistics.recordSuspicion(correct: !isUp[Int(peer)])
        case .crash(let actor):
            crash(actor, &scheduler)
        case .recover(let actor):
            isUp[Int(actor)] = true
            scheduleGossip(actor, &scheduler)
            scheduleCrash(actor, &scheduler)
        }
    }

    public func traceRecord(for event: Event) -> TraceRecord {
        var hasher = StableHasher()
        switch event {
        case .gossipTick(let actor):
            return TraceRecord(kind: Kind.gossipTick, actor: UInt32(actor), payloadDigest: hasher.finalize())
        case .deliver(let from, let to, let rumor, let sentAt):
            hasher.combine(UInt32(from))
            hasher.combine(rumor)
            hasher.combine(sentAt.nanosecondsSinceStart)
            return TraceRecord(kind: Kind.deliver, actor: UInt32(to), payloadDigest: hasher.finalize())
        case .suspect(let observer, let peer):
            hasher.combine(UInt32(peer))
            return TraceRecord(kind: Kind.suspect, actor: UInt32(observer), payloadDigest: hasher.finalize())
        case .crash(let actor):
            return TraceRecord(kind: Kind.crash, actor: UInt32(actor), payloadDigest: hasher.finalize())
        case .recover(let actor):
            return TraceRecord(kind: Kind.recover, actor: UInt32(actor), payloadDigest: hasher.finalize())
        }
    }

    // MARK: - Handlers

    private mutating func gossip(_ actor: Actor, _ scheduler: inout Scheduler<Event>) {
        let sender = Int(actor)
        rumorCounts[sender] += 1
        let peers = gossipStreams[sender].sample(configuration.fanout, from: configuration.actors - 1)
        for peerIndex in peers {
            let peer = Actor(peerIndex >= sender ? peerIndex + 1 : peerIndex)
            statistics.messagesSent += 1
            if networkStream.bernoulli(configuration.lossProbability) {
                statistics.messagesLost += 1
                continue
            }
            let delay = networkStream.duration(configuration.linkDelay)
            let message = Event.deliver(from: actor, to: peer, rumor: rumorCounts[sender], sentAt: scheduler.now)
            scheduler.schedule(message, after: delay)
        }
        scheduleGossip(actor, &scheduler)
    }

    private mutating func deliver(from: Actor, to: Actor, sentAt: SimInstant, _ scheduler: inout Scheduler<Event>) {
        guard isUp[Int(to)] else {
            statistics.messagesDroppedAtCrashedReceiver += 1
            return
        }
        statistics.delivered(delay: scheduler.now - sentAt)
        let slot = index(to, from)
        if let timer = suspicionTimers[slot], scheduler.reschedule(timer, after: configuration.suspicionTimeout) {
            statistics.timersRescheduled += 1
        } else {
            suspicionTimers[slot] = scheduler.schedule(.suspect(observer: to, peer: from), after: configuration.suspicionTimeout)
        }
    }

    private mutating func crash(_ actor: Actor, _ scheduler: inout Scheduler<Event>) {
        let crashed = Int(actor)
        isUp[crashed] = false
        cancel(gossipTimers[crashed], &scheduler)
        gossipTimers[crashed] = nil
        for peer in 0..<configuration.actors {
            let slot = index(actor, Actor(peer))
            cancel(suspicionTimers[slot], &scheduler)
            suspicionTimers[slot] = nil
        }
        let downtime = faultStream.exponential(mean: configuration.downtimeMean)
        scheduler.schedule(.recover(actor: actor), after: downtime)
    }

    // MARK: - Helpers

    private func index(_ observer: Actor, _ peer: Actor) -> Int {
        Int(observer) * configuration.actors + Int(peer)
    }

    private mutating func cancel(_ timer: EventHandle?, _ scheduler: inout Scheduler<Event>) {
        if let timer, scheduler.cancel(timer) != nil {
            statistics.timersCancelled += 1
        }
    }

    private mutating func scheduleGossip(_ actor: Actor, _ scheduler: inout Scheduler<Event>) {
        let interval = gossipStreams[Int(actor)].exponential(mean: configuration.gossipIntervalMean)
        gossipTimers[Int(actor)] = scheduler.schedule(.gossipTick(actor: actor), after: interval)
    }

    private mutating func scheduleCrash(_ actor: Actor, _ scheduler: inout Scheduler<Event>) {
        let uptime = faultStream.exponential(mean: configuration.uptimeMean)
        scheduler.schedule(.crash(actor: actor), after: uptime)
    }
}

extension GossipDemo {
    /// The demo's event kinds as they appear in traces; codes are stable.
    public enum Kind {
        /// An actor's gossip round.
        public static let gossipTick = EventKind(code: 1, name: "gossipTick")
        /// A rumor arrives.
        public static let deliver = EventKind(code: 2, name: "deliver")
        /// A suspicion timer fires.
        public static let suspect = EventKind(code: 3, name: "suspect")
        /// An actor crashes.
        public static let crash = EventKind(code: 4, name: "crash")
        /// An actor recovers.
        public static let recover = EventKind(code: 5, name: "recover")
        /// Every kind, in code order.
        public static let all = [gossipTick, deliver, suspect, crash, recover]
    }
}

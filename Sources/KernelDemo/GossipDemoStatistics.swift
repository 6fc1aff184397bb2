import SimCore

/// What happened in a run of ``GossipDemo``.
public struct GossipDemoStatistics: Sendable, Equatable {
    /// Events handled, indexed by kind code (index 0 unused).
    public private(set) var eventsByKindCode = [UInt64](repeating: 0, count: GossipDemo.Kind.all.count + 1)
    /// Messages handed to the network.
    public var messagesSent: UInt64 = 0
    /// Messages the network lost.
    public var messagesLost: UInt64 = 0
    /// Messages that arrived at a receiver that was up.
    public private(set) var messagesDelivered: UInt64 = 0
    /// Messages that arrived at a crashed receiver and were dropped.
    public var messagesDroppedAtCrashedReceiver: UInt64 = 0
    /// One-way delays of delivered messages.
    public private(set) var deliveryDelays = LatencyHistogram()
    /// Suspicion timers that fired while the suspected peer was down.
    public private(set) var suspicionsCorrect: UInt64 = 0
    /// Suspicion timers that fired while the suspected peer was up (lost or slow messages).
    public private(set) var suspicionsFalse: UInt64 = 0
    /// Suspicion timers moved later by a message.
    public var timersRescheduled: UInt64 = 0
    /// Timers cancelled because their actor crashed.
    public var timersCancelled: UInt64 = 0

    /// Empty statistics.
    public init() {}

    mutating func count(_ event: GossipDemo.Event) {
        let kind: EventKind = switch event {
        case .gossipTick: GossipDemo.Kind.gossipTick
        case .deliver: GossipDemo.Kind.deliver
        case .suspect: GossipDemo.Kind.suspect
        case .crash: GossipDemo.Kind.crash
        case .recover: GossipDemo.Kind.recover
        }
        eventsByKindCode[Int(kind.code)] += 1
    }

    mutating func delivered(delay: SimDuration) {
        messagesDelivered += 1
        deliveryDelays.record(delay)
    }

    mutating func recordSuspicion(correct: Bool) {
        if correct { suspicionsCorrect += 1 } else { suspicionsFalse += 1 }
    }

    /// Events handled of `kind`.
    public func events(of kind: EventKind) -> UInt64 {
        Int(kind.code) < eventsByKindCode.count ? eventsByKindCode[Int(kind.code)] : 0
    }
}

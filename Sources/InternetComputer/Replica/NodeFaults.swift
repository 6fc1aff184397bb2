import SimCore
import Consensus

/// A fault of one node, from `start` until `end`.
public struct NodeFault: Hashable, Sendable {
    /// What happens to the node.
    public enum Kind: Hashable, Sendable {
        /// It is down: it receives nothing, sends nothing, its timers do not fire; at `end` it
        /// restarts with what it persisted (its finalized chain and the artifacts it stored:
        /// all of its state in this model), and catches up from its peers.
        case crash
        /// It is frozen: like a crash, but it is the same process that resumes (in this model
        /// the two differ only in name: messages that arrive meanwhile are lost either way).
        case pause
        /// Its clock runs fast or slow by the rate numerator / denominator from `start` to
        /// `end` (2/1: twice as fast; 1/2: half as fast), and keeps the offset it gained after:
        /// the node sees that clock, so its delays take d * denominator / numerator of virtual
        /// time while the drift lasts.
        case clockDrift(numerator: Int, denominator: Int)
    }

    /// The node.
    public var node: Int
    /// What happens to it.
    public var kind: Kind
    /// When it starts.
    public var start: SimInstant
    /// When it ends.
    public var end: SimInstant

    /// Node `node`'s fault `kind` during `start ..< end`.
    public init(node: Int, _ kind: Kind, from start: SimInstant, until end: SimInstant) {
        self.node = node
        self.kind = kind
        self.start = start
        self.end = end
    }

    /// Whether it is a crash or a pause (the node is down while it lasts).
    var isDowntime: Bool {
        switch kind {
        case .crash, .pause: true
        case .clockDrift: false
        }
    }

    /// Whether the node is down (crashed or paused) at `time`.
    func isDown(at time: SimInstant) -> Bool {
        switch kind {
        case .crash, .pause: start <= time && time < end
        case .clockDrift: false
        }
    }
}

/// A node's clock drift: from `start` to `end` its clock runs at numerator / denominator of
/// virtual time's rate, and after `end` it keeps the offset it gained.
struct ClockDrift: Sendable {
    let node: Int
    let start: SimInstant
    let end: SimInstant
    let numerator: Int64
    let denominator: Int64

    /// The drift `fault` describes, if it is one.
    init?(_ fault: NodeFault) {
        guard case .clockDrift(let numerator, let denominator) = fault.kind else { return nil }
        node = fault.node
        start = fault.start
        end = fault.end
        self.numerator = Int64(numerator)
        self.denominator = Int64(denominator)
    }

    /// The clock's reading at virtual time `time`.
    func localTime(_ time: SimInstant) -> SimInstant {
        guard time > start else { return time }
        let drifting = min(time, end) - start
        return start + Self.scale(drifting, numerator, denominator) + (time > end ? time - end : .zero)
    }

    /// The virtual time at which the clock reads `local` (the inverse of ``localTime(_:)``),
    /// rounded up, so the clock reads at least `local` then.
    func virtualTime(ofLocal local: SimInstant) -> SimInstant {
        guard local > start else { return local }
        let localEnd = localTime(end)
        if local > localEnd { return end + (local - localEnd) }
        return start + Self.scale(local - start, denominator, numerator, roundingUp: true)
    }

    /// `duration * numerator / denominator`, saturating, rounded down or up.
    static func scale(_ duration: SimDuration, _ numerator: Int64, _ denominator: Int64, roundingUp: Bool = false) -> SimDuration {
        let (product, overflow) = duration.nanoseconds.multipliedReportingOverflow(by: numerator)
        guard !overflow else { return .nanoseconds(Int64.max / 4) }
        let quotient = product / denominator + (roundingUp && product % denominator != 0 ? 1 : 0)
        return .nanoseconds(min(quotient, Int64.max / 4))
    }
}

/// A Byzantine node of a subnet and its behaviours.
public struct ByzantineAssignment: Hashable, Sendable {
    /// The node.
    public var node: Int
    /// How it deviates, applied in order.
    public var behaviors: [ByzantineBehavior]
    /// When it starts deviating (time zero by default); before, it runs the honest code.
    public var from: SimInstant = .zero
    /// When it stops deviating (`nil`: never); after, it runs the honest code again with the
    /// state it has (twins deviate for the whole run).
    public var until: SimInstant?

    /// Node `node` deviating by `behaviors`, from `from` until `until` (the whole run by
    /// default).
    public init(node: Int, behaviors: [ByzantineBehavior], from: SimInstant = .zero, until: SimInstant? = nil) {
        self.node = node
        self.behaviors = behaviors
        self.from = from
        self.until = until
    }
}

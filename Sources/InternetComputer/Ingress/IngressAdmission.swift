import SimCore

/// The limits a subnet's ingress puts on update calls before they reach its ingress pool
/// (Docs/Model.md, "Ingress admission"): the boundary node's rate limit for the subnet (off by
/// default, as in `ic-boundary`), each replica's HTTP handler's bound on concurrent call
/// requests, and each replica's ingress pool's bound on the messages it received itself.
public struct IngressAdmissionConfiguration: Hashable, Sendable {
    /// Whether the limits apply at all (`false`: every call is accepted, as before they were
    /// modelled).
    public var isEnabled = true
    /// Most call requests one replica's HTTP handler serves at once: 50, the replica's
    /// `max_call_concurrent_requests` (`rs/config/src/http_handler.rs`). One more is refused
    /// with HTTP 429.
    public var callConcurrentRequestsMax = 50
    /// How long a call request occupies a replica's HTTP handler: from its arrival until the
    /// message is validated and submitted to the ingress pool. 1 ms, an assumption (the
    /// signature check and the ingress filter; not in our sources).
    public var callHandlingDuration: SimDuration = .milliseconds(1)
    /// Most messages a replica's ingress pool may hold that the replica received over its
    /// own HTTP endpoint before it refuses more with HTTP 503: 10,000, mainnet's
    /// `ingress_pool_max_count` (the GuestOS template `ic.json5.template`).
    public var ingressPoolMessagesMax = 10_000
    /// The same bound in bytes: 100 MB, mainnet's `ingress_pool_max_bytes`.
    public var ingressPoolBytesMax = 100_000_000
    /// Update calls per second the boundary node forwards to the subnet (`nil`: no limit,
    /// `ic-boundary`'s default: `rate_limit_per_second_per_subnet` is unset). One more is
    /// refused with HTTP 429.
    public var boundaryNodeCallsPerSecondMax: Int?

    /// The IC's defaults.
    public init() {}

    /// No limits: every call is accepted.
    public static var off: IngressAdmissionConfiguration {
        var configuration = IngressAdmissionConfiguration()
        configuration.isEnabled = false
        return configuration
    }

    /// What is wrong with the limits, each problem naming its field (empty when usable).
    public func problems() -> [String] {
        var problems: [String] = []
        if callConcurrentRequestsMax < 1 { problems.append("callConcurrentRequestsMax: must be at least 1, found \(callConcurrentRequestsMax)") }
        if callHandlingDuration < .zero || callHandlingDuration > .seconds(3_600) {
            problems.append("callHandlingDuration: must be 0 to 1 h, found \(callHandlingDuration)")
        }
        if ingressPoolMessagesMax < 0 { problems.append("ingressPoolMessagesMax: must not be negative") }
        if ingressPoolBytesMax < 0 { problems.append("ingressPoolBytesMax: must not be negative") }
        if let rate = boundaryNodeCallsPerSecondMax, !(1...1_000_000_000).contains(rate) {
            problems.append("boundaryNodeCallsPerSecondMax: must be 1 to 1000000000, found \(rate)")
        }
        return problems
    }
}

/// Why a call was refused before it reached the ingress pool, as the agent sees it: the HTTP
/// status, the IC's error code if the answer carries one, and the response's text.
public struct CallRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the call was refused.
    public enum Stage: Int, Hashable, Sendable, CaseIterable {
        /// The boundary node's rate limit for the subnet.
        case boundaryNodeRateLimit
        /// The replica's HTTP handler had `callConcurrentRequestsMax` call requests in progress.
        case callConcurrencyLimit
        /// The replica's ingress pool held more than its bound of messages it received itself.
        case ingressPoolFull
    }

    /// Where it was refused.
    public var stage: Stage
    /// The HTTP status (429 or 503).
    public var httpStatus: Int
    /// The IC's error code (`"IC0503"`), when the answer carries one (`nil` for the plain-text
    /// answers of these limits).
    public var errorCode: String?
    /// The response's text.
    public var message: String
    /// The replica that refused it (`nil`: the boundary node).
    public var node: Int?

    /// The refusal `stage` gives: `ic-boundary`'s rate-limit answer (429, the details of its
    /// `rate_limited` error, `rs/boundary_node/ic_boundary/src/errors.rs`), the replica's load-shedding answer (429,
    /// `map_box_error_to_response` in `rs/http_endpoints/public/src/common.rs`), or its
    /// ingress-pool answer (503, `validate_ingress_message` in
    /// `rs/http_endpoints/public/src/call.rs`).
    public init(_ stage: Stage, node: Int?) {
        self.stage = stage
        self.node = node
        switch stage {
        case .boundaryNodeRateLimit: (httpStatus, message) = (429, "Rate limit exceeded. Please slow down requests and try again later.")
        case .callConcurrencyLimit: (httpStatus, message) = (429, "The service is overloaded.")
        case .ingressPoolFull: (httpStatus, message) = (503, "Service is overloaded, try again later.")
        }
    }

    /// `"HTTP 429"`: how reports name the reason (the error code instead, when there is one).
    public var reason: String { errorCode ?? "HTTP \(httpStatus)" }

    /// `"HTTP 503: Service is overloaded, try again later."`.
    public var description: String { "\(reason): \(message)" }
}

/// What one subnet's ingress admission holds (``IngressAdmissionConfiguration``): the
/// boundary node's rate limiter, and per replica the call requests its HTTP
/// handler accepted lately and the messages it received that its ingress pool still holds.
/// It keeps only accepted calls (those of the last `callHandlingDuration` plus
/// ``handlingMemory``, and those not yet purged from the pool) and counts the refused, so
/// that refused calls leave nothing behind.
public struct IngressAdmission: Sendable {
    /// A message a replica received over its HTTP endpoint, while its pool holds it.
    struct PooledMessage: Sendable {
        var id: UInt64
        var sizeBytes: Int
        var expiryNanos: UInt64
    }

    /// One replica's part.
    struct ReplicaPart: Sendable {
        /// When each call request its handler accepted arrived, in order (from
        /// `handlingFirst` on; those before it are too old to matter).
        var handlingStarts: [SimInstant] = []
        var handlingFirst = 0
        /// The messages it received that may still be in its pool, in the order received
        /// (from `poolStart` on; the prefix before it has left).
        var pool: [PooledMessage] = []
        var poolStart = 0
        /// Bytes of the messages from `poolStart` on.
        var poolBytes = 0

        /// Messages counted in its pool.
        var poolCount: Int { pool.count - poolStart }
    }

    /// The limits.
    public let configuration: IngressAdmissionConfiguration
    /// The boundary node's rate limiter: the theoretical arrival time of the next call (GCRA).
    var rateLimiterNext = SimInstant.zero
    var replicas: [ReplicaPart]
    /// Calls accepted.
    public private(set) var accepted: UInt64 = 0
    /// Calls refused, by ``CallRefusal/Stage`` (its raw value).
    public private(set) var refused: [UInt64] = Array(repeating: 0, count: CallRefusal.Stage.allCases.count)

    /// The admission of a subnet of `nodeCount` replicas with `configuration`.
    public init(configuration: IngressAdmissionConfiguration, nodeCount: Int) {
        self.configuration = configuration
        replicas = Array(repeating: ReplicaPart(), count: max(nodeCount, 0))
    }

    /// Calls refused, over every stage.
    public var refusedTotal: UInt64 { refused.reduce(0, +) }

    /// Messages replica `node`'s pool holds that it received itself (after the last purge).
    public func poolCount(ofReplica node: Int) -> Int { replicas[node].poolCount }

    /// The boundary node's rate limit for a call at `time` (GCRA with a burst of one second's
    /// calls, as `tower_governor` with `burst_size` equal to the rate): whether it passes;
    /// one that passes is counted against the limit.
    mutating func passesRateLimit(at time: SimInstant) -> Bool {
        guard let rate = configuration.boundaryNodeCallsPerSecondMax, rate > 0 else { return true }
        let interval = SimDuration.nanoseconds(max(1_000_000_000 / Int64(rate), 1))
        let next = max(rateLimiterNext, time)
        guard next - time <= interval * Int64(rate - 1) else { return false }
        rateLimiterNext = next + interval
        return true
    }

    /// How long an accepted request's arrival is remembered after its handling ended: calls
    /// are admitted in the order their users send them, and a call sent later may arrive
    /// earlier (network jitter), so requests are counted by arrival time, not by the order
    /// they are admitted in. Later arrivals out of order by more than this are not counted
    /// against each other.
    static let handlingMemory = SimDuration.seconds(1)

    /// Whether replica `node`'s handler has a free slot for a call request arriving at `time`:
    /// fewer than `callConcurrentRequestsMax` accepted requests arrived within
    /// `callHandlingDuration` up to `time` (each holds its slot that long).
    mutating func handlerHasRoom(_ node: Int, at time: SimInstant) -> Bool {
        let duration = configuration.callHandlingDuration
        // Forget arrivals too old to overlap any request still to come.
        while replicas[node].handlingFirst < replicas[node].handlingStarts.count,
              replicas[node].handlingStarts[replicas[node].handlingFirst] + duration + Self.handlingMemory <= time {
            replicas[node].handlingFirst += 1
        }
        if replicas[node].handlingFirst >= 1_024 && replicas[node].handlingFirst * 2 >= replicas[node].handlingStarts.count {
            replicas[node].handlingStarts.removeFirst(replicas[node].handlingFirst)
            replicas[node].handlingFirst = 0
        }
        let serving = position(after: time, node) - position(after: time - duration, node)
        return serving < configuration.callConcurrentRequestsMax
    }

    /// The index in replica `node`'s arrivals of the first one later than `time`.
    func position(after time: SimInstant, _ node: Int) -> Int {
        var low = replicas[node].handlingFirst, high = replicas[node].handlingStarts.count
        while low < high {
            let middle = (low + high) / 2
            if replicas[node].handlingStarts[middle] <= time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether replica `node`'s pool is over its bound (the replica's `exceeds_limit`: more
    /// messages or bytes than the bound, so the pool may reach the bound plus one).
    func poolIsFull(_ node: Int) -> Bool {
        replicas[node].poolCount > configuration.ingressPoolMessagesMax || replicas[node].poolBytes > configuration.ingressPoolBytesMax
    }

    /// Replica `node`'s oldest messages leave its pool while `purged` says they have (their
    /// block was finalized and executed, or they expired by `time`). Messages leave in the
    /// order they came, which is the order blocks take them in.
    mutating func purge(_ node: Int, at time: SimInstant, purged: (UInt64) -> Bool) {
        let now = SubnetExecution.timeNanos(time)
        while let message = oldestPooled(node), message.expiryNanos < now || purged(message.id) { dropOldest(node) }
    }

    /// Replica `node`'s oldest message that may still be in its pool.
    func oldestPooled(_ node: Int) -> PooledMessage? {
        replicas[node].poolStart < replicas[node].pool.count ? replicas[node].pool[replicas[node].poolStart] : nil
    }

    /// Replica `node`'s oldest message leaves its pool (the queue drops the prefix that left
    /// once it is half of it).
    mutating func dropOldest(_ node: Int) {
        guard let message = oldestPooled(node) else { return }
        replicas[node].poolStart += 1
        replicas[node].poolBytes -= message.sizeBytes
        if replicas[node].poolStart >= 1_024 && replicas[node].poolStart * 2 >= replicas[node].pool.count {
            replicas[node].pool.removeFirst(replicas[node].poolStart)
            replicas[node].poolStart = 0
        }
    }

    /// Admits a call at replica `node` (`nil`: none is up, and the call goes on unchecked, as
    /// before admission was modelled) arriving at `time`, its message `message` (`id`, size,
    /// expiry), once the replica's pool is purged (``purge(_:at:purged:)``): the refusal, or
    /// `nil` when it is accepted (then the replica's handler serves it for
    /// `callHandlingDuration`, and its pool holds it). A call that bypasses the boundary node
    /// (`throughBoundaryNode` false) meets no rate limit of it.
    mutating func admit(id: UInt64, sizeBytes: Int, expiryNanos: UInt64, at node: Int?, time: SimInstant,
                        throughBoundaryNode: Bool = true) -> CallRefusal? {
        guard configuration.isEnabled else {
            accepted += 1
            return nil
        }
        guard !throughBoundaryNode || passesRateLimit(at: time) else { return refuse(.boundaryNodeRateLimit, node: nil) }
        guard let node else {
            accepted += 1
            return nil
        }
        guard handlerHasRoom(node, at: time) else { return refuse(.callConcurrencyLimit, node: node) }
        // The pool check answers at once: the request leaves the handler without occupying it.
        guard !poolIsFull(node) else { return refuse(.ingressPoolFull, node: node) }
        replicas[node].handlingStarts.insert(time, at: position(after: time, node))
        replicas[node].pool.append(PooledMessage(id: id, sizeBytes: sizeBytes, expiryNanos: expiryNanos))
        replicas[node].poolBytes += sizeBytes
        accepted += 1
        return nil
    }

    mutating func refuse(_ stage: CallRefusal.Stage, node: Int?) -> CallRefusal {
        refused[stage.rawValue] += 1
        return CallRefusal(stage, node: node)
    }
}

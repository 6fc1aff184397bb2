import SimCore
import Consensus
import ExecutionLayer

/// What the boundary node answers a call: the message was accepted, and expires then.
public struct CallReceipt: Hashable, Sendable {
    /// The message's expiry (IC time, nanoseconds since 1970), as its subnet's ingress
    /// lifecycle set it.
    public var expiryNanos: UInt64
    /// The replica the boundary node routed it to, which holds a synchronous call's
    /// connection (`nil`: none was up).
    public var replica: Int?
}

/// What `read_state` at a replica tells of a request's status: its answer once the height
/// that gave it is certified there, or nothing yet (received, processing, or unknown to that
/// replica: the model certifies only answers, Docs/Model.md "Update calls").
public enum RequestStatus: Hashable, Sendable {
    /// No certified answer at this replica yet.
    case pending
    /// Replied with these bytes.
    case replied([UInt8])
    /// Rejected.
    case rejected(Reject)
}

/// A query a user sends: the method of a canister, its argument, and the sender.
public struct QueryRequest: Hashable, Sendable {
    /// The canister.
    public var canister: CanisterID
    /// The query method.
    public var method: String
    /// The argument.
    public var argument: [UInt8]
    /// The sender.
    public var sender: Principal

    /// `method` of `canister` with `argument`, sent by `sender`.
    public init(canister: CanisterID, method: String, argument: [UInt8], sender: Principal) {
        self.canister = canister
        self.method = method
        self.argument = argument
        self.sender = sender
    }
}

/// What a replica answers a query, and how long executing it took there.
public struct QueryResponse: Hashable, Sendable {
    /// The reply's bytes, or the reject (for a query refused with HTTP 429, a transient reject
    /// with the handler's text).
    public var result: Result<[UInt8], Reject>
    /// The replica's execution time (instructions at its core's speed; zero for a cache hit
    /// or a refused query).
    public var executionDuration: SimDuration
    /// The HTTP status the replica answers with: 200, or 429 when its HTTP handler refused
    /// the query (too many queries in the replica).
    public var httpStatus = 200
    /// When the replica sends the answer (its query service's end of the query, or the
    /// arrival for a refusal; the arrival itself outside the query service).
    public var answeredAt: SimInstant = .zero
    /// Whether the answer came from the replica's query cache.
    public var cacheHit = false
    /// What the execution read of its environment (``EnvironmentReads``; none on a hit).
    public var environmentReads: EnvironmentReads = []

    /// What the HTTP handler answers a query it refuses at `time` (dfinity/ic
    /// rs/http_endpoints/public/src/common.rs: `Overloaded` maps to 429 "The service is
    /// overloaded."; agents see no IC reject code: the text rides in a transient reject, and
    /// clients count the query refused with its HTTP status).
    static func overloaded(at time: SimInstant) -> QueryResponse {
        var reject = Reject(canisterMessage: "The service is overloaded.")
        reject.code = .systemTransient
        return QueryResponse(result: .failure(reject), executionDuration: .zero, httpStatus: 429, answeredAt: time)
    }
}

/// The IC's HTTPS interface, as users reach it through a boundary node (Docs/Model.md,
/// "Update calls", "Queries"): the boundary node routes each request to a replica of the
/// subnet that is up, and the replica answers `call`, `query` and `read_state`. This is all a
/// client sees of the simulated IC.
extension InternetComputerSimulation {
    /// A replica the boundary node counts healthy for a request to `subnet` at `time`
    /// (``healthyReplicas(onSubnet:at:)``), uniformly, drawn from the caller's `stream` (`nil`
    /// if none is healthy): the call API's queries, which take no virtual time and no retry.
    /// - Precondition: `subnet` exists.
    public func replica(forRequestTo subnet: Int, at time: SimInstant, using stream: inout RandomStream) -> Int? {
        let healthy = healthyReplicas(onSubnet: subnet, at: time)
        guard !healthy.isEmpty else { return nil }
        return healthy[Int(stream.uniform(below: UInt64(healthy.count)))]
    }

    /// `call`: a user's ingress `message` reaches subnet `subnet`'s boundary node at `time`
    /// (not before the latest event handled), which routes it to one of the f + 1 closest
    /// healthy replicas (``routeCall(toSubnet:at:)``); it arrives there at once (the call API
    /// has no network; clients add the delays themselves and use
    /// ``call(_:toSubnet:atReplica:at:throughBoundaryNode:)``).
    /// - Returns: the receipt (the message's expiry, the replica), or the refusal.
    /// - Precondition: `subnet` exists and the message ID is below 2^63 and not used before.
    public mutating func call(_ message: IngressMessage, toSubnet subnet: Int, at time: SimInstant) -> Result<CallReceipt, CallRefusal> {
        precondition(subnets.indices.contains(subnet), "subnet \(subnet) of \(subnets.count)")
        return call(message, toSubnet: subnet, atReplica: routeCall(toSubnet: subnet, at: time), at: time)
    }

    /// `call` at replica `node` of subnet `subnet` (`nil`: none was up), where the message
    /// arrives at `time` (not before the latest event handled): the boundary node's rate limit
    /// (unless the call bypasses it) and the replica's ingress admission
    /// (``IngressAdmissionConfiguration``) accept it, or refuse it as the IC would, with the
    /// HTTP status and text (``CallRefusal``). An accepted message enters that replica's pool,
    /// which gossips it to the others.
    /// - Returns: the receipt (the message's expiry), or the refusal.
    /// - Precondition: `subnet` (and `node`) exist and the message ID is below 2^63 and not used before.
    public mutating func call(_ message: IngressMessage, toSubnet subnet: Int, atReplica node: Int?, at time: SimInstant,
                              throughBoundaryNode: Bool = true) -> Result<CallReceipt, CallRefusal> {
        precondition(subnets.indices.contains(subnet), "subnet \(subnet) of \(subnets.count)")
        precondition(node.map { subnets[subnet].model.replicas.indices.contains($0) } ?? true, "replica \(node ?? -1) of subnet \(subnet)")
        let receipt = CallReceipt(expiryNanos: subnets[subnet].model.execution.ingress.expiryNanos(submittedAt: time, requested: message.expiryNanos),
                                  replica: node)
        if let refusal = admit(message, expiryNanos: receipt.expiryNanos, toSubnet: subnet, atReplica: node, at: time,
                               throughBoundaryNode: throughBoundaryNode) {
            return .failure(refusal)
        }
        submit(message, toSubnet: subnet, at: time, entryReplica: node)
        return .success(receipt)
    }

    /// `read_state` of request `id`'s status at replica `node` of subnet `subnet`: its answer
    /// if the height that gave it is certified there (an answer given on submission, at once).
    /// - Precondition: the subnet and the replica exist.
    public func readState(requestStatusOf id: UInt64, onSubnet subnet: Int, atReplica node: Int) -> RequestStatus {
        precondition(subnets.indices.contains(subnet) && subnets[subnet].model.replicas.indices.contains(node), "replica \(node) of subnet \(subnet)")
        let (outcome, certified) = ingressOutcome(id, onSubnet: subnet, certifiedAt: node)
        guard let outcome else { return .pending }
        if let height = outcome.height, certified < height { return .pending }
        switch outcome.status {
        case .replied(let bytes): return .replied(bytes)
        case .rejected(let reject): return .rejected(reject)
        case .processing: return .pending
        }
    }

    /// `query`: replica `node` of subnet `subnet` takes `request` arriving at `time` into its
    /// query service (Docs/Model.md, "Query capacity"): its HTTP handler refuses it (429) with
    /// too many queries in the replica; else the answer comes from the query cache or from
    /// running it against the state the replica has certified at `time` (changes dropped), and
    /// is sent once a query thread and a slot of the canister served it (``QueryService``).
    /// - Precondition: the subnet and the replica exist.
    public mutating func query(_ request: QueryRequest, onSubnet subnet: Int, atReplica node: Int, at time: SimInstant) -> QueryResponse {
        query(PreparedQuery(request), onSubnet: subnet, atReplica: node, at: time)
    }

    /// ``query(_:onSubnet:atReplica:at:)`` of a request whose cache key was made once
    /// (``PreparedQuery``, which a client keeps for a request it repeats): the same answer,
    /// without building and hashing the key per query.
    /// - Precondition: the subnet and the replica exist.
    public mutating func query(_ prepared: PreparedQuery, onSubnet subnet: Int, atReplica node: Int, at time: SimInstant) -> QueryResponse {
        precondition(subnets.indices.contains(subnet) && subnets[subnet].model.replicas.indices.contains(node), "replica \(node) of subnet \(subnet)")
        guard queryServices[subnet][node].admits(at: time) else { return .overloaded(at: time) }
        let place = queryPlace(prepared.request.canister, onSubnet: subnet, atReplica: node)
        var response: QueryResponse
        // A hit reads the canister's fields in place; only a miss copies its state to run on.
        let environment = queryEnvironment(place, onSubnet: subnet)
        if let environment, let cached = queryServices[subnet][node].cache.lookup(prepared.key, hash: prepared.keyHash, in: environment) {
            response = QueryResponse(result: cached, executionDuration: .zero, cacheHit: true)
        } else {
            response = SubnetExecution.query(prepared.request, on: canister(at: place, onSubnet: subnet),
                                             round: subnets[subnet].model.execution.executor.configuration, at: time, stateTime: place.stateTime)
            if let environment {
                queryServices[subnet][node].cache.store(prepared.key, hash: prepared.keyHash, response.result, environment: environment,
                                                        reads: response.environmentReads)
            }
        }
        response.answeredAt = queryServices[subnet][node].run(canister: prepared.request.canister, at: time, execution: response.executionDuration).end
        return response
    }

    /// Runs `request` at replica `node` of subnet `subnet` at `time` against the state it has
    /// certified, and drops the changes, outside the query service (no queue, no cache, no
    /// virtual time: the call API's queries, Docs/Model.md "The call API").
    /// - Precondition: the subnet and the replica exist.
    public func executeQuery(_ request: QueryRequest, onSubnet subnet: Int, atReplica node: Int, at time: SimInstant) -> QueryResponse {
        precondition(subnets.indices.contains(subnet) && subnets[subnet].model.replicas.indices.contains(node), "replica \(node) of subnet \(subnet)")
        let place = queryPlace(request.canister, onSubnet: subnet, atReplica: node)
        var response = SubnetExecution.query(request, on: canister(at: place, onSubnet: subnet), round: subnets[subnet].model.execution.executor.configuration,
                                             at: time, stateTime: place.stateTime)
        response.answeredAt = time
        return response
    }
}

extension SubnetExecution {
    /// A replica runs `request` at `time` on `canister`, its state at the height the replica
    /// has certified (``QuerySnapshots``; `nil`: no such canister), with
    /// the query instruction limit; its execution takes the instructions at the core's speed.
    /// `stateTime` is the time of the state `canister` is from: the query method can read a
    /// certificate of its certified data and that time (`nil`: none).
    static func query(_ request: QueryRequest, on canister: CanisterState?, round: RoundConfiguration, at time: SimInstant,
                      stateTime: SimInstant? = nil) -> QueryResponse {
        guard let canister else {
            return QueryResponse(result: .failure(Reject(.canisterNotFound, "canister \(request.canister) does not exist")), executionDuration: .zero)
        }
        let result = CanisterExecutor(configuration: round.execution).query(
            request.method, argument: request.argument, caller: request.sender, timeNanos: timeNanos(time),
            certifiedStateTimeNanos: stateTime.map(timeNanos), on: canister)
        let nanos = Int64(result.instructions.multipliedFullWidth(by: 1_000_000_000).low / max(round.instructionsPerSecondPerCore, 1))
        let answer: Result<[UInt8], Reject> = switch result.outcome {
        case .replied(let bytes): .success(bytes)
        case .rejected(let reject): .failure(reject)
        case .awaitingCallbacks: .failure(Reject(.canisterDidNotReply, "query method \(request.method) did not reply"))
        }
        return QueryResponse(result: answer, executionDuration: .nanoseconds(max(nanos, 0)), environmentReads: result.environmentReads)
    }
}

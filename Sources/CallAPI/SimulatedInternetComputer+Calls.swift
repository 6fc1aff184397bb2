import SimCore
import ExecutionLayer
import InternetComputer

/// Update calls and queries, as a user's agent makes them through a boundary node.
extension SimulatedInternetComputer {
    /// An update call: `method` of `canister` with `argument`, sent by `sender` (the default
    /// sender if `nil`) through consensus. Advances virtual time until the answer is
    /// certified (the time an agent's poll would find it), or until the message expires.
    /// - Returns: the reply's bytes.
    /// - Throws: ``CallFailure/rejected(_:)`` with the IC's or the canister's reject,
    ///   ``CallFailure/expired`` if no certified answer came in time, ``CallFailure/refused(_:)``
    ///   if the subnet's ingress admission refused the call.
    public mutating func update(_ canister: CanisterID, _ method: String, argument: [UInt8] = [],
                                sender: Principal? = nil) throws(CallFailure) -> [UInt8] {
        try update(canister, method, argument: argument, sender: sender ?? defaultSender, subnet: try hostingSubnet(of: canister))
    }

    /// An update call submitted to subnet `subnet`, waited for until certified or expired.
    mutating func update(_ canister: CanisterID, _ method: String, argument: [UInt8], sender: Principal,
                         subnet: Int) throws(CallFailure) -> [UInt8] {
        let id = nextMessageID
        nextMessageID += 1
        let message = IngressMessage(id: id, sender: sender, receiver: canister, method: method, argument: argument)
        let receipt: CallReceipt
        switch simulation.call(message, toSubnet: subnet, at: now) {
        case .success(let accepted): receipt = accepted
        case .failure(let refusal): throw .refused(refusal)
        }
        let expiry = SimInstant.zero + .nanoseconds(Int64(clamping: receipt.expiryNanos - min(receipt.expiryNanos, SubnetExecution.epochNanos)))
        _ = step(until: expiry) { Self.certifiedOutcome(of: id, onSubnet: subnet, in: $0) != nil }
        switch Self.certifiedOutcome(of: id, onSubnet: subnet, in: simulation)?.status {
        case .replied(let bytes): return bytes
        case .rejected(let reject): throw .rejected(reject)
        case .processing, nil: throw .expired
        }
    }

    /// A query: `method` of `canister` with `argument`, sent by `sender` (the default sender
    /// if `nil`), answered by one replica the boundary node picks among the healthy ones, against the
    /// canister's latest state there. Takes no virtual time (the reply is immediate).
    /// - Returns: the reply's bytes.
    /// - Throws: ``CallFailure/rejected(_:)``, or ``CallFailure/noReplicaUp``.
    public mutating func query(_ canister: CanisterID, _ method: String, argument: [UInt8] = [],
                               sender: Principal? = nil) throws(CallFailure) -> [UInt8] {
        let subnet = try hostingSubnet(of: canister)
        guard let replica = simulation.replica(forRequestTo: subnet, at: now, using: &boundaryNode) else { throw .noReplicaUp }
        let request = QueryRequest(canister: canister, method: method, argument: argument, sender: sender ?? defaultSender)
        switch simulation.executeQuery(request, onSubnet: subnet, atReplica: replica, at: now).result {
        case .success(let bytes): return bytes
        case .failure(let reject): throw .rejected(reject)
        }
    }

    /// The subnet of `canister`; the management canister's calls go to the first subnet.
    func hostingSubnet(of canister: CanisterID) throws(CallFailure) -> Int {
        if canister == .management { return 0 }
        guard let subnet = subnet(of: canister), simulation.configuration.subnets.indices.contains(subnet) else {
            throw .noSuchSubnet(canister)
        }
        return subnet
    }

    /// Message `id`'s outcome on `subnet` once its answer is certified there (`nil` before).
    static func certifiedOutcome(of id: UInt64, onSubnet subnet: Int, in simulation: InternetComputerSimulation) -> IngressOutcome? {
        guard let outcome = simulation.ingressOutcome(id, onSubnet: subnet), outcome.certifiedAt != nil else {
            return nil
        }
        return outcome
    }
}

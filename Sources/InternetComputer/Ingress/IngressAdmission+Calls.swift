import SimCore
import ExecutionLayer

extension IngressAdmission {
    /// The admission of `subnet`'s calls, with its limits; the boundary node routes calls with
    /// a stream of the subnet's own seed.
    init(subnet: SubnetConfiguration) {
        self.init(configuration: subnet.ingressAdmission, nodeCount: subnet.consensus.nodeCount,
                  routing: RandomSeed(subnet.seed).stream("boundary node call routing"))
    }
}

extension InternetComputerSimulation {
    /// Subnet `subnet`'s ingress admission: its limits, and the calls it accepted and refused.
    /// - Precondition: `subnet` exists.
    public func ingressAdmission(ofSubnet subnet: Int) -> IngressAdmission {
        admissions[subnet]
    }

    /// The boundary node and the replica it routes to admit `message` (its expiry
    /// `expiryNanos`) for subnet `subnet` at `time`: the refusal, or `nil` when it is accepted
    /// (``IngressAdmission/admit(id:sizeBytes:expiryNanos:at:time:)``); `routedTo` is set to
    /// the replica the boundary node routed it to (`nil` when none is up).
    mutating func admit(_ message: IngressMessage, expiryNanos: UInt64, toSubnet subnet: Int, at time: SimInstant,
                        routedTo entry: inout Int?) -> CallRefusal? {
        // The boundary node routes every call, limits or not (the replica it reaches gossips
        // it); the draw is the admission's own, so the routing never shifts another stream.
        var routing = admissions[subnet].routing
        let node = replica(forRequestTo: subnet, at: time, using: &routing)
        admissions[subnet].routing = routing
        entry = node
        guard admissions[subnet].configuration.isEnabled else {
            return admissions[subnet].admit(id: message.id, sizeBytes: message.sizeBytes, expiryNanos: expiryNanos, at: nil, time: time)
        }
        if let node { purgeIngressPool(ofReplica: node, onSubnet: subnet, at: time) }
        return admissions[subnet].admit(id: message.id, sizeBytes: message.sizeBytes, expiryNanos: expiryNanos, at: node, time: time)
    }

    /// The messages replica `node` of `subnet` received that have left its pool by `time`
    /// leave its count: those whose block the subnet executed (their status is in the state's
    /// ingress history, the replica's `RemoveFromValidated` once a finalized batch is
    /// delivered), those answered on submission (refused by `canister_inspect_message`: they
    /// never entered it), and the expired (`PurgeBelowExpiry`).
    mutating func purgeIngressPool(ofReplica node: Int, onSubnet subnet: Int, at time: SimInstant) {
        let now = SubnetExecution.timeNanos(time)
        // Leaf fields only: calling a method of the subnet's model or its execution would copy it.
        while let message = admissions[subnet].oldestPooled(node) {
            let left = message.expiryNanos < now || subnets[subnet].model.execution.state.ingressHistory[message.id] != nil
                || subnets[subnet].model.execution.ingress.submissionIndex[message.id].map {
                    subnets[subnet].model.execution.ingress.submissions[$0].answer != nil
                } == true
            guard left else { break }
            admissions[subnet].dropOldest(node)
        }
    }
}

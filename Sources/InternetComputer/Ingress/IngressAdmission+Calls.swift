import SimCore
import ExecutionLayer

extension IngressAdmission {
    /// The admission of `subnet`'s calls, with its limits.
    init(subnet: SubnetConfiguration) {
        self.init(configuration: subnet.ingressAdmission, nodeCount: subnet.consensus.nodeCount)
    }
}

extension InternetComputerSimulation {
    /// Subnet `subnet`'s ingress admission: its limits, and the calls it accepted and refused.
    /// - Precondition: `subnet` exists.
    public func ingressAdmission(ofSubnet subnet: Int) -> IngressAdmission {
        admissions[subnet]
    }

    /// The boundary node (unless the call bypasses it) and replica `node` admit `message`
    /// (its expiry `expiryNanos`) for subnet `subnet` at `time`: the refusal, or `nil` when it
    /// is accepted (``IngressAdmission/admit(id:sizeBytes:expiryNanos:at:time:throughBoundaryNode:)``).
    mutating func admit(_ message: IngressMessage, expiryNanos: UInt64, toSubnet subnet: Int, atReplica node: Int?, at time: SimInstant,
                        throughBoundaryNode: Bool) -> CallRefusal? {
        guard admissions[subnet].configuration.isEnabled else {
            return admissions[subnet].admit(id: message.id, sizeBytes: message.sizeBytes, expiryNanos: expiryNanos, at: nil, time: time)
        }
        if let node { purgeIngressPool(ofReplica: node, onSubnet: subnet, at: time) }
        return admissions[subnet].admit(id: message.id, sizeBytes: message.sizeBytes, expiryNanos: expiryNanos, at: node, time: time,
                                        throughBoundaryNode: throughBoundaryNode)
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
                || subnets[subnet].model.execution.ingress.submissionIndex.place(of: message.id).map {
                    subnets[subnet].model.execution.ingress.submissions[$0].answer != nil
                } == true
            guard left else { break }
            admissions[subnet].dropOldest(node)
        }
    }
}

import Candid
import ExecutionLayer
import InternetComputer

/// Why a call made through ``SimulatedInternetComputer`` has no reply.
public enum CallFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The IC or the canister rejected it: the reject code (`CANISTER_REJECT`,
    /// `CANISTER_ERROR`, ...), the IC's error code if the system rejected, and the message.
    case rejected(Reject)
    /// No certified answer came before the message expired (its subnet stalled, or too few
    /// replicas were up): what an agent reports once it stops polling.
    case expired
    /// No replica of the canister's subnet was up to take a query.
    case noReplicaUp
    /// The subnet's ingress admission refused the update call before it reached the ingress
    /// pool (HTTP 429 or 503; ``CallRefusal``).
    case refused(CallRefusal)
    /// The canister ID belongs to no subnet of this IC.
    case noSuchSubnet(CanisterID)
    /// Candid: a service description or an argument's text that does not parse or fit the
    /// method's types, or a reply that is not Candid of its result types.
    case candid(CandidError)

    /// The reject, if it was one.
    public var reject: Reject? {
        if case .rejected(let reject) = self { reject } else { nil }
    }

    /// `"rejected: CANISTER_ERROR (IC0503): ..."`.
    public var description: String {
        switch self {
        case .rejected(let reject): "rejected: \(reject)"
        case .expired: "expired: no certified answer before the message's expiry"
        case .noReplicaUp: "no replica of the canister's subnet is up"
        case .refused(let refusal): "refused: \(refusal)"
        case .noSuchSubnet(let canister): "canister \(canister) belongs to no subnet of this IC"
        case .candid(let error): "Candid: \(error)"
        }
    }
}

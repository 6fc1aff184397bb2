import SimCore
import Consensus

/// What a replica's artifact processors spend on the work of consensus, and their rhythm
/// (Docs/Model.md, "Replica processing"). Each kind of artifact has its own processor thread
/// on the IC (consensus, certification, ingress); each runs when artifacts arrive, again at
/// once while its last run changed something, and otherwise every `idlePollInterval`
/// (dfinity/ic rs/artifact_manager: `ARTIFACT_MANAGER_TIMER_DURATION_MSEC`). The costs are
/// CPU time on that processor's thread.
public struct ProcessingConfiguration: Hashable, Sendable {
    /// How long an idle processor waits for an arrival before it runs anyway (timers such as
    /// the notary delay are noticed only when it runs): 200 ms. Zero: timers are noticed
    /// exactly when they run out.
    public var idlePollInterval: SimDuration
    /// Verifying one signature share (notarization, finalization, random beacon and
    /// certification shares: BLS signatures, about two pairings each).
    public var shareVerification: SimDuration
    /// Verifying one aggregate (a notarization, finalization, random beacon or certification:
    /// one combined BLS signature).
    public var aggregateVerification: SimDuration
    /// Validating a block proposal apart from its messages (its maker's signature, its
    /// parent, its rank).
    public var proposalVerification: SimDuration
    /// Validating each ingress message of a received block (payload validation: duplicates,
    /// expiry, the canister's state).
    public var payloadValidationPerMessage: SimDuration
    /// Selecting and checking each ingress message of a block this node makes (payload
    /// building).
    public var payloadBuildingPerMessage: SimDuration
    /// Signing one share or one block.
    public var signing: SimDuration

    /// No cost and no idle timer: processing takes no time and timers are exact (the model
    /// before processors were modelled; protocol tests use it).
    public static let instantaneous = ProcessingConfiguration()

    /// Nothing costs anything, and timers are exact.
    public init() {
        idlePollInterval = .zero
        shareVerification = .zero
        aggregateVerification = .zero
        proposalVerification = .zero
        payloadValidationPerMessage = .zero
        payloadBuildingPerMessage = .zero
        signing = .zero
    }

    /// The IC's processing, with its sources in Docs/Model.md ("Replica processing"): an idle
    /// processor runs every 200 ms; a signature share or an aggregate takes 1 ms to verify, a
    /// signature 0.3 ms to make, a block 0.1 ms to check, and each ingress message of a block
    /// 43 µs to select or to validate.
    public static let internetComputer: ProcessingConfiguration = {
        var configuration = ProcessingConfiguration()
        configuration.idlePollInterval = .milliseconds(200)
        configuration.shareVerification = .milliseconds(1)
        configuration.aggregateVerification = .milliseconds(1)
        configuration.proposalVerification = .microseconds(100)
        configuration.payloadValidationPerMessage = .microseconds(43)
        configuration.payloadBuildingPerMessage = .microseconds(43)
        configuration.signing = .microseconds(300)
        return configuration
    }()

    /// What is wrong with the configuration (empty when usable).
    public func problems() -> [String] {
        let durations: [(String, SimDuration)] = [
            ("idlePollInterval", idlePollInterval), ("shareVerification", shareVerification),
            ("aggregateVerification", aggregateVerification), ("proposalVerification", proposalVerification),
            ("payloadValidationPerMessage", payloadValidationPerMessage), ("payloadBuildingPerMessage", payloadBuildingPerMessage),
            ("signing", signing),
        ]
        return durations.compactMap { name, duration in
            duration < .zero ? "processing.\(name): must not be negative" : duration > .seconds(60) ? "processing.\(name): more than 60 s" : nil
        }
    }

    /// The CPU time of validating `artifact` when it arrives.
    public func validationCost(of artifact: Artifact) -> SimDuration {
        switch artifact {
        case .proposal(let block): proposalVerification + payloadValidationPerMessage * Int64(block.payload.count)
        case .beaconShare, .notarizationShare, .finalizationShare, .certificationShare: shareVerification
        case .beacon, .notarization, .finalization, .certification: aggregateVerification
        case .catchUp(let package): aggregateVerification * Int64(max(package.blocks.count, 1))
        case .catchUpRequest, .blockAdvert, .blockRequest: .zero
        }
    }

    /// The CPU time of making `artifact` (its signature; a proposal's payload too).
    public func creationCost(of artifact: Artifact) -> SimDuration {
        switch artifact {
        case .proposal(let block): signing + payloadBuildingPerMessage * Int64(block.payload.count)
        case .beaconShare, .notarizationShare, .finalizationShare, .certificationShare: signing
        default: .zero
        }
    }
}

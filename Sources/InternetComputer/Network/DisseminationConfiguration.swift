import SimCore
import Consensus

/// How a subnet's P2P layer spreads artifacts (Docs/Model.md, "Dissemination"): an ingress
/// message is pushed by the replica that received it to every peer, which validates it into
/// its pool; a block proposal carries its ingress messages' IDs, not the messages ("hashes in
/// blocks"), and a receiver fetches from the block's sender those it lacks; a proposal that is
/// neither the leader's nor under the push threshold is advertised, and fetched by the
/// receiver.
public struct DisseminationConfiguration: Hashable, Sendable {
    /// Whether ingress is gossiped from the replica that received it (`false`: every replica
    /// has a submitted message at once, the model before gossip).
    public var gossipsIngress: Bool
    /// Whether blocks carry ingress message IDs instead of the messages.
    public var hashesInBlocks: Bool
    /// Bytes a block carries per ingress message with hashes in blocks: 80.
    public var strippedIngressBytes: Int
    /// Artifacts smaller than this are pushed whole; larger ones are advertised and fetched,
    /// unless latency-sensitive (the leader's own proposal): 1,024 bytes.
    public var pushThresholdBytes: Int

    /// The IC's: ingress gossiped, hashes in blocks (80 bytes per message), 1 KiB push
    /// threshold (sources in Docs/Model.md, "Dissemination").
    public static let internetComputer = DisseminationConfiguration(gossipsIngress: true, hashesInBlocks: true,
                                                                    strippedIngressBytes: 80, pushThresholdBytes: 1_024)

    /// Every replica has a submitted message at once and blocks carry their messages, pushed
    /// whole (the model before dissemination was modelled; protocol tests use it).
    public static let direct = DisseminationConfiguration(gossipsIngress: false, hashesInBlocks: false,
                                                          strippedIngressBytes: 80, pushThresholdBytes: Int.max)

    /// A configuration with these values.
    public init(gossipsIngress: Bool, hashesInBlocks: Bool, strippedIngressBytes: Int, pushThresholdBytes: Int) {
        self.gossipsIngress = gossipsIngress
        self.hashesInBlocks = hashesInBlocks
        self.strippedIngressBytes = strippedIngressBytes
        self.pushThresholdBytes = pushThresholdBytes
    }

    /// What is wrong with the configuration (empty when usable).
    public func problems() -> [String] {
        var problems: [String] = []
        if strippedIngressBytes < 0 { problems.append("dissemination.strippedIngressBytes: must not be negative") }
        if pushThresholdBytes < 0 { problems.append("dissemination.pushThresholdBytes: must not be negative") }
        return problems
    }

    /// Bytes `artifact` takes on the wire: a proposal's ingress messages as IDs with hashes
    /// in blocks (stream slices whole), anything else its modelled size.
    func wireBytes(of artifact: Artifact, isIngress: (PayloadItem) -> Bool) -> Int {
        guard hashesInBlocks, case .proposal(let block) = artifact else { return artifact.sizeBytes }
        return block.payload.reduce(Block.headerBytes) { $0 + (isIngress($1) ? strippedIngressBytes : $1.sizeBytes) }
    }
}

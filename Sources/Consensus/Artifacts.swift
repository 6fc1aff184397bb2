import SimCore

/// A node of a subnet: its index `0..<n` in the subnet's sorted node list.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The index.
    public let index: Int

    /// Node `index`.
    public init(_ index: Int) {
        self.index = index
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.index < rhs.index }

    /// `"node 3"`.
    public var description: String { "node \(index)" }
}

/// A block height (a consensus round); the genesis block is at height 0.
public typealias Height = UInt64

/// An opaque payload item with a size: ingress messages now, stream slices later.
public struct PayloadItem: Hashable, Sendable {
    /// An identifier unique in the run.
    public var id: UInt64
    /// Its size on the wire, in bytes.
    public var sizeBytes: Int

    /// An item `id` of `sizeBytes` bytes.
    public init(id: UInt64, sizeBytes: Int) {
        self.id = id
        self.sizeBytes = sizeBytes
    }
}

/// A block proposal: a height, the notarized parent it extends, its maker and the maker's rank
/// at that height, and a payload. Its digest (SHA-256 of all of this) names it.
public struct Block: Hashable, Sendable {
    /// The height.
    public let height: Height
    /// The parent's digest (a block at `height - 1`).
    public let parent: SHA256Digest
    /// The maker's rank at this height (0 is the leader).
    public let rank: Int
    /// The node that made it.
    public let maker: NodeID
    /// The payload.
    public let payload: [PayloadItem]
    /// The digest naming the block.
    public let digest: SHA256Digest

    /// Bytes of a block without its payload (header, maker's signature): a modelled size.
    public static let headerBytes = 256

    /// A block; its digest is computed from the other fields.
    public init(height: Height, parent: SHA256Digest, rank: Int, maker: NodeID, payload: [PayloadItem]) {
        self.height = height
        self.parent = parent
        self.rank = rank
        self.maker = maker
        self.payload = payload
        var hasher = SHA256()
        hasher.update(string: "ICSim.block.v1")
        hasher.update(uint64LittleEndian: height)
        hasher.update(digest: parent)
        hasher.update(uint64LittleEndian: UInt64(rank))
        hasher.update(uint64LittleEndian: UInt64(maker.index))
        hasher.update(uint64LittleEndian: UInt64(payload.count))
        for item in payload {
            hasher.update(uint64LittleEndian: item.id)
            hasher.update(uint64LittleEndian: UInt64(item.sizeBytes))
        }
        digest = hasher.finalize()
    }

    /// The genesis block of a subnet whose identity is `subnet`.
    public static func genesis(subnet: SHA256Digest) -> Block {
        Block(height: 0, parent: subnet, rank: 0, maker: NodeID(0), payload: [])
    }

    /// Its size on the wire.
    public var sizeBytes: Int { Self.headerBytes + payload.reduce(0) { $0 + $1.sizeBytes } }
}

/// The kinds of artifacts, for counting messages and bytes.
public enum ArtifactKind: Int, CaseIterable, Sendable, CustomStringConvertible {
    case proposal, beaconShare, beacon, notarizationShare, notarization, finalizationShare, finalization
    case catchUpRequest, catchUp, blockAdvert, blockRequest, certificationShare, certification

    /// The kind's name in reports.
    public var description: String {
        switch self {
        case .proposal: "block proposal"
        case .beaconShare: "random beacon share"
        case .beacon: "random beacon"
        case .notarizationShare: "notarization share"
        case .notarization: "notarization"
        case .finalizationShare: "finalization share"
        case .finalization: "finalization"
        case .catchUpRequest: "catch-up request"
        case .catchUp: "catch-up package"
        case .blockAdvert: "block advert"
        case .blockRequest: "block request"
        case .certificationShare: "certification share"
        case .certification: "certification"
        }
    }
}

/// What consensus nodes exchange. Signatures are modelled, not computed: a share names its
/// signer (the network authenticates senders, so no node can make another's share), and an
/// aggregate lists the signers whose shares it combines.
///
/// Indirect: an artifact is one reference to its boxed case, so the copies every delivery
/// makes (a message's artifacts taken by each receiver) are a retain, not a copy of the
/// largest case (a block, about 100 bytes) switched on its kind.
public indirect enum Artifact: Hashable, Sendable {
    /// A block proposal, signed by its maker.
    case proposal(Block)
    /// A share of the random beacon of `height`.
    case beaconShare(height: Height, signer: NodeID)
    /// The random beacon of `height` (f + 1 shares combined); its value is determined by the
    /// beacon before it, as a unique threshold signature is.
    case beacon(height: Height, value: SHA256Digest)
    /// A notarization share for `block`.
    case notarizationShare(height: Height, block: SHA256Digest, signer: NodeID)
    /// A notarization of `block` (c - f shares combined).
    case notarization(height: Height, block: SHA256Digest, signers: [NodeID])
    /// A finalization share for `block`.
    case finalizationShare(height: Height, block: SHA256Digest, signer: NodeID)
    /// A finalization of `block` (c - f shares combined).
    case finalization(height: Height, block: SHA256Digest, signers: [NodeID])
    /// A node that made no progress for a while asks its peers for what it is missing.
    case catchUpRequest(finalizedHeight: Height, requester: NodeID)
    /// The answer's core: finalized blocks above the requester's finalized height, the
    /// finalization of the last one, and the beacon at its height (the IC's catch-up packages
    /// and state sync play this role for nodes far behind).
    case catchUp(CatchUpPackage)
    /// "I have this block" (the IC's gossip adverts): sent for every block a node accepts from
    /// another, so a block reaches every node even if its maker did not send it everywhere,
    /// and an equivocating maker's second block reaches those who saw the first.
    case blockAdvert(height: Height, block: SHA256Digest, maker: NodeID)
    /// "Send me this block", to a node that advertised it.
    case blockRequest(height: Height, block: SHA256Digest)
    /// A share of the certification of the replicated state after executing `height`: its
    /// signer vouches for the state's digest. Consensus nodes carry these but do not use them:
    /// the subnet's certifier does.
    case certificationShare(height: Height, state: SHA256Digest, signer: NodeID)
    /// The certification of the state after `height` (c - f certification shares for one
    /// digest combined): a replica that aggregates one sends it to its peers, and a replica
    /// holding it has that height certified without the shares. Also the certifier's.
    case certification(height: Height, state: SHA256Digest, signers: [NodeID])

    /// The artifact's kind.
    public var kind: ArtifactKind {
        switch self {
        case .proposal: .proposal
        case .beaconShare: .beaconShare
        case .beacon: .beacon
        case .notarizationShare: .notarizationShare
        case .notarization: .notarization
        case .finalizationShare: .finalizationShare
        case .finalization: .finalization
        case .catchUpRequest: .catchUpRequest
        case .catchUp: .catchUp
        case .blockAdvert: .blockAdvert
        case .blockRequest: .blockRequest
        case .certificationShare: .certificationShare
        case .certification: .certification
        }
    }

    /// The height it belongs to.
    public var height: Height {
        switch self {
        case .proposal(let block): block.height
        case .beaconShare(let height, _), .beacon(let height, _), .notarizationShare(let height, _, _),
             .notarization(let height, _, _), .finalizationShare(let height, _, _), .finalization(let height, _, _),
             .catchUpRequest(let height, _), .blockAdvert(let height, _, _), .blockRequest(let height, _),
             .certificationShare(let height, _, _), .certification(let height, _, _):
            height
        case .catchUp(let package): package.height
        }
    }

    /// Bytes on the wire (modelled: BLS signatures are 48 bytes, digests 32, plus framing).
    public var sizeBytes: Int {
        switch self {
        case .proposal(let block): block.sizeBytes
        case .beaconShare, .notarizationShare, .finalizationShare, .certificationShare: 128
        case .beacon, .notarization, .finalization, .certification: 160
        case .catchUpRequest, .blockAdvert, .blockRequest: 64
        case .catchUp(let package): 320 + package.blocks.reduce(0) { $0 + $1.sizeBytes }
        }
    }
}

/// Finalized blocks for a node that fell behind: consecutive blocks above its finalized
/// height, the finalization of the last, and the random beacon at that height.
public struct CatchUpPackage: Hashable, Sendable {
    /// The blocks, oldest first.
    public var blocks: [Block]
    /// The signers of the last block's finalization.
    public var signers: [NodeID]
    /// The random beacon at the last block's height.
    public var beacon: SHA256Digest

    /// The height of the last block.
    public var height: Height { blocks.last?.height ?? 0 }
}

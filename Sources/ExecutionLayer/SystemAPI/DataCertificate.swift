import Candid
import SimCore

/// A certificate as the IC's HTTPS interface defines it (interface spec, "Certification"): a
/// CBOR map `{tree, signature}` whose hash tree holds a canister's certified data at
/// `/canister/<id>/certified_data` and the state's time at `/time`. The tree and its root
/// hash are the spec's; the signature is simulated (Docs/Model.md, "Data certificates").
public enum DataCertificate {
    /// The certificate of `certifiedData` of `canister` in a state of time `timeNanos`.
    public static func encode(canister: CanisterID, certifiedData: [UInt8], timeNanos: UInt64) -> [UInt8] {
        let tree = HashTree.tree(canister: canister, certifiedData: certifiedData, timeNanos: timeNanos)
        var bytes: [UInt8] = [0xD9, 0xD9, 0xF7]  // the self-describing CBOR tag 55799
        bytes += CBOR.mapHeader(2)
        bytes += CBOR.text("tree") + tree.cbor
        bytes += CBOR.text("signature") + CBOR.bytes(signature(rootHash: tree.rootHash))
        return bytes
    }

    /// The simulated signature: 48 bytes (a BLS signature's size) of SHA-256 hashes of the
    /// message the IC signs, `domain_sep("ic-state-root") ‖ root hash`. Not a signature.
    static func signature(rootHash: [UInt8]) -> [UInt8] {
        let message = HashTree.domain("ic-state-root") + rootHash
        let first = SHA256.hash(message).bytes
        return first + Array(SHA256.hash(first + message).bytes.prefix(16))
    }
}

/// The IC's hash tree (interface spec, "Certification", "Encoding of certificates").
indirect enum HashTree: Hashable, Sendable {
    case empty
    case fork(HashTree, HashTree)
    case labeled([UInt8], HashTree)
    case leaf([UInt8])

    /// `/canister/<id>/certified_data` and `/time`, labels in order.
    static func tree(canister: CanisterID, certifiedData: [UInt8], timeNanos: UInt64) -> HashTree {
        let data = HashTree.labeled(Array("certified_data".utf8), .leaf(certifiedData))
        let canisters = HashTree.labeled(Array("canister".utf8), .labeled(canister.principal.bytes, data))
        return .fork(canisters, .labeled(Array("time".utf8), .leaf(CandidNatural(timeNanos).leb128)))
    }

    /// `byte(|s|) ‖ s`.
    static func domain(_ separator: String) -> [UInt8] { [UInt8(separator.utf8.count)] + Array(separator.utf8) }

    /// The spec's `reconstruct`: the root hash.
    var rootHash: [UInt8] {
        switch self {
        case .empty: SHA256.hash(Self.domain("ic-hashtree-empty")).bytes
        case .fork(let left, let right): SHA256.hash(Self.domain("ic-hashtree-fork") + left.rootHash + right.rootHash).bytes
        case .labeled(let label, let tree): SHA256.hash(Self.domain("ic-hashtree-labeled") + label + tree.rootHash).bytes
        case .leaf(let value): SHA256.hash(Self.domain("ic-hashtree-leaf") + value).bytes
        }
    }

    /// The CBOR encoding: `[0]`, `[1, l, r]`, `[2, label, t]`, `[3, value]`.
    var cbor: [UInt8] {
        switch self {
        case .empty: CBOR.arrayHeader(1) + CBOR.unsigned(0)
        case .fork(let left, let right): CBOR.arrayHeader(3) + CBOR.unsigned(1) + left.cbor + right.cbor
        case .labeled(let label, let tree): CBOR.arrayHeader(3) + CBOR.unsigned(2) + CBOR.bytes(label) + tree.cbor
        case .leaf(let value): CBOR.arrayHeader(2) + CBOR.unsigned(3) + CBOR.bytes(value)
        }
    }
}

/// The few CBOR items a certificate needs (RFC 8949: a major type and a length or value).
enum CBOR {
    static func head(_ major: UInt8, _ value: UInt64) -> [UInt8] {
        let type = major << 5
        switch value {
        case 0..<24: return [type | UInt8(value)]
        case 24..<0x100: return [type | 24, UInt8(value)]
        case 0x100..<0x1_0000: return [type | 25] + bigEndian(value, bytes: 2)
        case 0x1_0000..<0x1_0000_0000: return [type | 26] + bigEndian(value, bytes: 4)
        default: return [type | 27] + bigEndian(value, bytes: 8)
        }
    }

    static func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    static func unsigned(_ value: UInt64) -> [UInt8] { head(0, value) }
    static func bytes(_ value: [UInt8]) -> [UInt8] { head(2, UInt64(value.count)) + value }
    static func text(_ value: String) -> [UInt8] { head(3, UInt64(value.utf8.count)) + Array(value.utf8) }
    static func arrayHeader(_ count: Int) -> [UInt8] { head(4, UInt64(count)) }
    static func mapHeader(_ count: Int) -> [UInt8] { head(5, UInt64(count)) }
}

import SimCore
import Testing
import Wasm
@testable import ExecutionLayer

/// The hash tree against the interface spec's worked example, the certificate's shape, and
/// `ic0.data_certificate_*` in a query call (present) and elsewhere (absent).
@Suite("Data certificates")
struct DataCertificateTests {
    typealias B = CanisterModuleBuilder

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The spec's example tree (interface spec, "Certification", "Example").
    static let example: HashTree = {
        let a = HashTree.labeled(Array("a".utf8), .fork(.fork(.labeled(Array("x".utf8), .leaf(Array("hello".utf8))), .empty),
                                                       .labeled(Array("y".utf8), .leaf(Array("world".utf8)))))
        let b = HashTree.labeled(Array("b".utf8), .leaf(Array("good".utf8)))
        let c = HashTree.labeled(Array("c".utf8), .empty)
        let d = HashTree.labeled(Array("d".utf8), .leaf(Array("morning".utf8)))
        return .fork(.fork(a, b), .fork(c, d))
    }()

    @Test func theHashTreeEncodesAndHashesAsTheSpecsExample() {
        #expect(Self.hex(Self.example.cbor) == "8301830183024161830183018302417882034568656c6c6f810083024179820345776f726c6483024162820344676f6f648301830241638100830241648203476d6f726e696e67")
        #expect(Self.hex(Self.example.rootHash) == "eb5c5b2195e62d996b84c9bcc8259d19a83786a2f59e0878cec84c811f669aa0")
    }

    @Test func theCertificateHoldsTheCertifiedDataAndTheTime() {
        let certificate = DataCertificate.encode(canister: CanisterID(7), certifiedData: [1, 2, 3], timeNanos: 1_000)
        let tree = HashTree.tree(canister: CanisterID(7), certifiedData: [1, 2, 3], timeNanos: 1_000)
        // Tag 55799, a map of two: "tree" and the tree, "signature" and 48 bytes.
        #expect(Array(certificate.prefix(4)) == [0xD9, 0xD9, 0xF7, 0xA2])
        #expect(Array(certificate[4..<9]) == [0x64] + Array("tree".utf8))
        #expect(Array(certificate[9..<(9 + tree.cbor.count)]) == tree.cbor)
        #expect(Array(certificate.suffix(48 + 2 + 10)) == [0x69] + Array("signature".utf8) + [0x58, 48] + DataCertificate.signature(rootHash: tree.rootHash))
        // /time is 1,000 as LEB128 (0xE8 0x07); the canister's principal labels its subtree.
        #expect(Self.hex(certificate).contains("8203" + "42e807"))
        #expect(Self.hex(certificate).contains(Self.hex(CanisterID(7).principal.bytes)))
        let other = DataCertificate.encode(canister: CanisterID(7), certifiedData: [1, 2, 4], timeNanos: 1_000)
        #expect(other != certificate, "the data changes the tree and the signature")
    }

    static let module: B = {
        var b = B(["data_certificate_present", "data_certificate_size", "data_certificate_copy", "certified_data_set",
                   "msg_reply_data_append", "msg_reply"])
        b.export("canister_query certificate", BuiltCanister.replyWithBlob(b, size: "data_certificate_size", copy: "data_certificate_copy"))
        b.export("canister_query present", BuiltCanister.replyWithI32(b, b.call("data_certificate_present")))
        b.export("canister_update certify", B.i32(0) + B.i32(0) + B.i32Store + B.i32(0) + B.i32(4) + b.call("certified_data_set")
            + b.call("msg_reply"))
        return b
    }()

    @Test func aQueryCallReadsTheCertificateOfTheStateItReads() throws {
        var canister = try BuiltCanister.installed(Self.module)
        let executor = CanisterExecutor()
        _ = executor.update("certify", argument: [], caller: .user(2), timeNanos: 5, on: &canister)
        #expect(canister.certifiedData == [0, 0, 0, 0])
        let result = executor.query("certificate", argument: [], caller: .anonymous, timeNanos: 9, certifiedStateTimeNanos: 5, on: canister)
        #expect(result.outcome == .replied(DataCertificate.encode(canister: CanisterID(7), certifiedData: [0, 0, 0, 0], timeNanos: 5)))
        let present = executor.query("present", argument: [], caller: .anonymous, timeNanos: 9, certifiedStateTimeNanos: 5, on: canister)
        #expect(present.outcome == .replied([1, 0, 0, 0]))
    }

    @Test func withoutACertifiedStateThereIsNoCertificate() throws {
        var canister = try BuiltCanister.installed(Self.module)
        let executor = CanisterExecutor()
        #expect(executor.query("present", argument: [], caller: .anonymous, timeNanos: 9, on: canister).outcome == .replied([0, 0, 0, 0]))
        guard case .rejected(let reject) = executor.query("certificate", argument: [], caller: .anonymous, timeNanos: 9, on: canister).outcome else {
            Issue.record("no trap")
            return
        }
        #expect(reject.message.contains("ic0.data_certificate_size: no data certificate is available"))
        // A query method run as an update (replicated): no certificate, and size/copy trap by context.
        #expect(executor.update("present", argument: [], caller: .user(2), timeNanos: 9, on: &canister).outcome == .replied([0, 0, 0, 0]))
        guard case .rejected(let replicated) = executor.update("certificate", argument: [], caller: .user(2), timeNanos: 9, on: &canister).outcome else {
            Issue.record("no trap")
            return
        }
        #expect(replicated.message.contains("ic0.data_certificate_size cannot be executed in replicated query mode"))
    }
}

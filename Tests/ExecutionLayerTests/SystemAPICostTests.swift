import Testing
import Wasm
@testable import ExecutionLayer

/// The cycle cost calculations (`ic0.cost_*`) against the IC's formulas worked out by hand,
/// for a 13-node and a 34-node subnet and a free one.
@Suite("System API: cost calculation")
struct SystemAPICostTests {
    typealias B = CanisterModuleBuilder

    static let imports = [
        "msg_arg_data_size", "msg_arg_data_copy", "msg_reply_data_append", "msg_reply", "cost_call", "cost_create_canister",
        "cost_http_request", "cost_sign_with_ecdsa", "cost_sign_with_schnorr", "cost_vetkd_derive_key",
    ]

    /// A threshold cost call on the key name given as argument (copied to address 100), with
    /// `curve`, writing at `dst`: replies with the 16 bytes at 0 and the code.
    static func threshold(_ b: B, _ name: String, curve: Int32, dst: Int32 = 0) -> [UInt8] {
        B.i32(100) + B.i32(0) + b.call("msg_arg_data_size") + b.call("msg_arg_data_copy")
            + B.i32(16) + B.i32(100) + b.call("msg_arg_data_size") + B.i32(curve) + B.i32(dst) + b.call(name) + B.i32Store
            + B.i32(0) + B.i32(20) + b.call("msg_reply_data_append") + b.call("msg_reply")
    }

    static let module: B = {
        var b = B(imports)
        b.export("canister_update call", BuiltCanister.replyWith16Bytes(b, after: B.i64(3) + B.i64(5) + B.i32(0) + b.call("cost_call")))
        b.export("canister_update call_huge", BuiltCanister.replyWith16Bytes(b, after: B.i64(-1) + B.i64(-1) + B.i32(0) + b.call("cost_call")))
        b.export("canister_update create", BuiltCanister.replyWith16Bytes(b, after: B.i32(0) + b.call("cost_create_canister")))
        b.export("canister_update http", BuiltCanister.replyWith16Bytes(b, after: B.i64(100) + B.i64(2_000_000) + B.i32(0) + b.call("cost_http_request")))
        for (method, name, curves) in [("ecdsa", "cost_sign_with_ecdsa", 1), ("schnorr", "cost_sign_with_schnorr", 2), ("vetkd", "cost_vetkd_derive_key", 1)] {
            for curve in 0...curves { b.export("canister_update \(method)\(curve)", threshold(b, name, curve: Int32(curve))) }
        }
        b.export("canister_update ecdsa_dst_outside", threshold(b, "cost_sign_with_ecdsa", curve: 9, dst: 65_530))
        return b
    }()

    static func call(_ method: String, _ argument: [UInt8] = [], fees: CyclesFees) throws -> CallOutcome {
        var canister = try BuiltCanister.installed(Self.module)
        return CanisterExecutor(fees: fees).update(method, argument: argument, caller: .user(2), timeNanos: 10, on: &canister).outcome
    }

    static func cycles(_ amount: UInt64) -> CallOutcome { .replied(Cycles(amount).littleEndianBytes) }

    /// The 16 bytes at 0 (zero if untouched) and the return code, as a reply.
    static func threshold(_ amount: UInt64, code: UInt32) -> CallOutcome {
        .replied(Cycles(amount).littleEndianBytes + (0..<4).map { UInt8(truncatingIfNeeded: code >> (8 * UInt32($0))) })
    }

    @Test func aCallCostsItsBytesTheLargestResponseAndTheLargestCallbacksExecution() throws {
        // 260 K + 1 K * (3 + 5 + 2 MiB) + 5 M + 40 B instructions at 1 cycle each.
        #expect(try Self.call("call", fees: CyclesFees()) == Self.cycles(260_000 + 1_000 * (8 + 2_097_152) + 5_000_000 + 40_000_000_000))
        // Scaled by 34 / 13 (rounded down after each product, as ``CyclesFees/scaled``).
        let fees34 = CyclesFees(subnetSize: 34)
        let expected = fees34.scaled(260_000) + fees34.scaled(1_000, times: 8 + 2_097_152) + fees34.scaled(5_000_000) + fees34.scaled(1, times: 40_000_000_000)
        #expect(try Self.call("call", fees: fees34) == .replied(expected.littleEndianBytes))
        #expect(expected > Cycles(42_102_420_000).multiplied(by: 2))
        #expect(try Self.call("call", fees: .free) == Self.cycles(0))
        guard case .replied(let huge) = try Self.call("call_huge", fees: CyclesFees()) else { Issue.record("cost_call trapped on huge sizes"); return }
        #expect(Cycles(littleEndian: huge) > Cycles(UInt64.max), "sizes are added without overflow")
    }

    @Test func creatingACanisterCostsTheCreationFeeScaled() throws {
        #expect(try Self.call("create", fees: CyclesFees()) == Self.cycles(500_000_000_000))
        #expect(try Self.call("create", fees: CyclesFees(subnetSize: 34)) == Self.cycles(500_000_000_000 * 34 / 13))
        #expect(try Self.call("create", fees: .free) == Self.cycles(0))
    }

    @Test func anHTTPOutcallCostsPerNodeTimesTheNodes() throws {
        // (3 M + 60 K * 13 + 400 * 100 + 800 * 2 M) * 13.
        #expect(try Self.call("http", fees: CyclesFees()) == Self.cycles(20_849_660_000))
        #expect(try Self.call("http", fees: CyclesFees(subnetSize: 34)) == Self.cycles((3_000_000 + 60_000 * 34 + 40_000 + 1_600_000_000) * 34))
    }

    @Test func thresholdCostsKnowTheirCurvesAndKeys() throws {
        let key = Array("key_1".utf8)
        #expect(try Self.call("ecdsa0", key, fees: CyclesFees()) == Self.threshold(10_000_000_000, code: 0))
        #expect(try Self.call("ecdsa1", key, fees: CyclesFees()) == Self.threshold(0, code: 1), "secp256k1 is the only curve")
        #expect(try Self.call("ecdsa0", Array("no_such_key".utf8), fees: CyclesFees()) == Self.threshold(0, code: 2))
        #expect(try Self.call("schnorr1", Array("test_key_1".utf8), fees: CyclesFees()) == Self.threshold(10_000_000_000, code: 0), "ed25519")
        #expect(try Self.call("schnorr2", key, fees: CyclesFees()) == Self.threshold(0, code: 1))
        #expect(try Self.call("vetkd0", Array("dfx_test_key".utf8), fees: CyclesFees(subnetSize: 26)) == Self.threshold(20_000_000_000, code: 0))
        #expect(try Self.call("vetkd1", key, fees: CyclesFees()) == Self.threshold(0, code: 1))
    }

    @Test func thresholdCostsTrapWhenTheResultDoesNotFitInMemory() throws {
        guard case .rejected(let reject) = try Self.call("ecdsa_dst_outside", Array("key_1".utf8), fees: CyclesFees()) else {
            Issue.record("no trap")
            return
        }
        #expect(reject.message.contains("ic0.cost_sign_with_ecdsa"), "\(reject.message)")
    }

    @Test func costsCanBeAskedInTheStartFunctionAndEveryContext() throws {
        var start = B(["cost_create_canister"])
        start.export(nil, B.i32(0) + start.call("cost_create_canister"))
        start.startFunction = 0
        #expect(throws: Never.self) { try BuiltCanister.installed(start) }
        for name in ["cost_call", "cost_create_canister", "cost_http_request", "cost_sign_with_ecdsa", "cost_sign_with_schnorr", "cost_vetkd_derive_key"] {
            #expect(SystemAPIContext.allCases.allSatisfy { SystemAPI.allows(name, in: $0) == true }, "\(name): * s")
        }
    }
}

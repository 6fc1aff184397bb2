import Wasm

// The cycle cost calculations (interface spec, "Cycle cost calculation"): what a call, a
// canister creation, an HTTP outcall and a threshold signature or key derivation cost on the
// canister's subnet, from its fees (``CyclesFees``, scaled by the subnet's size as the IC
// does; zero where fees are not charged). Each writes 128 bits at `dst`. Costs: 500
// instructions each (dfinity/ic system_api_complexity.rs, `overhead::COST_*`).

extension SystemAPI {
    static let costFunctions: [Function] = [
        Function("cost_call", [.i64, .i64, .address], [], "* s", cost: 500) { arguments, host, session in
            let (sum, overflow) = arguments[0].u64.addingReportingOverflow(arguments[1].u64)
            let cost = session.fees.call(bytes: Int(clamping: overflow ? UInt64.max : sum))
                + session.fees.executionPrepayment(limit: session.environment.callbackInstructionsMax)
            try host.write(cost.littleEndianBytes, to: arguments[2].address, for: "cost_call")
            return nil
        },
        Function("cost_create_canister", [.address], [], "* s", cost: 500) { arguments, host, session in
            try host.write(session.fees.scaled(session.fees.canisterCreation).littleEndianBytes, to: arguments[0].address,
                           for: "cost_create_canister")
            return nil
        },
        Function("cost_http_request", [.i64, .i64, .address], [], "* s", cost: 500) { arguments, host, session in
            let cost = httpRequestCost(requestBytes: arguments[0].u64, responseBytesMax: arguments[1].u64, session.fees)
            try host.write(cost.littleEndianBytes, to: arguments[2].address, for: "cost_http_request")
            return nil
        },
        Function("cost_sign_with_ecdsa", [.address, .address, .i32, .address], [.i32], "* s", cost: 500) { arguments, host, session in
            .i32(try thresholdCost(arguments, curves: 1, &host, session, "cost_sign_with_ecdsa"))
        },
        Function("cost_sign_with_schnorr", [.address, .address, .i32, .address], [.i32], "* s", cost: 500) { arguments, host, session in
            .i32(try thresholdCost(arguments, curves: 2, &host, session, "cost_sign_with_schnorr"))
        },
        Function("cost_vetkd_derive_key", [.address, .address, .i32, .address], [.i32], "* s", cost: 500) { arguments, host, session in
            .i32(try thresholdCost(arguments, curves: 1, &host, session, "cost_vetkd_derive_key"))
        },
    ]

    /// An HTTP outcall's fee on a subnet of `n` nodes: (3,000,000 + 60,000 n + 400 per request
    /// byte + 800 per response byte) * n (dfinity/ic rs/cycles_account_manager,
    /// `http_request_fee`; rs/config/src/subnet_config.rs for the four constants): the subnet
    /// size enters directly, not as a scaling by n / 13.
    static func httpRequestCost(requestBytes: UInt64, responseBytesMax: UInt64, _ fees: CyclesFees) -> Cycles {
        guard fees.isCharged else { return .zero }
        let nodes = UInt64(max(fees.subnetSize, 0))
        let perNode = Cycles(3_000_000) + Cycles(60_000).multiplied(by: nodes) + Cycles(400).multiplied(by: requestBytes)
            + Cycles(800).multiplied(by: responseBytesMax)
        return perNode.multiplied(by: nodes)
    }

    /// A threshold signature's or a vetKD derivation's fee: 10 B cycles on a 13-node subnet
    /// (dfinity/ic rs/config/src/subnet_config.rs: `ECDSA_SIGNATURE_FEE`,
    /// `SCHNORR_SIGNATURE_FEE`, `VETKD_FEE`), scaled by the subnet's size.
    static let thresholdFee: UInt64 = 10_000_000_000

    /// The key names ICSim knows for every scheme (the IC's mainnet and test keys, and the
    /// local development key): ICSim has no chain-key subnets (Docs/Model.md).
    static let knownKeyNames: Set<[UInt8]> = [Array("key_1".utf8), Array("test_key_1".utf8), Array("dfx_test_key".utf8)]

    /// `cost_sign_with_*` and `cost_vetkd_derive_key`: traps if the key name or the 16 bytes
    /// at `dst` are outside the memory; else 1 for a curve or algorithm beyond the first
    /// `curves`, 2 for an unknown key name, or 0 with the fee written at `dst`.
    static func thresholdCost(_ arguments: SystemAPIArguments, curves: UInt32, _ host: inout HostContext, _ session: CallSession,
                              _ name: String) throws(Trap) -> UInt32 {
        let destination = arguments[3].address
        if let error = outside(destination, 16, host.memory?.byteCount ?? 0) { throw trap(name, "\(error)") }
        let key = try host.read(arguments[0].address, arguments[1].address, for: name)
        guard arguments[2].u32 < curves else { return 1 }
        guard knownKeyNames.contains(key) else { return 2 }
        try host.write(session.fees.scaled(thresholdFee).littleEndianBytes, to: destination, for: name)
        return 0
    }
}

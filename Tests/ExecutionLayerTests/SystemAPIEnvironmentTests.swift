import Testing
import Wasm
@testable import ExecutionLayer

/// Environment variables, the subnet's ID, the root key, the caller's extra information and
/// the liquid balance, through canisters that call the new `ic0` functions.
@Suite("System API: environment and identity")
struct SystemAPIEnvironmentTests {
    typealias B = CanisterModuleBuilder

    static let imports = [
        "msg_arg_data_size", "msg_arg_data_copy", "msg_reply_data_append", "msg_reply", "env_var_count", "env_var_name_size",
        "env_var_name_copy", "env_var_name_exists", "env_var_value_size", "env_var_value_copy", "subnet_self_size",
        "subnet_self_copy", "root_key_size", "root_key_copy", "msg_caller_info_data_size", "msg_caller_info_data_copy",
        "msg_caller_info_signer_size", "msg_caller_info_signer_copy", "canister_liquid_cycle_balance128",
        "canister_cycle_balance128", "cycles_burn128",
    ]

    /// Copies the argument to address 100 (its size is then `msg_arg_data_size()`).
    static func argumentAt100(_ b: B) -> [UInt8] {
        B.i32(100) + B.i32(0) + b.call("msg_arg_data_size") + b.call("msg_arg_data_copy")
    }

    static let module: B = {
        var b = B(imports)
        b.export("canister_update count", BuiltCanister.replyWithI32(b, b.call("env_var_count")))
        // name: the argument is a 4-byte index.
        let index = argumentAt100(b) + B.i32(100) + [0x28, 0x02, 0x00]
        b.export("canister_update name", locals: [.i32, .i32], index + B.set(0) + B.get(0) + b.call("env_var_name_size") + B.set(1)
            + B.get(0) + B.i32(0) + B.i32(0) + B.get(1) + b.call("env_var_name_copy")
            + B.i32(0) + B.get(1) + b.call("msg_reply_data_append") + b.call("msg_reply"))
        // value and exists: the argument is the name.
        let name = B.i32(100) + b.call("msg_arg_data_size")
        b.export("canister_update value", locals: [.i32], argumentAt100(b) + name + b.call("env_var_value_size") + B.set(0)
            + name + B.i32(0) + B.i32(0) + B.get(0) + b.call("env_var_value_copy")
            + B.i32(0) + B.get(0) + b.call("msg_reply_data_append") + b.call("msg_reply"))
        b.export("canister_update exists", argumentAt100(b) + BuiltCanister.replyWithI32(b, name + b.call("env_var_name_exists")))
        b.export("canister_update subnet", BuiltCanister.replyWithBlob(b, size: "subnet_self_size", copy: "subnet_self_copy"))
        b.export("canister_update root_key", BuiltCanister.replyWithBlob(b, size: "root_key_size", copy: "root_key_copy"))
        b.export("canister_query root_key_query", BuiltCanister.replyWithBlob(b, size: "root_key_size", copy: "root_key_copy"))
        b.export("canister_update caller_info", b.call("msg_caller_info_data_size") + b.call("msg_caller_info_signer_size")
            + [0x6A] + B.i32(0) + B.i32(0) + B.i32(0) + b.call("msg_caller_info_data_copy")
            + B.i32(0) + B.i32(0) + B.i32(0) + b.call("msg_caller_info_signer_copy") + BuiltCanister.replyWithI32(b, []))
        b.export("canister_update caller_info_past_end", B.i32(0) + B.i32(0) + B.i32(1) + b.call("msg_caller_info_data_copy")
            + b.call("msg_reply"))
        b.export("canister_update liquid", BuiltCanister.replyWith16Bytes(b, after: B.i32(0) + b.call("canister_liquid_cycle_balance128")))
        b.export("canister_update balance", BuiltCanister.replyWith16Bytes(b, after: B.i32(0) + b.call("canister_cycle_balance128")))
        // burn: tries to burn 2^64 - 1 cycles.
        b.export("canister_update burn", BuiltCanister.replyWith16Bytes(b, after: B.i64(0) + B.i64(-1) + B.i32(0) + b.call("cycles_burn128")))
        return b
    }()

    static func variables() throws -> EnvironmentVariables {
        try EnvironmentVariables([("b", "two"), ("a", "one"), ("c", "three")])
    }

    static func update(_ method: String, _ argument: [UInt8] = [], on canister: inout CanisterState,
                       executor: CanisterExecutor = CanisterExecutor()) -> CallOutcome {
        executor.update(method, argument: argument, caller: .user(2), timeNanos: 10, on: &canister).outcome
    }

    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }

    static func trapMessage(_ outcome: CallOutcome) -> String {
        if case .rejected(let reject) = outcome { return reject.message }
        return "not rejected: \(outcome)"
    }

    // MARK: Environment variables

    @Test func variablesAreEnumeratedInNameOrderAndLookedUpByName() throws {
        var canister = try BuiltCanister.installed(Self.module, environment: try Self.variables())
        #expect(Self.update("count", on: &canister) == .replied(Self.le32(3)))
        #expect(Self.update("name", Self.le32(0), on: &canister) == .replied(Array("a".utf8)))
        #expect(Self.update("name", Self.le32(2), on: &canister) == .replied(Array("c".utf8)))
        #expect(Self.update("value", Array("b".utf8), on: &canister) == .replied(Array("two".utf8)))
        #expect(Self.update("exists", Array("c".utf8), on: &canister) == .replied(Self.le32(1)))
        #expect(Self.update("exists", Array("d".utf8), on: &canister) == .replied(Self.le32(0)))
    }

    @Test func badIndicesNamesAndMissingVariablesTrap() throws {
        var canister = try BuiltCanister.installed(Self.module, environment: try Self.variables())
        #expect(Self.trapMessage(Self.update("name", Self.le32(3), on: &canister)).contains("ic0.env_var_name_size: index 3 is out of bounds"))
        #expect(Self.trapMessage(Self.update("value", Array("d".utf8), on: &canister)).contains("Environment variable \"d\" not found"))
        #expect(Self.trapMessage(Self.update("exists", [0xFF], on: &canister)).contains("Variable name is not a valid UTF-8 string"))
        let long = Array(repeating: UInt8(ascii: "x"), count: 129)
        #expect(Self.trapMessage(Self.update("exists", long, on: &canister)).contains("Variable name is too large: 129 bytes"))
        #expect(Self.update("exists", Array(long.dropLast()), on: &canister) == .replied(Self.le32(0)), "128 bytes is the limit")
    }

    @Test func aCanisterWithoutVariablesHasNone() throws {
        var canister = try BuiltCanister.installed(Self.module)
        #expect(Self.update("count", on: &canister) == .replied(Self.le32(0)))
        #expect(Self.trapMessage(Self.update("name", Self.le32(0), on: &canister)).contains("out of bounds"))
    }

    @Test func variablesAreSortedAndCheckedAgainstTheICsLimits() throws {
        let sorted = try Self.variables().entries.map(\.name)
        #expect(sorted == ["a", "b", "c"])
        #expect(throws: EnvironmentVariablesError.tooMany(count: 21, max: 20)) {
            try EnvironmentVariables((0..<21).map { ("v\($0)", "") })
        }
        #expect(throws: Never.self) { try EnvironmentVariables((0..<20).map { ("v\($0)", "") }) }
        let name128 = String(repeating: "n", count: 128)
        #expect(throws: Never.self) { try EnvironmentVariables([(name128, String(repeating: "v", count: 128))]) }
        #expect(throws: EnvironmentVariablesError.nameTooLong(name: name128 + "n", max: 128)) { try EnvironmentVariables([(name128 + "n", "")]) }
        #expect(throws: EnvironmentVariablesError.valueTooLong(name: "a", max: 128)) {
            try EnvironmentVariables([("a", String(repeating: "v", count: 129))])
        }
        #expect(throws: EnvironmentVariablesError.duplicateName("a")) { try EnvironmentVariables([("a", "1"), ("a", "2")]) }
    }

    @Test func variablesTrapInTheStartFunctionAndWorkInInit() throws {
        var inStart = B(["env_var_count"])
        inStart.export(nil, inStart.call("env_var_count") + B.drop)
        inStart.startFunction = 0
        #expect(throws: Reject.self) { try BuiltCanister.installed(inStart) }
        do { _ = try BuiltCanister.installed(inStart) } catch let reject as Reject {
            #expect(reject.message.contains("ic0.env_var_count cannot be executed in start mode"), "\(reject)")
        }
        var inInit = B(["env_var_count"])
        inInit.export("canister_init", inInit.call("env_var_count") + B.drop)
        #expect(throws: Never.self) { try BuiltCanister.installed(inInit) }
    }

    // MARK: Subnet, root key, caller information

    @Test func theSubnetIDIsTheConfiguredSubnetsPrincipal() throws {
        var canister = try BuiltCanister.installed(Self.module)
        #expect(Self.update("subnet", on: &canister) == .replied(SubnetIdentity.principal(index: 0).bytes))
        var configuration = ExecutionConfiguration()
        configuration.subnet = SubnetIdentity.principal(index: 3)
        let executor = CanisterExecutor(configuration: configuration)
        #expect(Self.update("subnet", on: &canister, executor: executor) == .replied(SubnetIdentity.principal(index: 3).bytes))
        let principals = (0..<8).map { SubnetIdentity.principal(index: $0) }
        #expect(Set(principals).count == 8)
        #expect(principals.allSatisfy { $0.bytes.count == 29 && $0.bytes.last == 0x02 }, "self-authenticating form")
    }

    @Test func theRootKeyIsADERBLSKeyShapedBlobReadableOnlyInReplicatedMode() throws {
        var canister = try BuiltCanister.installed(Self.module)
        #expect(Self.update("root_key", on: &canister) == .replied(SubnetIdentity.rootKey))
        #expect(SubnetIdentity.rootKey.count == 133)
        #expect(Array(SubnetIdentity.rootKey.prefix(2)) == [0x30, 0x81])
        let query = CanisterExecutor().query("root_key_query", argument: [], caller: .anonymous, timeNanos: 5, on: canister)
        #expect(Self.trapMessage(query.outcome).contains("ic0.root_key_size cannot be executed in non-replicated query mode"))
        #expect(Self.update("root_key_query", on: &canister) == .replied(SubnetIdentity.rootKey), "a query run as an update (RQ)")
    }

    @Test func callerInformationIsEmptyForOrdinaryCallers() throws {
        var canister = try BuiltCanister.installed(Self.module)
        #expect(Self.update("caller_info", on: &canister) == .replied(Self.le32(0)))
        #expect(Self.trapMessage(Self.update("caller_info_past_end", on: &canister)).contains("beyond the 0 bytes available"))
        var inInit = B(["msg_caller_info_data_size"])
        inInit.export("canister_init", inInit.call("msg_caller_info_data_size") + B.drop)
        do {
            _ = try BuiltCanister.installed(inInit)
            Issue.record("msg_caller_info_data_size worked in init")
        } catch let reject as Reject {
            #expect(reject.message.contains("cannot be executed in init or post_upgrade mode"), "\(reject)")
        }
    }

    // MARK: Liquid balance

    @Test func theLiquidBalanceIsTheBalanceMinusTheFreezingLimit() throws {
        let fees = CyclesFees()
        let executor = CanisterExecutor(fees: fees)
        var canister = try BuiltCanister.installed(Self.module, cycles: Cycles(10_000_000_000_000))
        canister.freezingThresholdSeconds = 0
        #expect(Self.update("liquid", on: &canister, executor: executor) == Self.update("balance", on: &canister, executor: executor))
        canister.freezingThresholdSeconds = 30 * 86_400
        let probe = canister
        let withheld = fees.idle(bytes: UInt64(probe.chunksInUse * LinearMemory.chunkBytes), computeAllocationPercent: 0,
                                 seconds: 30 * 86_400)
        #expect(withheld > .zero)
        let expected = Cycles(10_000_000_000_000) - withheld
        #expect(Self.update("liquid", on: &canister, executor: executor) == .replied(expected.littleEndianBytes))
        #expect(Self.update("burn", on: &canister, executor: executor) == .replied(expected.littleEndianBytes), "burns the liquid part only")
        #expect(canister.cycles == withheld)
        #expect(Self.update("liquid", on: &canister, executor: executor) == .replied(Cycles.zero.littleEndianBytes))
    }
}

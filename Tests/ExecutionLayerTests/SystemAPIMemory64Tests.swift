import Testing
import Wasm
@testable import ExecutionLayer

/// The System API's i64 forms (the spec's `I = i64`, for modules with a 64-bit memory), at
/// the linking level: this branch's decoder does not read 64-bit memories yet, so the module
/// here has a 32-bit memory and imports the 64-bit forms, linked with
/// `SystemAPI.imports(forMemory64: true)`. An end-to-end wasm64 canister waits for the
/// memory64 decoder.
@Suite("System API: 64-bit forms")
struct SystemAPIMemory64Tests {
    typealias B = CanisterModuleBuilder

    @Test func addressesAndSizesBecomeI64AndOnlyThey() throws {
        func type(_ name: String) -> FunctionType? { SystemAPI.importType(of: name, memory64: true) }
        #expect(type("msg_arg_data_copy") == FunctionType(parameters: [.i64, .i64, .i64], results: []))
        #expect(type("msg_arg_data_size") == FunctionType(parameters: [], results: [.i64]))
        #expect(type("call_new") == FunctionType(parameters: Array(repeating: .i64, count: 8), results: []))
        #expect(type("msg_reject_code") == FunctionType(parameters: [], results: [.i32]))
        #expect(type("call_perform") == FunctionType(parameters: [], results: [.i32]))
        #expect(type("performance_counter") == FunctionType(parameters: [.i32], results: [.i64]))
        #expect(type("cost_sign_with_ecdsa") == FunctionType(parameters: [.i64, .i64, .i32, .i64], results: [.i32]))
        #expect(type("env_var_name_exists") == FunctionType(parameters: [.i64, .i64], results: [.i32]))
        #expect(type("msg_cycles_accept128") == FunctionType(parameters: [.i64, .i64, .i64], results: []))
        for name in ["msg_cycles_available", "msg_cycles_refunded", "msg_cycles_accept", "canister_cycle_balance", "call_cycles_add",
                     "stable_size", "stable_grow", "stable_write", "stable_read"] {
            #expect(type(name) == nil, "\(name) is only available with I = i32")
            #expect(SystemAPI.importType(of: name, memory64: false) != nil)
        }
        // With I = i32 every address is i32 again.
        #expect(SystemAPI.importType(of: "msg_arg_data_copy", memory64: false) == FunctionType(parameters: [.i32, .i32, .i32], results: []))
    }

    /// A module importing the 64-bit forms (over a 32-bit memory): `echo` copies its argument
    /// and replies with it; `self_size` replies with the i64 size of its principal.
    static let module: B = {
        var b = B(["msg_arg_data_size", "msg_arg_data_copy", "msg_reply_data_append", "msg_reply", "canister_self_size"])
        for name in b.importNames { b.importTypes[name] = SystemAPI.importType(of: name, memory64: true) }
        b.export("echo", B.i64(0) + B.i64(0) + b.call("msg_arg_data_size") + b.call("msg_arg_data_copy")
            + B.i64(0) + b.call("msg_arg_data_size") + b.call("msg_reply_data_append") + b.call("msg_reply"))
        b.export("self_size", B.i32(0) + b.call("canister_self_size") + [0x37, 0x03, 0x00]
            + B.i64(0) + B.i64(8) + b.call("msg_reply_data_append") + b.call("msg_reply"))
        return b
    }()

    static func run(_ export: String, argument: [UInt8]) throws -> CallSession {
        let compiled = try CompiledModule.load(Self.module.bytes)
        var instance = try WasmInstance(compiled, imports: SystemAPI.imports(forMemory64: true))
        let session = CallSession(context: .update, canister: CanisterID(7), caller: .user(2), argument: argument, timeNanos: 1,
                                  balance: .zero, stableMemory: LinearMemory(minimumPages: 0, maximumPages: 16))
        instance.hostState = session
        let index = try #require(Self.module.functions.firstIndex { $0.export == export })
        var execution = try Execution(&instance, function: UInt32(Self.module.importNames.count + index), arguments: [])
        if case .trapped(let trap) = execution.run(&instance, instructionLimit: 1_000_000, suspendsAtLimit: false) {
            Issue.record("trapped: \(trap)")
        }
        return session
    }

    @Test func theI64FormsLinkAndWork() throws {
        #expect(try Self.run("echo", argument: [1, 2, 3]).response == .reply([1, 2, 3]))
        let principalSize = UInt8(CanisterID(7).principal.bytes.count)
        #expect(try Self.run("self_size", argument: []).response == .reply([principalSize, 0, 0, 0, 0, 0, 0, 0]))
    }

    @Test func theI64FormsDoNotLinkAsI32() throws {
        let compiled = try CompiledModule.load(Self.module.bytes)
        #expect(throws: InstantiationError.self) { try WasmInstance(compiled, imports: SystemAPI.imports(forMemory64: false)) }
        #expect(throws: Never.self) { try WasmInstance(compiled, imports: SystemAPI.imports(forMemory64: true)) }
    }

    @Test func aModuleDeclaresMemory64OnlyWithA64BitMemory() throws {
        #expect(try CompiledModule.load(Self.module.bytes).module.declaresMemory64 == false)
        var none = B(["msg_reply"])
        none.memoryPages = nil
        #expect(try CompiledModule.load(none.bytes).module.declaresMemory64 == false, "no memory: I = i32")
    }
}

import Testing
import Wasm
@testable import ExecutionLayer

/// `ic0.msg_reject_code` in a cleanup callback: the code of the reject whose callback trapped
/// (interface spec, "Method arguments").
@Suite("System API: reject code in cleanup")
struct CleanupRejectCodeTests {
    typealias B = CanisterModuleBuilder

    /// `go` calls the missing method `nope` on the canister itself with a reject callback
    /// (table 0) that traps and a cleanup (table 1) that stores `msg_reject_code` at address
    /// 0; `read` replies with those 4 bytes.
    static let module: B = {
        var b = B(["canister_self_size", "canister_self_copy", "call_new", "call_on_cleanup", "call_perform", "msg_reject_code",
                   "msg_reply_data_append", "msg_reply"])
        b.export(nil, parameters: [.i32], [0x00])  // unreachable
        b.export(nil, parameters: [.i32], B.i32(0) + b.call("msg_reject_code") + B.i32Store)
        b.table = [0, 1]
        b.export("canister_update go", B.i32(300) + B.i32(0x6570_6F6E) + B.i32Store  // "nope"
            + B.i32(200) + B.i32(0) + b.call("canister_self_size") + b.call("canister_self_copy")
            + B.i32(200) + b.call("canister_self_size") + B.i32(300) + B.i32(4) + B.i32(0) + B.i32(0) + B.i32(0) + B.i32(0)
            + b.call("call_new") + B.i32(1) + B.i32(0) + b.call("call_on_cleanup") + b.call("call_perform") + B.drop)
        b.export("canister_update read", B.i32(0) + B.i32(4) + b.call("msg_reply_data_append") + b.call("msg_reply"))
        return b
    }()

    @Test func theCleanupOfARejectCallbackReadsItsCode() throws {
        var state = ReplicatedState()
        state.add(try BuiltCanister.installed(Self.module))
        var configuration = RoundConfiguration()
        configuration.fees = .free
        let executor = RoundExecutor(configuration: configuration)
        let go = IngressMessage(id: 1, sender: .user(1), receiver: CanisterID(7), method: "go", argument: [])
        _ = executor.executeRound(ingress: [go], timeNanos: 1_000, on: &state)
        let read = IngressMessage(id: 2, sender: .user(1), receiver: CanisterID(7), method: "read", argument: [])
        _ = executor.executeRound(ingress: [read], timeNanos: 2_000, on: &state)
        // The method is missing: CANISTER_ERROR (5), as the reject of IC0536.
        #expect(state.ingressHistory[2] == .replied([5, 0, 0, 0]), "\(String(describing: state.ingressHistory[2]))")
        #expect(RejectCode.canisterError.rawValue == 5)
    }
}

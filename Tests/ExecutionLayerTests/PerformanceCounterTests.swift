import Testing
import Wasm
@testable import ExecutionLayer

/// `ic0.performance_counter`: type 0 counts the current execution, type 1 the whole call
/// context (the method and the callbacks before), any other type traps.
@Suite("System API: performance counters")
struct PerformanceCounterTests {
    typealias B = CanisterModuleBuilder

    /// `go` calls `leaf` on the canister itself; the reply callback (table entry 0) replies
    /// with counter 1 then counter 0, 8 bytes each; `counter` replies with counter `argument`.
    static let module: B = {
        var b = B(["canister_self_size", "canister_self_copy", "call_new", "call_perform", "performance_counter",
                   "msg_reply_data_append", "msg_reply", "msg_arg_data_copy"])
        let i64Store: [UInt8] = [0x37, 0x03, 0x00]
        b.export(nil, parameters: [.i32], B.i32(0) + B.i32(1) + b.call("performance_counter") + i64Store
            + B.i32(8) + B.i32(0) + b.call("performance_counter") + i64Store
            + B.i32(0) + B.i32(16) + b.call("msg_reply_data_append") + b.call("msg_reply"))
        b.table = [0]
        // "leaf" at 300 (little-endian i32), the canister's principal at 200.
        b.export("canister_update go", B.i32(300) + B.i32(0x6661_656C) + B.i32Store
            + B.i32(200) + B.i32(0) + b.call("canister_self_size") + b.call("canister_self_copy")
            + B.i32(200) + b.call("canister_self_size") + B.i32(300) + B.i32(4) + B.i32(0) + B.i32(0) + B.i32(0) + B.i32(0)
            + b.call("call_new") + b.call("call_perform") + B.drop)
        b.export("canister_update leaf", b.call("msg_reply"))
        b.export("canister_update counter", B.i32(0) + B.i32(0) + B.i32(4) + b.call("msg_arg_data_copy")
            + BuiltCanister.replyWithI64(b, B.i32(0) + [0x28, 0x02, 0x00] + b.call("performance_counter")))
        return b
    }()

    static func le64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    @Test func counterOneCountsTheCallContextAcrossItsExecutions() throws {
        var state = ReplicatedState()
        state.add(try BuiltCanister.installed(Self.module))
        var configuration = RoundConfiguration()
        configuration.fees = .free
        let message = IngressMessage(id: 1, sender: .user(1), receiver: CanisterID(7), method: "go", argument: [])
        _ = RoundExecutor(configuration: configuration).executeRound(ingress: [message], timeNanos: 1_000, on: &state)
        guard case .replied(let bytes) = state.ingressHistory[1], bytes.count == 16 else {
            Issue.record("no reply: \(String(describing: state.ingressHistory[1]))")
            return
        }
        let (callContext, execution) = (Self.le64(bytes[0..<8]), Self.le64(bytes[8..<16]))
        // The method `go` ran before in the same call context: at least its call_new (1,500)
        // and call_perform (5,000) overheads.
        #expect(callContext > execution + 6_500, "call context \(callContext), execution \(execution)")
        #expect(callContext < execution + 100_000)
    }

    @Test func counterZeroIsTheExecutionsAndOtherTypesTrap() throws {
        var canister = try BuiltCanister.installed(Self.module)
        let executor = CanisterExecutor()
        var input = MessageInput(.update("counter"), caller: .user(2), argument: [1, 0, 0, 0], timeNanos: 5)
        input.callContextInstructions = 1_000_000
        guard case .replied(let one) = executor.run(input, on: &canister).outcome else { Issue.record("no reply"); return }
        input.argument = [0, 0, 0, 0]
        guard case .replied(let zero) = executor.run(input, on: &canister).outcome else { Issue.record("no reply"); return }
        #expect(Self.le64(one[...]) == 1_000_000 + Self.le64(zero[...]), "the same work, plus the context's earlier executions")
        #expect(Self.le64(zero[...]) > 500 && Self.le64(zero[...]) < 5_000)
        input.argument = [2, 0, 0, 0]
        guard case .rejected(let reject) = executor.run(input, on: &canister).outcome else { Issue.record("no trap"); return }
        #expect(reject.message.contains("Error getting performance counter type 2"))
    }
}

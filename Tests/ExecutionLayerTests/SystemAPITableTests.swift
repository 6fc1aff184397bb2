import Testing
@testable import ExecutionLayer

/// The System API's functions and their contexts against the interface spec 0.66.0's table
/// ("Overview of imports"), copied here: `TQ` (HTTP outcall transforms) is not modelled and
/// left out. `call_with_best_effort_response` and `msg_deadline` belong to the bounded-wait
/// calls and are checked by their tests.
@Suite("System API: the spec's table")
struct SystemAPITableTests {
    static let all = "I G U RQ NRQ CQ Ry Rt CRy CRt C CC F T"
    static let spec: [String: String] = [
        "msg_arg_data_size": "I U RQ NRQ CQ Ry CRy F", "msg_arg_data_copy": "I U RQ NRQ CQ Ry CRy F",
        "msg_caller_size": all, "msg_caller_copy": all,
        "msg_caller_info_data_size": "U RQ NRQ CQ Ry Rt CRy CRt C CC F", "msg_caller_info_data_copy": "U RQ NRQ CQ Ry Rt CRy CRt C CC F",
        "msg_caller_info_signer_size": "U RQ NRQ CQ Ry Rt CRy CRt C CC F", "msg_caller_info_signer_copy": "U RQ NRQ CQ Ry Rt CRy CRt C CC F",
        "msg_reject_code": "Ry Rt CRy CRt C", "msg_reject_msg_size": "Rt CRt", "msg_reject_msg_copy": "Rt CRt",
        "msg_reply_data_append": "U RQ NRQ CQ Ry Rt CRy CRt", "msg_reply": "U RQ NRQ CQ Ry Rt CRy CRt", "msg_reject": "U RQ NRQ CQ Ry Rt CRy CRt",
        "msg_cycles_available128": "U RQ Rt Ry", "msg_cycles_refunded128": "Rt Ry", "msg_cycles_accept128": "U RQ Rt Ry",
        "cycles_burn128": "I G U RQ Ry Rt C T",
        "canister_self_size": all, "canister_self_copy": all, "canister_cycle_balance128": all, "canister_liquid_cycle_balance128": all,
        "canister_status": all, "canister_version": all, "subnet_self_size": all, "subnet_self_copy": all,
        "msg_method_name_size": "F", "msg_method_name_copy": "F", "accept_message": "F",
        "call_new": "U CQ Ry Rt CRy CRt T", "call_on_cleanup": "U CQ Ry Rt CRy CRt T", "call_data_append": "U CQ Ry Rt CRy CRt T",
        "call_cycles_add128": "U Ry Rt T", "call_perform": "U CQ Ry Rt CRy CRt T",
        "stable64_size": all + " s", "stable64_grow": all + " s", "stable64_write": all + " s", "stable64_read": all + " s",
        "root_key_size": "I G U RQ Ry Rt C T", "root_key_copy": "I G U RQ Ry Rt C T", "certified_data_set": "I G U Ry Rt T",
        "data_certificate_present": all, "data_certificate_size": "NRQ CQ", "data_certificate_copy": "NRQ CQ",
        "time": all, "global_timer_set": "I G U Ry Rt C T", "performance_counter": all + " s", "is_controller": all + " s",
        "in_replicated_execution": all + " s",
        "cost_call": all + " s", "cost_create_canister": all + " s", "cost_http_request": all + " s", "cost_sign_with_ecdsa": all + " s",
        "cost_sign_with_schnorr": all + " s", "cost_vetkd_derive_key": all + " s",
        "env_var_count": all, "env_var_name_size": all, "env_var_name_copy": all, "env_var_name_exists": all,
        "env_var_value_size": all, "env_var_value_copy": all,
        "debug_print": all + " s", "trap": all + " s",
        // Only with I = i32.
        "msg_cycles_available": "U RQ Rt Ry", "msg_cycles_refunded": "Rt Ry", "msg_cycles_accept": "U RQ Rt Ry",
        "canister_cycle_balance": all, "call_cycles_add": "U Ry Rt T",
        "stable_size": all + " s", "stable_grow": all + " s", "stable_write": all + " s", "stable_read": all + " s",
    ]
    static let boundedWait: Set<String> = ["call_with_best_effort_response", "msg_deadline"]

    @Test func everyFunctionOfTheSpecAndNoOther() {
        #expect(Set(SystemAPI.functionNames).subtracting(Self.boundedWait) == Set(Self.spec.keys))
        #expect(SystemAPI.functionNames.count == Set(SystemAPI.functionNames).count, "each once")
    }

    @Test(arguments: spec.keys.sorted()) func contextsAreTheSpecs(name: String) {
        let allowed = SystemAPIContexts(Self.spec[name] ?? "")
        for context in SystemAPIContext.allCases {
            #expect(SystemAPI.allows(name, in: context) == allowed.contains(context), "\(name) in \(context.rawValue)")
        }
    }
}

@Suite struct SystemAPIPlumbingTests {
    /// Each context's bit is its own: a position that two contexts shared (or that left
    /// `allCases`' order) would let a function run where the spec forbids it.
    @Test func eachContextHasItsOwnBit() {
        for (index, context) in SystemAPIContext.allCases.enumerated() {
            #expect(context.position == index, "\(context.rawValue)")
            #expect(SystemAPIContexts.bit(context) == 1 << UInt32(index))
        }
    }

    /// Arguments are read from raw slots: an i32 or a 32-bit address keeps the low 32 bits
    /// only, a 64-bit address and an i64 the whole slot.
    @Test func argumentsReadTheirTypesBits() {
        let slot: UInt64 = 0xFFFF_FFFF_0000_0005
        #expect(SystemAPIArgument(slot: slot, memory64: false).address == 5)
        #expect(SystemAPIArgument(slot: slot, memory64: false).u32 == 5)
        #expect(SystemAPIArgument(slot: slot, memory64: true).address == slot)
        #expect(SystemAPIArgument(slot: slot, memory64: false).u64 == slot)
    }
}

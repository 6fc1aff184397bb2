// The IC System API (interface spec, "Overview of imports") as C declarations, for canisters
// built with clang --target=wasm32 or --target=wasm64. Only what the fixtures use is declared.
#pragma once
#include <stdint.h>

// `I` of the spec: the width of addresses and sizes, i32 for a 32-bit memory and i64 for a
// 64-bit one (clang --target=wasm64), as the System API's 64-bit forms take them.
typedef uintptr_t ic0_i;

#define IC0(name) __attribute__((import_module("ic0"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(name)))

IC0(msg_arg_data_size) ic0_i ic0_msg_arg_data_size(void);
IC0(msg_arg_data_copy) void ic0_msg_arg_data_copy(void *dst, ic0_i offset, ic0_i size);
IC0(msg_caller_size) ic0_i ic0_msg_caller_size(void);
IC0(msg_caller_copy) void ic0_msg_caller_copy(void *dst, ic0_i offset, ic0_i size);
IC0(msg_reply_data_append) void ic0_msg_reply_data_append(const void *src, ic0_i size);
IC0(msg_reply) void ic0_msg_reply(void);
IC0(msg_reject) void ic0_msg_reject(const void *src, ic0_i size);
IC0(msg_method_name_size) ic0_i ic0_msg_method_name_size(void);
IC0(msg_method_name_copy) void ic0_msg_method_name_copy(void *dst, ic0_i offset, ic0_i size);
IC0(accept_message) void ic0_accept_message(void);
IC0(canister_self_size) ic0_i ic0_canister_self_size(void);
IC0(canister_self_copy) void ic0_canister_self_copy(void *dst, ic0_i offset, ic0_i size);
IC0(canister_cycle_balance128) void ic0_canister_cycle_balance128(void *dst);
IC0(msg_cycles_available128) void ic0_msg_cycles_available128(void *dst);
IC0(msg_cycles_accept128) void ic0_msg_cycles_accept128(uint64_t high, uint64_t low, void *dst);
IC0(canister_version) uint64_t ic0_canister_version(void);
IC0(time) uint64_t ic0_time(void);
IC0(performance_counter) uint64_t ic0_performance_counter(uint32_t type);
IC0(debug_print) void ic0_debug_print(const void *src, ic0_i size);
IC0(trap) void ic0_trap(const void *src, ic0_i size);
IC0(certified_data_set) void ic0_certified_data_set(const void *src, ic0_i size);
IC0(global_timer_set) uint64_t ic0_global_timer_set(uint64_t timestamp);
IC0(msg_reject_code) uint32_t ic0_msg_reject_code(void);
IC0(msg_reject_msg_size) ic0_i ic0_msg_reject_msg_size(void);
IC0(msg_reject_msg_copy) void ic0_msg_reject_msg_copy(void *dst, ic0_i offset, ic0_i size);
IC0(msg_cycles_refunded128) void ic0_msg_cycles_refunded128(void *dst);
IC0(call_new) void ic0_call_new(const void *callee, ic0_i callee_size, const void *name, ic0_i name_size,
                                ic0_i reply_fun, ic0_i reply_env, ic0_i reject_fun, ic0_i reject_env);
IC0(call_on_cleanup) void ic0_call_on_cleanup(ic0_i fun, ic0_i env);
IC0(call_data_append) void ic0_call_data_append(const void *src, ic0_i size);
IC0(call_cycles_add128) void ic0_call_cycles_add128(uint64_t high, uint64_t low);
IC0(call_perform) uint32_t ic0_call_perform(void);
IC0(stable64_size) uint64_t ic0_stable64_size(void);
IC0(stable64_grow) uint64_t ic0_stable64_grow(uint64_t pages);
IC0(stable64_read) void ic0_stable64_read(uint64_t dst, uint64_t offset, uint64_t size);
IC0(stable64_write) void ic0_stable64_write(uint64_t offset, uint64_t src, uint64_t size);

// Helpers: reply with bytes; trap with a C string.
static inline void reply_bytes(const void *data, ic0_i size) {
    ic0_msg_reply_data_append(data, size);
    ic0_msg_reply();
}

static inline uint32_t c_length(const char *text) {
    uint32_t length = 0;
    while (text[length]) length++;
    return length;
}

static inline void trap_with(const char *message) { ic0_trap(message, c_length(message)); }
IC0(subnet_self_size) ic0_i ic0_subnet_self_size(void);
IC0(subnet_self_copy) void ic0_subnet_self_copy(void *dst, ic0_i offset, ic0_i size);
IC0(data_certificate_present) uint32_t ic0_data_certificate_present(void);
IC0(data_certificate_size) ic0_i ic0_data_certificate_size(void);
IC0(data_certificate_copy) void ic0_data_certificate_copy(void *dst, ic0_i offset, ic0_i size);

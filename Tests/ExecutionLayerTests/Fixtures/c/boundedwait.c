// Bounded-wait calls and the low-Wasm-memory hook. Calling methods take
//   [timeout seconds: 4 bytes][callee principal length: 1 byte][callee principal][method name]
// (the callee gets an empty argument) and reply "reply:" + the callee's reply, or
// "reject:" + the reject code (1 byte) + the reject message.
//   update call_bounded        : a bounded-wait call (ic0.call_with_best_effort_response)
//   update call_guaranteed     : the same call without a timeout (the timeout is ignored)
//   update timeout_twice       : sets a timeout twice on one call (traps)
//   update timeout_without_call: sets a timeout with no call assembled (traps)
//   query timeout_in_query     : sets a timeout in a query (traps: not allowed there)
//   update deadline            : counts the call; replies with ic0.msg_deadline (8 bytes)
//   query deadline_in_query    : replies with ic0.msg_deadline (8 bytes)
//   update busy                : counts the call, loops 2 million times (over ten million
//                                instructions), replies with ic0.msg_deadline
//   query hits                 : how many times deadline and busy ran (8 bytes)
//   update grow(pages: 4 bytes): memory.grow; replies with its result (4 bytes, -1 if refused)
//   canister_init([pages: 4 bytes]): grows the heap by that many pages, if given
//   canister_on_low_wasm_memory: counts its runs
//   query hook_runs            : [runs: 8 bytes][heap pages: 4 bytes]
#include "ic0.h"

IC0(call_with_best_effort_response) void ic0_call_with_best_effort_response(uint32_t timeout_seconds);
IC0(msg_deadline) uint64_t ic0_msg_deadline(void);

static uint8_t buffer[4096];
static uint64_t hits;
static uint64_t hook_runs;
static volatile uint64_t sink;

static void on_reply(uint32_t env) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size > sizeof buffer) trap_with("reply too large");
    ic0_msg_reply_data_append("reply:", 6);
    ic0_msg_arg_data_copy(buffer, 0, size);
    reply_bytes(buffer, size);
}

static void on_reject(uint32_t env) {
    uint8_t code = (uint8_t)ic0_msg_reject_code();
    uint32_t size = ic0_msg_reject_msg_size();
    if (size > sizeof buffer) size = sizeof buffer;
    ic0_msg_reject_msg_copy(buffer, 0, size);
    ic0_msg_reply_data_append("reject:", 7);
    ic0_msg_reply_data_append(&code, 1);
    reply_bytes(buffer, size);
}

// Assembles the call the argument describes; returns its timeout.
static uint32_t new_call(void) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size < 5 || size > sizeof buffer) trap_with("bad argument");
    ic0_msg_arg_data_copy(buffer, 0, size);
    uint32_t timeout = (uint32_t)buffer[0] | (uint32_t)buffer[1] << 8 | (uint32_t)buffer[2] << 16 | (uint32_t)buffer[3] << 24;
    uint32_t callee_size = buffer[4];
    if (5 + callee_size > size) trap_with("bad argument");
    ic0_call_new(buffer + 5, callee_size, buffer + 5 + callee_size, size - 5 - callee_size,
                 (uint32_t)(uintptr_t)on_reply, 0, (uint32_t)(uintptr_t)on_reject, 0);
    return timeout;
}

EXPORT("canister_update call_bounded") void call_bounded(void) {
    ic0_call_with_best_effort_response(new_call());
    ic0_call_perform();
}

EXPORT("canister_update call_guaranteed") void call_guaranteed(void) {
    new_call();
    ic0_call_perform();
}

EXPORT("canister_update timeout_twice") void timeout_twice(void) {
    uint32_t timeout = new_call();
    ic0_call_with_best_effort_response(timeout);
    ic0_call_with_best_effort_response(timeout);
    ic0_call_perform();
}

EXPORT("canister_update timeout_without_call") void timeout_without_call(void) {
    ic0_call_with_best_effort_response(10);
    reply_bytes("unreachable", 11);
}

EXPORT("canister_query timeout_in_query") void timeout_in_query(void) {
    ic0_call_with_best_effort_response(10);
    reply_bytes("unreachable", 11);
}

EXPORT("canister_update deadline") void deadline(void) {
    hits += 1;
    uint64_t value = ic0_msg_deadline();
    reply_bytes(&value, 8);
}

EXPORT("canister_query deadline_in_query") void deadline_in_query(void) {
    uint64_t value = ic0_msg_deadline();
    reply_bytes(&value, 8);
}

EXPORT("canister_update busy") void busy(void) {
    hits += 1;
    for (uint64_t i = 0; i < 2000000; i++) sink += i;
    uint64_t value = ic0_msg_deadline();
    reply_bytes(&value, 8);
}

EXPORT("canister_query hits") void hits_query(void) { reply_bytes(&hits, 8); }

EXPORT("canister_init") void init(void) {
    uint32_t pages = 0;
    if (ic0_msg_arg_data_size() != 4) return;
    ic0_msg_arg_data_copy(&pages, 0, 4);
    if ((int32_t)__builtin_wasm_memory_grow(0, pages) < 0) trap_with("grow refused");
}

EXPORT("canister_update grow") void grow(void) {
    uint32_t pages = 0;
    if (ic0_msg_arg_data_size() != 4) trap_with("grow takes a 4-byte argument");
    ic0_msg_arg_data_copy(&pages, 0, 4);
    int32_t result = (int32_t)__builtin_wasm_memory_grow(0, pages);
    reply_bytes(&result, 4);
}

EXPORT("canister_on_low_wasm_memory") void on_low_wasm_memory(void) { hook_runs += 1; }

EXPORT("canister_query hook_runs") void hook_runs_query(void) {
    uint8_t reply[12];
    uint32_t pages = (uint32_t)__builtin_wasm_memory_size(0);
    for (int i = 0; i < 8; i++) reply[i] = (uint8_t)(hook_runs >> (8 * i));
    for (int i = 0; i < 4; i++) reply[8 + i] = (uint8_t)(pages >> (8 * i));
    reply_bytes(reply, 12);
}

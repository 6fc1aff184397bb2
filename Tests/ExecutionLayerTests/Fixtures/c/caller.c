// Calls other canisters. The argument of each calling method is
//   [callee principal length: 1 byte][callee principal][method name]
// and the callee gets an empty argument unless said otherwise. Callbacks are function table
// indices (the address of a C function is its table index in wasm32).
//   update call            : replies with "reply:" + the callee's reply, or
//                            "reject:" + the reject code (1 byte) + the reject message
//   update call_reply_now  : calls, then replies "early" at once; the callback counts
//   update call_then_trap_in_callback : the reply callback traps; the cleanup counts
//   update call_with_cycles: sends 1000 cycles with the argument 300 (8 bytes); replies with the
//                            refund (16 bytes) in the callback
//   update call_twice      : calls the callee twice; replies after both answered with the two
//                            replies concatenated
//   query counters         : replies with [late callbacks, cleanups] as two 8-byte numbers
#include "ic0.h"

static uint8_t buffer[4096];
static uint64_t late_callbacks;
static uint64_t cleanups;
static uint8_t first_reply[256];
static uint32_t first_reply_size;
static uint32_t answers;

static uint32_t start_call(void (*reply)(uint32_t), void (*reject)(uint32_t)) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size < 1 || size > sizeof buffer) trap_with("bad argument");
    ic0_msg_arg_data_copy(buffer, 0, size);
    uint32_t callee_size = buffer[0];
    if (1 + callee_size > size) trap_with("bad argument");
    ic0_call_new(buffer + 1, callee_size, buffer + 1 + callee_size, size - 1 - callee_size,
                 (uint32_t)(uintptr_t)reply, 0, (uint32_t)(uintptr_t)reject, 0);
    return size;
}

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

EXPORT("canister_update call") void call(void) {
    start_call(on_reply, on_reject);
    ic0_call_perform();
}

static void count_late(uint32_t env) { late_callbacks += 1; }

EXPORT("canister_update call_reply_now") void call_reply_now(void) {
    start_call(count_late, count_late);
    ic0_call_perform();
    reply_bytes("early", 5);
}

static void trap_in_callback(uint32_t env) { trap_with("callback gives up"); }
static void cleanup(uint32_t env) { cleanups += 1; }

EXPORT("canister_update call_then_trap_in_callback") void call_then_trap_in_callback(void) {
    start_call(trap_in_callback, trap_in_callback);
    ic0_call_on_cleanup((uint32_t)(uintptr_t)cleanup, 0);
    ic0_call_perform();
}

static void refund_reply(uint32_t env) {
    uint8_t refunded[16];
    ic0_msg_cycles_refunded128(refunded);
    reply_bytes(refunded, 16);
}

EXPORT("canister_update call_with_cycles") void call_with_cycles(void) {
    start_call(refund_reply, on_reject);
    uint64_t accept = 300;
    ic0_call_data_append(&accept, 8);
    ic0_call_cycles_add128(0, 1000);
    ic0_call_perform();
}

static void collect(uint32_t env) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size > sizeof first_reply) trap_with("reply too large");
    answers += 1;
    if (answers == 1) {
        ic0_msg_arg_data_copy(first_reply, 0, size);
        first_reply_size = size;
        return;
    }
    ic0_msg_arg_data_copy(buffer, 0, size);
    ic0_msg_reply_data_append(first_reply, first_reply_size);
    reply_bytes(buffer, size);
}

EXPORT("canister_update call_twice") void call_twice(void) {
    answers = 0;
    start_call(collect, on_reject);
    ic0_call_perform();
    start_call(collect, on_reject);
    ic0_call_perform();
}

EXPORT("canister_query counters") void counters(void) {
    uint64_t values[2] = {late_callbacks, cleanups};
    reply_bytes(values, 16);
}

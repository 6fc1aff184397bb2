// A counter canister. Encodings: numbers are 8 bytes little-endian.
//   canister_init(arg)         : the counter starts at arg (8 bytes) or 0 (empty arg)
//   update inc                 : adds 1, replies with the new value
//   query get                  : replies with the value
//   update inc_then_trap       : adds 1, writes a page of heap, then traps (all rolled back)
//   query inc_in_query         : adds 1 and replies with it (a query: the change vanishes)
//   update echo(arg)           : replies with the argument
//   update whoami              : replies with the caller's principal
//   update self                : replies with the canister's own principal
//   update time                : replies with ic0.time
//   update print(arg)          : prints the argument with ic0.debug_print, replies empty
//   update reject              : rejects with "no thanks"
//   update silent              : returns without replying
//   update reply_twice         : replies, then tries again (traps)
//   update method_name         : calls ic0.msg_method_name_size, allowed only in inspect (traps)
//   update spin                : loops forever (hits the instruction limit)
//   update accept(arg)         : accepts up to arg cycles (8 bytes), replies with the balance (16 bytes)
//   update certify(arg)        : sets certified data to the argument, replies empty
//   update set_timer(arg)      : sets the global timer to arg, replies with the previous value
//   update counter_perf        : replies with performance_counter(0) after some work
#include "ic0.h"

static uint64_t counter;
static uint8_t scratch[65536];

EXPORT("canister_init") void init(void) {
    if (ic0_msg_arg_data_size() == 8) ic0_msg_arg_data_copy(&counter, 0, 8);
}

EXPORT("canister_update inc") void inc(void) {
    counter += 1;
    reply_bytes(&counter, 8);
}

EXPORT("canister_query get") void get(void) { reply_bytes(&counter, 8); }

EXPORT("canister_update inc_then_trap") void inc_then_trap(void) {
    counter += 1;
    for (uint32_t i = 0; i < sizeof scratch; i++) scratch[i] = (uint8_t)i;
    trap_with("changed my mind");
}

EXPORT("canister_query inc_in_query") void inc_in_query(void) {
    counter += 1;
    reply_bytes(&counter, 8);
}

EXPORT("canister_update echo") void echo(void) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size > sizeof scratch) trap_with("argument too large");
    ic0_msg_arg_data_copy(scratch, 0, size);
    reply_bytes(scratch, size);
}

EXPORT("canister_update whoami") void whoami(void) {
    uint32_t size = ic0_msg_caller_size();
    ic0_msg_caller_copy(scratch, 0, size);
    reply_bytes(scratch, size);
}

EXPORT("canister_update self") void self(void) {
    uint32_t size = ic0_canister_self_size();
    ic0_canister_self_copy(scratch, 0, size);
    reply_bytes(scratch, size);
}

EXPORT("canister_update time") void time(void) {
    uint64_t now = ic0_time();
    reply_bytes(&now, 8);
}

EXPORT("canister_update print") void print(void) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size > sizeof scratch) trap_with("argument too large");
    ic0_msg_arg_data_copy(scratch, 0, size);
    ic0_debug_print(scratch, size);
    ic0_msg_reply();
}

EXPORT("canister_update reject") void reject(void) { ic0_msg_reject("no thanks", 9); }

EXPORT("canister_update silent") void silent(void) {}

EXPORT("canister_update reply_twice") void reply_twice(void) {
    ic0_msg_reply();
    ic0_msg_reply();
}

EXPORT("canister_update method_name") void method_name(void) {
    uint32_t size = ic0_msg_method_name_size();
    reply_bytes(&size, 4);
}

EXPORT("canister_update spin") void spin(void) {
    volatile uint64_t i = 0;
    for (;;) i++;
}

EXPORT("canister_update accept") void accept(void) {
    uint64_t maximum = 0;
    if (ic0_msg_arg_data_size() == 8) ic0_msg_arg_data_copy(&maximum, 0, 8);
    uint8_t accepted[16];
    ic0_msg_cycles_accept128(0, maximum, accepted);
    uint8_t balance[16];
    ic0_canister_cycle_balance128(balance);
    reply_bytes(balance, 16);
}

EXPORT("canister_update certify") void certify(void) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size > 64) trap_with("argument too large");
    ic0_msg_arg_data_copy(scratch, 0, size);
    ic0_certified_data_set(scratch, size);
    ic0_msg_reply();
}

EXPORT("canister_update set_timer") void set_timer(void) {
    uint64_t when = 0;
    if (ic0_msg_arg_data_size() == 8) ic0_msg_arg_data_copy(&when, 0, 8);
    uint64_t previous = ic0_global_timer_set(when);
    reply_bytes(&previous, 8);
}

EXPORT("canister_update counter_perf") void counter_perf(void) {
    volatile uint64_t sum = 0;
    for (uint64_t i = 0; i < 1000; i++) sum += i;
    uint64_t used = ic0_performance_counter(0);
    reply_bytes(&used, 8);
}

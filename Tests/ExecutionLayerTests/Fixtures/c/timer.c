// A canister with a heartbeat, a global timer and an inspect-message filter.
//   canister_init(arg)       : arms the global timer arg nanoseconds (8 bytes) after now
//   canister_global_timer    : counts, and re-arms the timer the same interval later
//   canister_heartbeat       : counts
//   canister_inspect_message : accepts every method but "forbidden"
//   update forbidden         : replies "ran" (only reachable if inspection lets it through)
//   update ping              : replies "pong"
//   query counts             : replies with [timer firings, heartbeats] as two 8-byte numbers
#include "ic0.h"

static uint64_t interval;
static uint64_t timer_firings;
static uint64_t heartbeats;

EXPORT("canister_init") void init(void) {
    if (ic0_msg_arg_data_size() == 8) ic0_msg_arg_data_copy(&interval, 0, 8);
    if (interval > 0) ic0_global_timer_set(ic0_time() + interval);
}

EXPORT("canister_global_timer") void global_timer(void) {
    timer_firings += 1;
    ic0_global_timer_set(ic0_time() + interval);
}

EXPORT("canister_heartbeat") void heartbeat(void) { heartbeats += 1; }

EXPORT("canister_inspect_message") void inspect(void) {
    char name[32];
    uint32_t size = ic0_msg_method_name_size();
    if (size > sizeof name) size = sizeof name;
    ic0_msg_method_name_copy(name, 0, size);
    const char *forbidden = "forbidden";
    uint32_t matches = size == 9;
    for (uint32_t i = 0; matches && i < 9; i++) matches = name[i] == forbidden[i];
    if (!matches) ic0_accept_message();
}

EXPORT("canister_update forbidden") void forbidden_method(void) { reply_bytes("ran", 3); }

EXPORT("canister_update ping") void ping(void) { reply_bytes("pong", 4); }

EXPORT("canister_query counts") void counts(void) {
    uint64_t values[2] = {timer_firings, heartbeats};
    reply_bytes(values, 16);
}

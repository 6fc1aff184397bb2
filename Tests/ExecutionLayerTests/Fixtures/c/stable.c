// Keeps a counter in the heap and saves it to stable memory across upgrades.
//   update inc                 : adds 1, replies with the new value (8 bytes little-endian)
//   query get                  : replies with the value
//   query stable_pages         : replies with ic0.stable64_size (8 bytes)
//   canister_pre_upgrade       : writes the counter at stable offset 0 (growing one page)
//   canister_post_upgrade      : reads it back
#include "ic0.h"

static uint64_t counter;

EXPORT("canister_update inc") void inc(void) {
    counter += 1;
    reply_bytes(&counter, 8);
}

EXPORT("canister_query get") void get(void) { reply_bytes(&counter, 8); }

EXPORT("canister_query stable_pages") void stable_pages(void) {
    uint64_t pages = ic0_stable64_size();
    reply_bytes(&pages, 8);
}

EXPORT("canister_pre_upgrade") void pre_upgrade(void) {
    if (ic0_stable64_size() == 0 && ic0_stable64_grow(1) == (uint64_t)-1) trap_with("cannot grow stable memory");
    ic0_stable64_write(0, (uint64_t)(uintptr_t)&counter, 8);
}

EXPORT("canister_post_upgrade") void post_upgrade(void) {
    if (ic0_stable64_size() > 0) ic0_stable64_read((uint64_t)(uintptr_t)&counter, 0, 8);
}

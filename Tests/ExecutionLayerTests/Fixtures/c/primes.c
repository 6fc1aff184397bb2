// The CPU benchmark of the IC paper: counts the primes below N by trial division.
//   update primes(N: 8 bytes)  : replies with the count (8 bytes); remembers the last answer
//   query last                 : replies with the last answer (8 bytes)
#include "ic0.h"

static uint64_t last;

static uint64_t count_primes(uint64_t below) {
    uint64_t count = 0;
    for (uint64_t candidate = 2; candidate < below; candidate++) {
        uint64_t divisor = 2;
        while (divisor * divisor <= candidate && candidate % divisor != 0) divisor++;
        if (divisor * divisor > candidate) count++;
    }
    return count;
}

EXPORT("canister_update primes") void primes(void) {
    uint64_t below = 0;
    if (ic0_msg_arg_data_size() != 8) trap_with("primes takes an 8-byte argument");
    ic0_msg_arg_data_copy(&below, 0, 8);
    last = count_primes(below);
    reply_bytes(&last, 8);
}

EXPORT("canister_query last") void last_answer(void) { reply_bytes(&last, 8); }

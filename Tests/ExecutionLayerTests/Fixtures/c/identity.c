// What a canister can learn about where it runs. Encodings:
//   query subnet           : replies with the subnet's principal (ic0.subnet_self_copy)
//   query certificate      : replies with the data certificate, or "none" without one
//   update certify(arg)    : sets certified data to the argument (at most 32 bytes), replies empty
#include "ic0.h"

static uint8_t scratch[4096];

EXPORT("canister_query subnet") void subnet(void) {
    uint32_t size = ic0_subnet_self_size();
    ic0_subnet_self_copy(scratch, 0, size);
    ic0_msg_reply_data_append(scratch, size);
    ic0_msg_reply();
}

EXPORT("canister_query certificate") void certificate(void) {
    if (!ic0_data_certificate_present()) {
        ic0_msg_reply_data_append("none", 4);
        ic0_msg_reply();
        return;
    }
    uint32_t size = ic0_data_certificate_size();
    if (size > sizeof scratch) ic0_trap("certificate too large", 21);
    ic0_data_certificate_copy(scratch, 0, size);
    ic0_msg_reply_data_append(scratch, size);
    ic0_msg_reply();
}

EXPORT("canister_update certify") void certify(void) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size > 32) size = 32;
    ic0_msg_arg_data_copy(scratch, 0, size);
    ic0_certified_data_set(scratch, size);
    ic0_msg_reply();
}

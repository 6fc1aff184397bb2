// A canister with a 64-bit memory (clang --target=wasm64): every address and size it passes
// the System API is an i64 (the spec's I), as today's Motoko compiler emits. Encodings:
// numbers are 8 bytes little-endian.
//   update echo(arg)        : replies with the argument (msg_arg_data_size/copy)
//   update whoami           : replies with the caller's principal
//   update self             : replies with the canister's own principal
//   update balance          : replies with the cycle balance (16 bytes)
//   update stable(arg)      : grows stable memory by a page, writes the argument at offset
//                             70000, reads it back and replies with it
//   update high(arg)        : writes the argument at an address above 4 MiB of the heap
//                             (grown to reach it) and replies with what it reads back
//   update call_self(arg)   : calls its own echo with the argument; the reply callback (its
//                             table index and environment both i64) replies with the answer
//   update trap             : traps with "wasm64 trap"
#include "ic0.h"

static uint8_t buffer[1 << 16];

static ic0_i read_argument(void) {
    ic0_i size = ic0_msg_arg_data_size();
    if (size > sizeof buffer) trap_with("argument too large");
    ic0_msg_arg_data_copy(buffer, 0, size);
    return size;
}

EXPORT("canister_update echo") void echo(void) {
    ic0_i size = read_argument();
    reply_bytes(buffer, size);
}

EXPORT("canister_update whoami") void whoami(void) {
    ic0_i size = ic0_msg_caller_size();
    ic0_msg_caller_copy(buffer, 0, size);
    reply_bytes(buffer, size);
}

EXPORT("canister_update self") void self(void) {
    ic0_i size = ic0_canister_self_size();
    ic0_canister_self_copy(buffer, 0, size);
    reply_bytes(buffer, size);
}

EXPORT("canister_update balance") void balance(void) {
    ic0_canister_cycle_balance128(buffer);
    reply_bytes(buffer, 16);
}

EXPORT("canister_update stable") void stable(void) {
    ic0_i size = read_argument();
    if (ic0_stable64_size() < 2) ic0_stable64_grow(2);
    ic0_stable64_write(70000, (uint64_t)(uintptr_t)buffer, size);
    for (ic0_i index = 0; index < size; index++) buffer[index] = 0;
    ic0_stable64_read((uint64_t)(uintptr_t)buffer, 70000, size);
    reply_bytes(buffer, size);
}

EXPORT("canister_update high") void high(void) {
    ic0_i size = read_argument();
    const uintptr_t address = 5u << 20;
    uintptr_t pages = __builtin_wasm_memory_size(0);
    if (pages * 65536 < address + size) {
        if (__builtin_wasm_memory_grow(0, (address + size) / 65536 + 1 - pages) == (uintptr_t)-1) trap_with("grow failed");
    }
    uint8_t *far = (uint8_t *)address;
    for (ic0_i index = 0; index < size; index++) far[index] = buffer[index];
    reply_bytes(far, size);
}

static void on_reply(ic0_i environment) {
    if (environment != 0x123456789ull) trap_with("wrong environment");
    ic0_i size = read_argument();
    reply_bytes(buffer, size);
}

static void on_reject(ic0_i environment) {
    (void)environment;
    trap_with("the call to self was rejected");
}

EXPORT("canister_update call_self") void call_self(void) {
    ic0_i size = read_argument();
    uint8_t me[32];
    ic0_i me_size = ic0_canister_self_size();
    ic0_canister_self_copy(me, 0, me_size);
    ic0_call_new(me, me_size, "echo", 4, (ic0_i)(uintptr_t)on_reply, 0x123456789ull, (ic0_i)(uintptr_t)on_reject, 0);
    ic0_call_data_append(buffer, size);
    if (ic0_call_perform() != 0) trap_with("call_perform failed");
}

EXPORT("canister_update trap") void trap(void) { trap_with("wasm64 trap"); }

// A key-value store (the Motoko example of the ATC'23 slides, in C): an open-addressing hash
// table of 1,024 slots of 4 KiB in the heap, so each new key writes about one 4 KiB page.
//   update put(arg)  : arg = [key length: 1 byte, 1-32][key][value: at most 4,056 bytes];
//                      stores the value (replacing the old one), replies with the number of
//                      keys (8 bytes little-endian); traps when the table is full
//   query get(arg)   : arg = the key; replies with its value, or rejects "no such key"
//   query size       : replies with the number of keys (8 bytes)
#include "ic0.h"

#define SLOTS 1024
#define KEY_MAX 32
#define VALUE_MAX 4056

struct slot {
    uint32_t key_size;      // 0: empty
    uint32_t value_size;
    uint8_t key[KEY_MAX];
    uint8_t value[VALUE_MAX];
};

static struct slot table[SLOTS];
static uint64_t keys;
static uint8_t buffer[1 + KEY_MAX + VALUE_MAX];

static uint32_t fnv1a(const uint8_t *bytes, uint32_t size) {
    uint32_t hash = 2166136261u;
    for (uint32_t i = 0; i < size; i++) hash = (hash ^ bytes[i]) * 16777619u;
    return hash;
}

static int same_key(const struct slot *slot, const uint8_t *key, uint32_t size) {
    if (slot->key_size != size) return 0;
    for (uint32_t i = 0; i < size; i++) if (slot->key[i] != key[i]) return 0;
    return 1;
}

// The slot holding `key`, or the empty slot where it would go; 0 when the table is full.
static struct slot *find(const uint8_t *key, uint32_t size) {
    uint32_t index = fnv1a(key, size) % SLOTS;
    for (uint32_t probe = 0; probe < SLOTS; probe++) {
        struct slot *slot = &table[(index + probe) % SLOTS];
        if (slot->key_size == 0 || same_key(slot, key, size)) return slot;
    }
    return 0;
}

EXPORT("canister_update put") void put(void) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size < 2 || size > sizeof buffer) trap_with("bad argument");
    ic0_msg_arg_data_copy(buffer, 0, size);
    uint32_t key_size = buffer[0];
    if (key_size < 1 || key_size > KEY_MAX || 1 + key_size > size) trap_with("bad key");
    uint32_t value_size = size - 1 - key_size;
    struct slot *slot = find(buffer + 1, key_size);
    if (!slot) trap_with("the table is full");
    if (slot->key_size == 0) {
        keys += 1;
        slot->key_size = key_size;
        for (uint32_t i = 0; i < key_size; i++) slot->key[i] = buffer[1 + i];
    }
    slot->value_size = value_size;
    for (uint32_t i = 0; i < value_size; i++) slot->value[i] = buffer[1 + key_size + i];
    reply_bytes(&keys, 8);
}

EXPORT("canister_query get") void get(void) {
    uint32_t size = ic0_msg_arg_data_size();
    if (size < 1 || size > KEY_MAX) trap_with("bad key");
    ic0_msg_arg_data_copy(buffer, 0, size);
    struct slot *slot = find(buffer, size);
    if (!slot || slot->key_size == 0) {
        ic0_msg_reject("no such key", 11);
        return;
    }
    reply_bytes(slot->value, slot->value_size);
}

EXPORT("canister_query size") void size(void) { reply_bytes(&keys, 8); }

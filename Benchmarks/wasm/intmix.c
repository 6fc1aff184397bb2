// An integer mix in the spirit of CoreMark: linked-list walks, a small matrix multiply, a
// state machine over a byte string, and a CRC-16. run(iterations) returns a checksum.
typedef unsigned int u32;
typedef unsigned short u16;

static struct node { int value; int next; } list[256];
static int matrix_a[16][16], matrix_b[16][16], matrix_c[16][16];
static unsigned char text[512];

static u16 crc16(u16 crc, unsigned char byte) {
    crc ^= byte;
    for (int bit = 0; bit < 8; bit++) crc = (crc & 1) ? (crc >> 1) ^ 0xA001 : crc >> 1;
    return crc;
}

static int walk_list(int seed) {
    for (int i = 0; i < 256; i++) { list[i].value = (i * 7 + seed) & 255; list[i].next = (i * 13 + 5) & 255; }
    int sum = 0, at = 0;
    for (int step = 0; step < 512; step++) { sum += list[at].value; at = list[at].next; }
    return sum;
}

static int multiply(int seed) {
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) { matrix_a[i][j] = i + j + seed; matrix_b[i][j] = i - j; }
    int trace = 0;
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) {
            int sum = 0;
            for (int k = 0; k < 16; k++) sum += matrix_a[i][k] * matrix_b[k][j];
            matrix_c[i][j] = sum;
        }
    for (int i = 0; i < 16; i++) trace += matrix_c[i][i];
    return trace;
}

static int state_machine(int seed) {
    for (int i = 0; i < 512; i++) text[i] = "0123456789+-.eE, "[(i * 31 + seed) % 17];
    int state = 0, transitions = 0;
    for (int i = 0; i < 512; i++) {
        unsigned char c = text[i];
        int next = (c >= '0' && c <= '9') ? (state == 2 ? 3 : 1) : (c == '.') ? 2 : (c == 'e' || c == 'E') ? 4 : 0;
        transitions += next != state;
        state = next;
    }
    return transitions;
}

u32 run(int iterations) {
    u16 crc = 0;
    for (int i = 0; i < iterations; i++) {
        int value = walk_list(i) + multiply(i) + state_machine(i);
        crc = crc16(crc, (unsigned char)value);
        crc = crc16(crc, (unsigned char)(value >> 8));
    }
    return crc;
}

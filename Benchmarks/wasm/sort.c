// A memory-heavy kernel: fill an array of n pseudo-random integers (n <= 1,000,000), heapsort
// it, and return a checksum of the sorted order.
static unsigned int data[1000000];

static void sift(unsigned int *a, int start, int end) {
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1, swap = root;
        if (a[swap] < a[child]) swap = child;
        if (child + 1 <= end && a[swap] < a[child + 1]) swap = child + 1;
        if (swap == root) return;
        unsigned int t = a[root]; a[root] = a[swap]; a[swap] = t;
        root = swap;
    }
}

unsigned int sort(int n) {
    if (n > 1000000) n = 1000000;
    unsigned int state = 12345;
    for (int i = 0; i < n; i++) { state = state * 1103515245u + 12345u; data[i] = state >> 8; }
    for (int start = (n - 2) / 2; start >= 0; start--) sift(data, start, n - 1);
    for (int end = n - 1; end > 0; end--) {
        unsigned int t = data[end]; data[end] = data[0]; data[0] = t;
        sift(data, 0, end - 1);
    }
    unsigned int checksum = 0;
    for (int i = 0; i < n; i++) checksum = checksum * 31 + data[i];
    return checksum;
}

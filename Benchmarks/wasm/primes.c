// Trial-division prime counting (the CPU benchmark of the IC paper's evaluation).
// count_primes(n): the number of primes below n.
int count_primes(int n) {
    int count = 0;
    for (int candidate = 2; candidate < n; candidate++) {
        int prime = 1;
        for (int divisor = 2; divisor * divisor <= candidate; divisor++) {
            if (candidate % divisor == 0) {
                prime = 0;
                break;
            }
        }
        count += prime;
    }
    return count;
}

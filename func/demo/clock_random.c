/* demo/clock_random: a plain-libc WASI command that reads the WASI clocks and
 * random source, to show (and test) that both come from the call, not the host.
 * Prints one line to stdout (the output):
 *   seconds=<time(NULL)> realtime_ns=<clock_gettime(CLOCK_REALTIME)>
 *   monotonic_ns=<clock_gettime(CLOCK_MONOTONIC)> resolution_ns=<clock_getres(CLOCK_MONOTONIC)>
 *   random=<16 bytes of getentropy, hex>
 * (space separated, in this order). The same call (clock start, seed) prints
 * the same line on every run. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long nanos(struct timespec t) {
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
    time_t seconds = time(NULL);
    struct timespec realtime, monotonic, resolution;
    if (clock_gettime(CLOCK_REALTIME, &realtime) != 0 || clock_gettime(CLOCK_MONOTONIC, &monotonic) != 0 ||
        clock_getres(CLOCK_MONOTONIC, &resolution) != 0) {
        perror("clock");
        return 1;
    }
    unsigned char random[16];
    if (getentropy(random, sizeof(random)) != 0) {
        perror("getentropy");
        return 1;
    }
    printf("seconds=%lld realtime_ns=%lld monotonic_ns=%lld resolution_ns=%lld random=", (long long) seconds,
           nanos(realtime), nanos(monotonic), nanos(resolution));
    for (size_t i = 0; i < sizeof(random); i++) {
        printf("%02x", random[i]);
    }
    printf("\n");
    return 0;
}

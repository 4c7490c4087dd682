/* bench/fib: input n (decimal text, default 30, clamped to [0, 92]); computes
 * fib(n) by naive recursion (fib(0) = 0, fib(1) = 1) and outputs it in decimal:
 * "832040" for 30. Also a native program, see bench_io.h. */
#include <stdint.h>
#include <stdlib.h>

__attribute__((noinline)) static uint64_t fib(uint32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

#include "bench_io.h"

static size_t bench_run(const char *in, size_t inLen, char *out) {
    long n = inLen > 0 ? strtol(in, NULL, 10) : 30;
    if (n < 0) {
        n = 0;
    }
    if (n > 92) {
        n = 92;
    }
    uint64_t r = fib((uint32_t) n);

    /* decimal, without printf (keeps the module small) */
    char digits[24];
    size_t len = 0;
    do {
        digits[len++] = (char) ('0' + r % 10);
        r /= 10;
    } while (r != 0);
    for (size_t i = 0; i < len; i++) {
        out[i] = digits[len - 1 - i];
    }
    return len;
}

/* demo/chain_await: input N (decimal, default 3, at most 64). Chains N calls
 * to "echo" (same user: demo/echo) with the inputs "[0]", "[1]", ...,
 * "[N-1]", all dispatched before the first await, then awaits them in order
 * and outputs the concatenation of their outputs: "[0][1][2]" for N = 3.
 * Fails (return 1) if a chained call fails. */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CALLS 64

static long readDecimal(long dflt) {
    char buf[32];
    long n = faasmGetInput(buf, (long) sizeof(buf) - 1);
    if (n <= 0) {
        return dflt;
    }
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

int main(void) {
    long n = readDecimal(3);
    if (n < 0 || n > MAX_CALLS) {
        fprintf(stderr, "chain_await: N must be in [0, %d]\n", MAX_CALLS);
        return 1;
    }

    unsigned int ids[MAX_CALLS];
    for (long i = 0; i < n; i++) {
        char in[32];
        int len = snprintf(in, sizeof(in), "[%ld]", i);
        ids[i] = faasmChainNamed("echo", in, len);
    }

    char *result = malloc((size_t) n * 32 + 1);
    size_t used = 0;
    for (long i = 0; i < n; i++) {
        char *out = NULL;
        int outLen = 0;
        int rc = faasmAwaitCallOutput(ids[i], &out, &outLen);
        if (rc != 0) {
            fprintf(stderr, "chain_await: call %ld failed with %d\n", i, rc);
            return 1;
        }
        if (outLen > 32) {
            outLen = 32;
        }
        memcpy(result + used, out, (size_t) outLen);
        used += (size_t) outLen;
        free(out);
    }

    faasmSetOutput(result, (long) used);
    free(result);
    return 0;
}

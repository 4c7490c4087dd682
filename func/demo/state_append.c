/* demo/state_append: input N (default 8): clears the elements appended to key
 * "appended", chains N calls of this module's appender (each appends its index
 * as a 4-byte integer), awaits them, reads the N elements back and outputs
 * "n=<elements read> sum=<their sum> distinct=<how many different>". */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int appender(void) {
    int index = 0;
    faasmGetInput(&index, sizeof(index));
    faasmAppendState("appended", (unsigned char *) &index, sizeof(index));
    return 0;
}

int main(void) {
    char in[32] = {0};
    faasmGetInput(in, sizeof(in) - 1);
    int n = atoi(in);
    if (n <= 0) {
        n = 8;
    }
    faasmClearAppendedState("appended");
    unsigned int *ids = malloc(sizeof(unsigned int) * (size_t) n);
    for (int i = 0; i < n; i++) {
        ids[i] = faasmChain(appender, (unsigned char *) &i, sizeof(i));
    }
    for (int i = 0; i < n; i++) {
        if (faasmAwaitCall(ids[i]) != 0) {
            return 1;
        }
    }
    int *values = calloc((size_t) n, sizeof(int));
    faasmReadAppendedState("appended", (unsigned char *) values, (long) sizeof(int) * n, n);
    char *seen = calloc((size_t) n, 1);
    long sum = 0;
    int distinct = 0;
    for (int i = 0; i < n; i++) {
        sum += values[i];
        if (values[i] >= 0 && values[i] < n && !seen[values[i]]) {
            seen[values[i]] = 1;
            distinct++;
        }
    }
    char out[96];
    int outLen = snprintf(out, sizeof(out), "n=%d sum=%ld distinct=%d", n, sum, distinct);
    faasmSetOutput(out, outLen);
    free(ids);
    free(values);
    free(seen);
    return 0;
}

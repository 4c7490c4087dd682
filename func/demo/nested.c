/* demo/nested: input = depth d (decimal, default 0). d = 0 outputs "0";
 * d > 0 chains itself ("nested", same user) with d - 1, awaits its output and
 * outputs it followed by the digit d % 10. So depth 8 outputs "012345678"
 * (and depth d outputs d + 1 characters). */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char buf[32];
    long n = faasmGetInput(buf, (long) sizeof(buf) - 1);
    long d = 0;
    if (n > 0) {
        buf[n] = '\0';
        d = strtol(buf, NULL, 10);
    }
    if (d < 0) {
        return 1;
    }
    if (d == 0) {
        faasmSetOutput("0", 1);
        return 0;
    }

    char in[32];
    int inLen = snprintf(in, sizeof(in), "%ld", d - 1);
    unsigned int id = faasmChainNamed("nested", in, inLen);

    char *out = NULL;
    int outLen = 0;
    int rc = faasmAwaitCallOutput(id, &out, &outLen);
    if (rc != 0) {
        fprintf(stderr, "nested: depth %ld failed with %d\n", d - 1, rc);
        return 1;
    }

    char *result = malloc((size_t) outLen + 1);
    memcpy(result, out, (size_t) outLen);
    result[outLen] = (char) ('0' + d % 10);
    faasmSetOutput(result, outLen + 1);
    return 0;
}

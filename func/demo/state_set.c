/* demo/state_set: input "<key> <value>": sets the key's local copy to the
 * value's bytes and pushes it (the value may be anything after the first
 * space, any length up to the platform's limits). Outputs the value's size. */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    long n = faasmGetInputSize();
    char *in = malloc((size_t) n + 1);
    faasmGetInput(in, n);
    in[n] = '\0';
    char *space = memchr(in, ' ', (size_t) n);
    if (space == NULL || space == in) {
        printf("usage: <key> <value>\n");
        return 2;
    }
    *space = '\0';
    long len = n - (space + 1 - in);
    faasmWriteState(in, (unsigned char *) space + 1, len);
    faasmPushState(in);
    char out[32];
    int outLen = snprintf(out, sizeof(out), "%ld", len);
    faasmSetOutput(out, outLen);
    free(in);
    return 0;
}

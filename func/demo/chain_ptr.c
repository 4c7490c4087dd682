/* demo/chain_ptr: chains reverse() of this same module by function pointer
 * with its input (default "faasm"), awaits it and outputs "ptr:" followed by
 * the chained call's output, i.e. the input reversed: "ptr:msaaf". */
#include "faasm.h"

#include <stdlib.h>
#include <string.h>

/* Runs as its own call: reads that call's input, outputs it reversed. */
static int reverse(void) {
    long n = faasmGetInputSize();
    unsigned char *buf = malloc((size_t) n + 1);
    faasmGetInput(buf, n);
    for (long i = 0, j = n - 1; i < j; i++, j--) {
        unsigned char t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
    }
    faasmSetOutput(buf, n);
    free(buf);
    return 0;
}

int main(void) {
    static const char dflt[] = "faasm";
    long n = faasmGetInputSize();
    unsigned char *in = malloc(n > 0 ? (size_t) n : sizeof(dflt));
    if (n > 0) {
        faasmGetInput(in, n);
    } else {
        memcpy(in, dflt, sizeof(dflt) - 1);
        n = (long) sizeof(dflt) - 1;
    }

    unsigned int id = faasmChain(reverse, in, n);
    free(in);
    char *out = NULL;
    int outLen = 0;
    int rc = faasmAwaitCallOutput(id, &out, &outLen);
    if (rc != 0) {
        return 1;
    }

    char *result = malloc((size_t) outLen + 4);
    memcpy(result, "ptr:", 4);
    memcpy(result + 4, out, (size_t) outLen);
    faasmSetOutput(result, outLen + 4);
    free(out);
    free(result);
    return 0;
}

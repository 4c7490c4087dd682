/* demo/state_writer: a writer, then readers in chained calls. Writes its
 * input (default "hello state") to key "greeting", pushes it, then chains
 * demo/state_reader three times and outputs their outputs joined by '|':
 * "hello state|hello state|hello state". */
#include "faasm.h"

#include <stdlib.h>
#include <string.h>

#define READERS 3

int main(void) {
    static const char dflt[] = "hello state";
    long n = faasmGetInputSize();
    unsigned char *value = malloc(n > 0 ? (size_t) n : sizeof(dflt));
    if (n > 0) {
        faasmGetInput(value, n);
    } else {
        memcpy(value, dflt, sizeof(dflt) - 1);
        n = (long) sizeof(dflt) - 1;
    }
    faasmWriteState("greeting", value, n);
    faasmPushState("greeting");

    unsigned int ids[READERS];
    for (int i = 0; i < READERS; i++) {
        ids[i] = faasmChainNamed("state_reader", "greeting", 8);
    }
    char *result = malloc((size_t) READERS * ((size_t) n + 1));
    long at = 0;
    for (int i = 0; i < READERS; i++) {
        char *out = NULL;
        int outLen = 0;
        if (faasmAwaitCallOutput(ids[i], &out, &outLen) != 0) {
            return 1;
        }
        if (i > 0) {
            result[at++] = '|';
        }
        if (at + outLen > READERS * (n + 1)) {
            return 3;
        }
        memcpy(result + at, out, (size_t) outLen);
        at += outLen;
        free(out);
    }
    faasmSetOutput(result, at);
    free(result);
    free(value);
    return 0;
}

/* demo/state_reader: input a key (default "greeting"): outputs its value as
 * this call's first read sees it (its size from faasmReadStateSize, then
 * faasmReadState into a buffer of that size); an empty output if it has none. */
#include "faasm.h"

#include <stdlib.h>
#include <string.h>

int main(void) {
    long n = faasmGetInputSize();
    char *key = malloc((size_t) n + 9);
    if (n > 0) {
        faasmGetInput(key, n);
        key[n] = '\0';
    } else {
        memcpy(key, "greeting", 9);
    }
    long size = faasmReadStateSize(key);
    if (size == 0) {
        faasmSetOutput("", 0);
        return 0;
    }
    unsigned char *value = malloc((size_t) size);
    faasmReadState(key, value, size);
    faasmSetOutput(value, size);
    free(value);
    free(key);
    return 0;
}

/* demo/state_file: input "<key> <path> [<value>]": with a value, writes it to
 * the file at <path> first (e.g. under /tmp); then sets the key's global value
 * to the file's bytes with __faasm_write_state_from_file and outputs the size
 * it returned. A file that cannot be read fails the call, naming the path. */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    long n = faasmGetInputSize();
    char *in = malloc((size_t) n + 1);
    faasmGetInput(in, n);
    in[n] = '\0';
    char *path = strchr(in, ' ');
    if (path == NULL || path == in) {
        printf("usage: <key> <path> [<value>]\n");
        return 2;
    }
    *path++ = '\0';
    char *value = strchr(path, ' ');
    if (value != NULL) {
        *value++ = '\0';
        FILE *f = fopen(path, "w");
        if (f == NULL) {
            perror(path);
            return 1;
        }
        fwrite(value, 1, strlen(value), f);
        fclose(f);
    }
    unsigned long size = faasmWriteStateFromFile(in, path);
    char out[32];
    int outLen = snprintf(out, sizeof(out), "%lu", size);
    faasmSetOutput(out, outLen);
    free(in);
    return 0;
}

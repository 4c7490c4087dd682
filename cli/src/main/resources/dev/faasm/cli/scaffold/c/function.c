/*
 * @USER@/@FUNCTION@: answers "Hello, <input>!" (or "Hello, world!" without input).
 * Faasm's host interface: input from faasmGetInput(), output through faasmSetOutput(),
 * stdout and stderr are the call's logs, a non-zero return fails the call.
 * Build with ./build.sh; see README.md.
 */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    long n = faasmGetInputSize();
    char *name = malloc(n + 1);
    if (name == NULL) {
        fprintf(stderr, "@FUNCTION@: no memory for %ld input bytes\n", n);
        return 1;
    }
    faasmGetInput(name, n);
    name[n] = '\0';
    printf("@FUNCTION@: %ld bytes of input\n", n);

    const char *who = n > 0 ? name : "world";
    size_t len = strlen("Hello, !") + strlen(who);
    char *out = malloc(len + 1);
    if (out == NULL) {
        fprintf(stderr, "@FUNCTION@: no memory for the output\n");
        return 1;
    }
    snprintf(out, len + 1, "Hello, %s!", who);
    faasmSetOutput(out, (long) len);
    free(out);
    free(name);
    return 0;
}

/* demo/print_host: a host-interface module that prints to stdout. As in
 * Faasm, its output is only what it passes to faasmSetOutput; its stdout
 * goes to the call's logs. Prints "printed: <input>" to stdout, then sets
 * the output to "set: <input>", unless the input is "none": then it sets
 * no output at all, and the output is empty (not its stdout). */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char in[256];
    long n = faasmGetInput(in, (long) sizeof(in) - 1);
    in[n < 0 ? 0 : n] = '\0';
    printf("printed: %s\n", in);
    fflush(stdout);
    if (strcmp(in, "none") != 0) {
        char out[300];
        int len = snprintf(out, sizeof(out), "set: %s", in);
        faasmSetOutput(out, len);
    }
    return 0;
}

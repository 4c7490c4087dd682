/* demo/zygote: a Proto-Faaslet. _faasm_zygote runs once per module version
 * and builds a 1 MiB table (8 mixing rounds) and a malloc'ed greeting; every
 * call then starts from a snapshot of the memory it left. Outputs
 * "<greeting> calls=<n> value=<table[i]>" for the decimal input i (default
 * 0): calls is 1 in every call, as each starts from the snapshot. */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_WORDS (256 * 1024)

static unsigned int table[TABLE_WORDS];
static char *greeting;
static int calls;

__attribute__((export_name("_faasm_zygote"))) int faasm_zygote(void) {
    unsigned int x = 0x9E3779B9u;
    for (int round = 0; round < 8; round++) {
        for (int i = 0; i < TABLE_WORDS; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            table[i] = table[i] * 31u + x;
        }
    }
    greeting = malloc(32);
    if (greeting == NULL) {
        return 1;
    }
    strcpy(greeting, "zygote ready");
    return 0;
}

int main(void) {
    if (greeting == NULL) {
        faasmSetOutput("zygote did not run", 18);
        return 1;
    }
    calls++;
    char in[16];
    long n = faasmGetInput(in, (long) sizeof(in) - 1);
    in[n < 0 ? 0 : n] = '\0';
    long i = n > 0 ? strtol(in, NULL, 10) : 0;
    if (i < 0 || i >= TABLE_WORDS) {
        i = 0;
    }
    char out[96];
    int len = snprintf(out, sizeof(out), "%s calls=%d value=%u", greeting, calls, table[i]);
    faasmSetOutput(out, len);
    return 0;
}

/* demo/state_pi: Monte-Carlo estimate of pi. Input "<workers> <samples per
 * worker>" (default "4 250000"). Chains the workers (this module's worker,
 * input = its index); each draws its samples from its own xorshift64 stream
 * and appends its hit count (8 bytes) to key "pi_hits". The main call awaits
 * them, reads the appended counts and outputs "pi=<estimate> workers=<counts
 * read>". */
#include "faasm.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int worker(void) {
    int64_t args[2] = {0, 0};
    faasmGetInput(args, sizeof(args));
    uint64_t x = 0x9E3779B97F4A7C15ULL * (uint64_t) (args[0] + 1);
    int64_t hits = 0;
    for (int64_t i = 0; i < args[1]; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double a = (double) (x >> 11) / 9007199254740992.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double b = (double) (x >> 11) / 9007199254740992.0;
        if (a * a + b * b <= 1.0) {
            hits++;
        }
    }
    faasmAppendState("pi_hits", (unsigned char *) &hits, sizeof(hits));
    return 0;
}

int main(void) {
    char in[64] = {0};
    faasmGetInput(in, sizeof(in) - 1);
    long workers = 4, samples = 250000;
    if (in[0] != '\0') {
        sscanf(in, "%ld %ld", &workers, &samples);
    }
    if (workers <= 0 || samples <= 0) {
        return 2;
    }
    faasmClearAppendedState("pi_hits");
    unsigned int *ids = malloc(sizeof(unsigned int) * (size_t) workers);
    for (long i = 0; i < workers; i++) {
        int64_t args[2] = {i, samples};
        ids[i] = faasmChain(worker, (unsigned char *) args, sizeof(args));
    }
    for (long i = 0; i < workers; i++) {
        if (faasmAwaitCall(ids[i]) != 0) {
            return 1;
        }
    }
    int64_t *hits = calloc((size_t) workers, sizeof(int64_t));
    faasmReadAppendedState("pi_hits", (unsigned char *) hits, (long) sizeof(int64_t) * workers, workers);
    int64_t total = 0;
    long read = 0;
    for (long i = 0; i < workers; i++) {
        if (hits[i] > 0) {
            read++;
        }
        total += hits[i];
    }
    char out[96];
    int outLen = snprintf(out, sizeof(out), "pi=%.5f workers=%ld", 4.0 * (double) total / (double) (workers * samples),
                          read);
    faasmSetOutput(out, outLen);
    free(ids);
    free(hits);
    return 0;
}

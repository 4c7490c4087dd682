/* demo/state_offset: offset reads and writes of a large value. Input: size in
 * KiB (default 4096 = 4 MiB). Writes the value of key "large" chunk by chunk
 * with faasmWriteStateOffset (byte i = (i * 7 + i / 4096) mod 251) and pushes
 * only the dirty bytes; writes 4 KiB in the middle of key "mapped" through the
 * pointer of faasmReadStatePtr, flags them dirty and pushes them; sets key
 * "masked" locally to all 'x' and pushes only the bytes selected by key "mask".
 * Then a chained call of this module (verify, in its own call with fresh local
 * copies) checks samples with faasmReadStateOffset and
 * faasmReadStateOffsetPtr. Outputs "ok <bytes>" or the first mismatch. A
 * partial push writes in place, so after a larger run the value keeps its
 * larger size (its first <bytes> are this run's). */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 65536
#define MAPPED 65536

static unsigned char expected(long i) {
    return (unsigned char) ((i * 7 + i / 4096) % 251);
}

static int fail(const char *what, long at, int got, int want) {
    char out[128];
    int n = snprintf(out, sizeof(out), "mismatch in %s at %ld: %d, expected %d", what, at, got, want);
    faasmSetOutput(out, n);
    return 1;
}

static int verify(void) {
    char in[32] = {0};
    faasmGetInput(in, sizeof(in) - 1);
    long size = atol(in);
    /* at least size bytes: a partial push writes in place and never shrinks a larger value of an earlier run */
    if (faasmReadStateSize("large") < size) {
        return fail("size of large", 0, (int) faasmReadStateSize("large"), (int) size);
    }
    unsigned char buf[1000];
    long samples = 0;
    for (long off = 0; off + (long) sizeof(buf) <= size; off += size / 37 + 1) {
        faasmReadStateOffset("large", size, off, buf, sizeof(buf));
        for (long j = 0; j < (long) sizeof(buf); j++) {
            if (buf[j] != expected(off + j)) {
                return fail("large", off + j, buf[j], expected(off + j));
            }
        }
        samples++;
    }
    long tail = size - 100;
    unsigned char *p = faasmReadStateOffsetPtr("large", size, tail, 100);
    for (long j = 0; j < 100; j++) {
        if (p[j] != expected(tail + j)) {
            return fail("large (pointer)", tail + j, p[j], expected(tail + j));
        }
    }
    unsigned char *mapped = malloc(MAPPED);
    faasmReadState("mapped", mapped, MAPPED);
    for (long j = 0; j < MAPPED; j++) {
        int want = (j >= 30000 && j < 30000 + 4096) ? 'm' : 0;
        if (mapped[j] != want) {
            return fail("mapped", j, mapped[j], want);
        }
    }
    free(mapped);
    unsigned char masked[256];
    faasmReadState("masked", masked, sizeof(masked));
    for (long j = 0; j < (long) sizeof(masked); j++) {
        int want = (j % 2 == 0) ? 'x' : '.';
        if (masked[j] != want) {
            return fail("masked", j, masked[j], want);
        }
    }
    char out[64];
    int n = snprintf(out, sizeof(out), "ok %ld", size);
    faasmSetOutput(out, n);
    return samples > 0 ? 0 : 1;
}

int main(void) {
    char in[32] = {0};
    faasmGetInput(in, sizeof(in) - 1);
    long kib = atol(in);
    if (kib <= 0) {
        kib = 4096;
    }
    long size = kib * 1024;

    unsigned char *chunk = malloc(CHUNK);
    for (long off = 0; off < size; off += CHUNK) {
        long len = size - off < CHUNK ? size - off : CHUNK;
        for (long j = 0; j < len; j++) {
            chunk[j] = expected(off + j);
        }
        faasmWriteStateOffset("large", size, off, chunk, len);
    }
    faasmPushStatePartial("large");
    free(chunk);

    /* a fresh value, all zeros, then 4 KiB written through the mapped pointer */
    unsigned char *zeros = calloc(MAPPED, 1);
    faasmWriteState("mapped", zeros, MAPPED);
    free(zeros);
    faasmPushState("mapped");
    unsigned char *mapped = faasmReadStatePtr("mapped", MAPPED);
    memset(mapped + 30000, 'm', 4096);
    faasmFlagStateOffsetDirty("mapped", MAPPED, 30000, 4096);
    faasmPushStatePartial("mapped");

    /* "masked": global all '.', local all 'x', pushed where the mask is set (even bytes) */
    unsigned char dots[256], xs[256], mask[256];
    memset(dots, '.', sizeof(dots));
    memset(xs, 'x', sizeof(xs));
    for (int j = 0; j < 256; j++) {
        mask[j] = (j % 2 == 0) ? 1 : 0;
    }
    faasmWriteState("masked", dots, sizeof(dots));
    faasmPushState("masked");
    faasmWriteState("masked", xs, sizeof(xs));
    faasmWriteState("mask", mask, sizeof(mask));
    faasmPushStatePartialMask("masked", "mask");

    char arg[32];
    int argLen = snprintf(arg, sizeof(arg), "%ld", size);
    unsigned int id = faasmChain(verify, (unsigned char *) arg, argLen);
    char *out = NULL;
    int outLen = 0;
    int rc = faasmAwaitCallOutput(id, &out, &outLen);
    faasmSetOutput(out, outLen);
    free(out);
    return rc;
}

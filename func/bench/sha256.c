/* bench/sha256: input N (decimal text, MiB, default 1, clamped to [0, 1024]).
 * Generates N MiB of deterministic data inside the guest (xorshift32 seeded
 * with 0x9E3779B9, each step emits its 32-bit state little endian) in 64 KiB
 * chunks, and outputs the SHA-256 of it as 64 lowercase hex digits.
 * Also a native program, see bench_io.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sha256_impl.h"

#define CHUNK (64 * 1024)

#include "bench_io.h"

static uint8_t chunk[CHUNK];

static size_t bench_run(const char *in, size_t inLen, char *out) {
    long mib = inLen > 0 ? strtol(in, NULL, 10) : 1;
    if (mib < 0) {
        mib = 0;
    }
    if (mib > 1024) {
        mib = 1024;
    }

    sha256_ctx ctx;
    sha256_init(&ctx);
    uint32_t x = 0x9E3779B9u;
    long chunks = mib * (1024 * 1024 / CHUNK);
    for (long c = 0; c < chunks; c++) {
        for (size_t i = 0; i < CHUNK; i += 4) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            chunk[i] = (uint8_t) x;
            chunk[i + 1] = (uint8_t) (x >> 8);
            chunk[i + 2] = (uint8_t) (x >> 16);
            chunk[i + 3] = (uint8_t) (x >> 24);
        }
        sha256_update(&ctx, chunk, CHUNK);
    }

    uint8_t digest[32];
    sha256_final(&ctx, digest);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    return 64;
}

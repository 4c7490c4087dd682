/*
 * Input/output for the benchmarks, so the same source builds
 *   - for Faasm (wasm32, host interface: faasmGetInput/faasmSetOutput, entry main), and
 *   - as a plain native program (func/build.sh --native): input from stdin,
 *     output to stdout; `prog K` runs the benchmark K times and prints the
 *     mean ns per run to stderr.
 * A benchmark defines `static size_t bench_run(const char *in, size_t inLen, char *out)`
 * (out has BENCH_OUT_MAX bytes) and includes this header after it; it supplies main().
 */
#ifndef FAASM_BENCH_IO_H
#define FAASM_BENCH_IO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_IN_MAX 64
#define BENCH_OUT_MAX 128

static size_t bench_run(const char *in, size_t inLen, char *out);

#if defined(__wasm__)
#include "faasm.h"

int main(void) {
    char in[BENCH_IN_MAX + 1];
    long n = faasmGetInput(in, BENCH_IN_MAX);
    if (n < 0) {
        n = 0;
    }
    in[n] = '\0';
    char out[BENCH_OUT_MAX];
    size_t outLen = bench_run(in, (size_t) n, out);
    faasmSetOutput(out, (long) outLen);
    return 0;
}
#else
#include <time.h>

int main(int argc, char **argv) {
    char in[BENCH_IN_MAX + 1];
    size_t n = fread(in, 1, BENCH_IN_MAX, stdin);
    in[n] = '\0';
    long reps = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    if (reps < 1) {
        reps = 1;
    }
    char out[BENCH_OUT_MAX];
    size_t outLen = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long r = 0; r < reps; r++) {
        outLen = bench_run(in, n, out);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fwrite(out, 1, outLen, stdout);
    if (argc > 1) {
        double ns = (double) (t1.tv_sec - t0.tv_sec) * 1e9 + (double) (t1.tv_nsec - t0.tv_nsec);
        fprintf(stderr, "runs=%ld ns_per_run=%.0f\n", reps, ns / (double) reps);
    }
    return 0;
}
#endif

#endif /* FAASM_BENCH_IO_H */

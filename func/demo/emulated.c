/* demo/emulated: a plain WASI program built with wasi-libc's emulation
 * libraries (kind wasi-emul in build.sh): clock() from
 * wasi-emulated-process-clocks, mmap/munmap from wasi-emulated-mman, and
 * long double printing from libc-printscan-long-double. Prints one
 * "name=value" line each. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

int main(void) {
    clock_t start = clock();
    volatile unsigned long sum = 0;
    for (unsigned long i = 0; i < 1000; i++) {
        sum += i;
    }
    clock_t end = clock();
    printf("clock=%s\n", start != (clock_t) -1 && end > start ? "ok" : "failed");

    long double third = 1.0L / 3.0L;
    printf("long_double=%.20Lf\n", third);

    size_t size = 1u << 20;
    unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap=failed\n");
    } else {
        int zero = p[size - 1] == 0;
        memset(p, 7, size);
        printf("mmap=%s,%d\n", zero ? "zeroed" : "dirty", p[12345] + p[size - 1]);
        printf("munmap=%s\n", munmap(p, size) == 0 ? "ok" : "failed");
    }
    printf("sum=%lu\n", sum);
    return 0;
}

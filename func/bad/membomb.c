/* bad/membomb: allocates 1 MiB blocks and writes every page of each, keeping
 * them all, until malloc fails (the memory limit is reached: memory.grow
 * returns -1); then reports it on stderr and traps. Expected: the call fails. */
#include <stdio.h>
#include <stdlib.h>

#define BLOCK (1024 * 1024)

static void *volatile keep;

int main(void) {
    unsigned long mib = 0;
    for (;;) {
        unsigned char *p = malloc(BLOCK);
        if (p == NULL) {
            fprintf(stderr, "membomb: malloc failed after %lu MiB\n", mib);
            fflush(stderr);
            __builtin_trap();
        }
        for (size_t i = 0; i < BLOCK; i += 4096) {
            p[i] = (unsigned char) (i + mib);
        }
        *(void **) p = keep; /* chain the blocks so none is dead */
        keep = p;
        mib++;
    }
}

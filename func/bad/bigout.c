/* bad/bigout: sets an output of 17 MiB (above the 16 MiB output limit) with
 * faasmSetOutput. Expected: the call fails (output too large). */
#include "faasm.h"

#include <stdlib.h>
#include <string.h>

#define SIZE (17L * 1024 * 1024)

int main(void) {
    char *buf = malloc(SIZE);
    if (buf == NULL) {
        return 2;
    }
    memset(buf, 'x', SIZE);
    faasmSetOutput(buf, SIZE);
    return 0;
}

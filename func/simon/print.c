/* simon/print: writes its input to stdout (the call's logs) and returns it as
 * output (length set explicitly). stdout is flushed before returning: a reactor
 * never runs exit(), so unflushed stdio buffers would be lost. */
#include "faasm.h"

#include <stdio.h>

EMSCRIPTEN_KEEPALIVE
int exec(struct FaasmMemory *memory) {
    int32_t n = faasmGetInputLength(memory);
    fwrite(memory->input, 1, (size_t) n, stdout);
    fflush(stdout);
    faasmCopyOutput(memory, memory->input, n);
    return 0;
}

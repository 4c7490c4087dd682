/* simon/x2: doubles every input byte value, modulo 256 (0x80 -> 0x00, so the
 * output length is set explicitly). */
#include "faasm.h"

EMSCRIPTEN_KEEPALIVE
int exec(struct FaasmMemory *memory) {
    int32_t n = faasmGetInputLength(memory);
    for (int32_t i = 0; i < n; i++) {
        memory->output[i] = (uint8_t) (memory->input[i] * 2u);
    }
    faasmSetOutputLength(memory, n);
    return 0;
}

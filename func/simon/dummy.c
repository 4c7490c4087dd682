/* simon/dummy: outputs the 5 bytes 00 01 02 03 04, whatever the input. The
 * output length is set explicitly, as it must be whenever zero bytes are part
 * of the output (here the first byte is 0). */
#include "faasm.h"

EMSCRIPTEN_KEEPALIVE
int exec(struct FaasmMemory *memory) {
    for (int i = 0; i < 5; i++) {
        memory->output[i] = (uint8_t) i;
    }
    faasmSetOutputLength(memory, 5);
    return 0;
}

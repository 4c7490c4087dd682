/* simon/echo: returns its input, written the original way: copy the input to
 * the output buffer and leave outputLength unset, so the host strips trailing
 * zero bytes (an input ending in 0x00 bytes loses them; see echo_exact). */
#include "faasm.h"

#include <string.h>

EMSCRIPTEN_KEEPALIVE
int exec(struct FaasmMemory *memory) {
    memcpy(memory->output, memory->input, (size_t) memory->inputLength);
    return 0;
}

/* simon/echo_exact: returns its input byte for byte (also trailing zero bytes)
 * by setting the output length explicitly. */
#include "faasm.h"

EMSCRIPTEN_KEEPALIVE
int exec(struct FaasmMemory *memory) {
    faasmCopyOutput(memory, faasmGetInputBytes(memory), faasmGetInputLength(memory));
    return 0;
}

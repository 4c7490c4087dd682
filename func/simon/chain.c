/* simon/chain: chains two calls with its own input, "echo" first and "x2"
 * second (same user). They are dispatched by the host after this function
 * returned 0. Its own output is the text "echo,x2". */
#include "faasm.h"

#include <string.h>

EMSCRIPTEN_KEEPALIVE
int exec(struct FaasmMemory *memory) {
    int32_t n = faasmGetInputLength(memory);
    if (n > FAASM_MAX_CHAIN_INPUT_BYTES) {
        return 1; /* chainFunction would trap; fail politely instead */
    }
    chainFunction(memory, "echo", memory->input, n);
    chainFunction(memory, "x2", memory->input, n);

    static const char msg[] = "echo,x2";
    faasmCopyOutput(memory, msg, (int32_t) strlen(msg));
    return 0;
}

#include "faasm.h"

EMSCRIPTEN_KEEPALIVE
int exec(struct FaasmMemory *memory) {
    uint8_t funcData[] = {1, 2, 3, 4};
    chainFunction(memory, "foo", funcData, 4);   /* a call to my own function "foo" with input 01 02 03 04 */
    return 0;
}

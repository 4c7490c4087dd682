/* bad/stub: calls a Faasm host function this platform does not implement
 * (env.__faasm_read_state, Faasm's state API). Upload accepts it (it is a
 * Faasm name); the call fails with "unsupported host function
 * env.__faasm_read_state". */
#include "faasm.h"

__attribute__((import_module("env"), import_name("__faasm_read_state")))
long __faasm_read_state(const char *key, unsigned char *buffer, long bufferLen);

int main(void) {
    unsigned char buf[16];
    long n = __faasm_read_state("some_key", buf, (long) sizeof(buf));
    faasmSetOutput(buf, n > 0 && n <= (long) sizeof(buf) ? n : 0);
    return 0;
}

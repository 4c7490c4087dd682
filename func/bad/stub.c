/* bad/stub: calls a Faasm host function this platform does not implement
 * (env.__faasm_sm_critical_local, Faasm's shared-memory API). Upload accepts
 * it (it is a Faasm name); the call fails with "unsupported host function
 * env.__faasm_sm_critical_local". */
#include "faasm.h"

__attribute__((import_module("env"), import_name("__faasm_sm_critical_local")))
void __faasm_sm_critical_local(void);

int main(void) {
    __faasm_sm_critical_local();
    faasmSetOutput("unreachable", 11);
    return 0;
}

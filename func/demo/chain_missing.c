/* demo/chain_missing: chains "echo" with its input and "no_such_function"
 * (a function that does not exist), awaits both and outputs
 * "echo=<rc> missing=<rc>". As in Faasm, the chain to a missing function
 * still gives a handle; awaiting it returns non-zero and the reason is in
 * this call's logs. The call itself succeeds. */
#include "faasm.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
    long n = faasmGetInputSize();
    char *in = malloc(n > 0 ? (size_t) n : 1);
    faasmGetInput(in, n);
    unsigned int echo = faasmChainNamed("echo", in, n);
    unsigned int missing = faasmChainNamed("no_such_function", in, n);
    int echoRc = faasmAwaitCall(echo);
    int missingRc = faasmAwaitCall(missing);
    char out[64];
    int len = snprintf(out, sizeof(out), "echo=%d missing=%d", echoRc, missingRc);
    faasmSetOutput(out, len);
    free(in);
    return 0;
}

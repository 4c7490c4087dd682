/* demo/entry: entry-point behaviours. Outputs "argc=N argv[0]=... argv[1]=..."
 * (arguments are given per call: POST /f/demo/entry?arg=a&arg=b), then the
 * configuration flags ALWAYS_ON, ALWAYS_OFF and NO_SUCH_FLAG, and writes a
 * backtrace from three nested functions to the call's logs. */
#include "faasm.h"

#include <stdio.h>
#include <string.h>

__attribute__((noinline)) static int innermost(volatile int depth) {
    __faasm_backtrace(depth);
    return depth;
}

__attribute__((noinline)) static int middle(volatile int depth) {
    return innermost(depth) + 1;
}

__attribute__((noinline)) static int outer(volatile int depth) {
    return middle(depth) + 1;
}

int main(int argc, char **argv) {
    char out[2048];
    int len = snprintf(out, sizeof(out), "argc=%d", argc);
    for (int i = 0; i < argc && len < (int) sizeof(out); i++) {
        len += snprintf(out + len, sizeof(out) - (size_t) len, " argv[%d]=%s", i, argv[i]);
    }
    if (len < (int) sizeof(out)) {
        len += snprintf(out + len, sizeof(out) - (size_t) len, " ALWAYS_ON=%u ALWAYS_OFF=%u NO_SUCH_FLAG=%u",
                        __faasm_conf_flag("ALWAYS_ON"), __faasm_conf_flag("ALWAYS_OFF"),
                        __faasm_conf_flag("NO_SUCH_FLAG"));
    }
    if (len > (int) sizeof(out)) {
        len = (int) sizeof(out);
    }
    outer(10);
    faasmSetOutput(out, len);
    return 0;
}

/* demo/state_counter: concurrent writers of one key. Input "<writers>
 * <increments each> <global|local|none>" (default "2 100 global"). Sets key
 * "counter" (8 bytes) to 0, chains the writers (this module's writer) and
 * awaits them; each increments the counter by read-modify-write: take the lock
 * (the global lock, or the processor-local write lock), pull, add 1, write,
 * push, release. Outputs "counter=<final value> expected=<writers * increments>".
 * With "none" updates can be lost. */
#include "faasm.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct args {
    int32_t increments;
    int32_t mode; /* 0 none, 1 global, 2 local */
};

static int writer(void) {
    struct args a;
    faasmGetInput(&a, sizeof(a));
    for (int i = 0; i < a.increments; i++) {
        if (a.mode == 1) {
            faasmLockStateGlobal("counter");
        } else if (a.mode == 2) {
            faasmLockStateWrite("counter");
        }
        int64_t value = 0;
        faasmPullState("counter", sizeof(value));
        faasmReadState("counter", (unsigned char *) &value, sizeof(value));
        value++;
        faasmWriteState("counter", (unsigned char *) &value, sizeof(value));
        faasmPushState("counter");
        if (a.mode == 1) {
            faasmUnlockStateGlobal("counter");
        } else if (a.mode == 2) {
            faasmUnlockStateWrite("counter");
        }
    }
    return 0;
}

int main(void) {
    char in[64] = {0};
    faasmGetInput(in, sizeof(in) - 1);
    int writers = 2, increments = 100;
    char mode[16] = "global";
    if (in[0] != '\0') {
        sscanf(in, "%d %d %15s", &writers, &increments, mode);
    }
    struct args a = {increments, strcmp(mode, "global") == 0 ? 1 : strcmp(mode, "local") == 0 ? 2 : 0};
    if (writers <= 0 || increments < 0 || (a.mode == 0 && strcmp(mode, "none") != 0)) {
        return 2;
    }
    int64_t zero = 0;
    faasmWriteState("counter", (unsigned char *) &zero, sizeof(zero));
    faasmPushState("counter");
    unsigned int *ids = malloc(sizeof(unsigned int) * (size_t) writers);
    for (int i = 0; i < writers; i++) {
        ids[i] = faasmChain(writer, (unsigned char *) &a, sizeof(a));
    }
    for (int i = 0; i < writers; i++) {
        if (faasmAwaitCall(ids[i]) != 0) {
            return 1;
        }
    }
    int64_t value = 0;
    faasmPullState("counter", sizeof(value));
    faasmReadState("counter", (unsigned char *) &value, sizeof(value));
    char out[96];
    int outLen = snprintf(out, sizeof(out), "counter=%lld expected=%lld", (long long) value,
                          (long long) writers * increments);
    faasmSetOutput(out, outLen);
    free(ids);
    return 0;
}

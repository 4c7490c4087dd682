/* demo/state_hold: takes the global lock of the key in its input (default
 * "counter"), records that in key "hold_marker" and then spins until it is
 * stopped (timeout, or its processor killed): a lock whose holder never
 * unlocks. Run again once the marker exists, it returns at once with
 * "held before" (a call re-delivered after its processor died does not take
 * the lock a second time). */
#include "faasm.h"

#include <string.h>

int main(void) {
    char key[64] = {0};
    long n = faasmGetInput(key, sizeof(key) - 1);
    if (n <= 0) {
        strcpy(key, "counter");
    }
    if (faasmReadStateSize("hold_marker") > 0) {
        faasmSetOutput("held before", 11);
        return 0;
    }
    faasmLockStateGlobal(key);
    faasmWriteState("hold_marker", (const unsigned char *) "yes", 3);
    faasmPushState("hold_marker");
    volatile unsigned long spins = 0;
    for (;;) {
        spins++;
    }
}

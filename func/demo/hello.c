/* demo/hello: outputs "Hello Faasm!" through the host interface. */
#include "faasm.h"

#include <string.h>

int main(void) {
    const char *msg = "Hello Faasm!";
    faasmSetOutput(msg, (long) strlen(msg));
    return 0;
}

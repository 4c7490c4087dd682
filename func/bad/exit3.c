/* bad/exit3: main returns 3, so _start calls proc_exit(3). Expected: a failed
 * call with return code 3. */
#include <stdio.h>

int main(void) {
    printf("exit3: returning 3\n");
    return 3;
}

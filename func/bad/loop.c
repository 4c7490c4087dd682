/* bad/loop: never returns (an infinite loop the compiler must keep: it has a
 * volatile side effect). Expected: the call times out. */
static volatile unsigned long counter;

int main(void) {
    for (;;) {
        counter++;
    }
}

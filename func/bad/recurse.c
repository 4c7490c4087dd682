/* bad/recurse: unbounded, non-tail recursion on the wasm call stack. The stop
 * flag is volatile (and never set) and each result is used after the call, so
 * the compiler can neither remove the recursion nor turn it into a loop; the
 * frames live in wasm locals (no C shadow stack), so it is the engine's call
 * depth that runs out. Expected: the call fails with a stack overflow. */
static volatile int stop;

__attribute__((noinline)) static unsigned recurse(unsigned n) {
    if (stop) {
        return n;
    }
    return recurse(n + 1) * 31u + n;
}

int main(void) {
    return (int) (recurse(0) & 0x7f);
}

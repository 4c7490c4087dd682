/* bad/trap: executes a wasm `unreachable`. Expected: the call fails (trap). */
int main(void) {
    __builtin_trap();
}

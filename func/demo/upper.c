/* demo/upper: a plain-libc WASI command (no Faasm header): reads all of stdin
 * (the call's input) and writes it upper-cased (ASCII) to stdout (the output). */
#include <ctype.h>
#include <stdio.h>

int main(void) {
    unsigned char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
        for (size_t i = 0; i < n; i++) {
            buf[i] = (unsigned char) toupper(buf[i]);
        }
        if (fwrite(buf, 1, n, stdout) != n) {
            return 1;
        }
    }
    return ferror(stdin) ? 1 : 0;
}

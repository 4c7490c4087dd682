/* demo/isolation: reports what of the host a guest can reach, as one line on
 * stdout (the output):
 *   environ=<variables> env_bytes=<bytes> sockets=<fds that are sockets> probed=<n>
 * It counts the environment through the WASI calls themselves (not libc's
 * cache) and asks sock_accept and sock_send on every descriptor 0..63: a
 * socket would answer anything but EBADF/ENOTSOCK/ENOTSUP. An isolated guest
 * prints "environ=0 env_bytes=0 sockets= probed=64". */
#include <stdio.h>
#include <wasi/api.h>

int main(void) {
    __wasi_size_t count = 0, bytes = 0;
    if (__wasi_environ_sizes_get(&count, &bytes) != 0) {
        fputs("environ_sizes_get failed\n", stderr);
        return 1;
    }
    printf("environ=%lu env_bytes=%lu sockets=", (unsigned long) count, (unsigned long) bytes);
    int probed = 0;
    for (__wasi_fd_t fd = 0; fd < 64; fd++) {
        __wasi_fd_t accepted;
        __wasi_errno_t a = __wasi_sock_accept(fd, 0, &accepted);
        char byte = 0;
        __wasi_ciovec_t iov = {(const uint8_t *) &byte, 1};
        __wasi_size_t sent = 0;
        __wasi_errno_t s = __wasi_sock_send(fd, &iov, 1, 0, &sent);
        int refusedA = a == __WASI_ERRNO_BADF || a == __WASI_ERRNO_NOTSOCK || a == __WASI_ERRNO_NOTSUP
            || a == __WASI_ERRNO_NOSYS;
        int refusedS = s == __WASI_ERRNO_BADF || s == __WASI_ERRNO_NOTSOCK || s == __WASI_ERRNO_NOTSUP
            || s == __WASI_ERRNO_NOSYS;
        if (!refusedA || !refusedS) {
            printf("%u(accept %u, send %u),", (unsigned) fd, (unsigned) a, (unsigned) s);
        }
        probed++;
    }
    printf(" probed=%d\n", probed);
    return 0;
}

/* demo/isolation: probes what of the host a guest can reach; the input (stdin)
 * names the probe:
 *   env       prints "environ=<variables> env_bytes=<bytes>", counted through
 *             WASI's environ_sizes_get itself (not libc's copy)
 *   accept, send, recv, shutdown
 *             calls that WASI socket function on descriptors 0..63 and prints
 *             "sockets=<descriptors that answered as a socket> probed=64"
 * An isolated guest prints "environ=0 env_bytes=0", and each socket probe
 * either prints "sockets= probed=64" or is stopped by the host. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static int refused(__wasi_errno_t e) {
    return e == __WASI_ERRNO_BADF || e == __WASI_ERRNO_NOTSOCK || e == __WASI_ERRNO_NOTSUP
        || e == __WASI_ERRNO_NOSYS || e == __WASI_ERRNO_INVAL;
}

int main(void) {
    char probe[16] = {0};
    size_t n = fread(probe, 1, sizeof(probe) - 1, stdin);
    probe[n] = '\0';
    if (strcmp(probe, "env") == 0) {
        __wasi_size_t count = 0, bytes = 0;
        if (__wasi_environ_sizes_get(&count, &bytes) != 0) {
            fputs("environ_sizes_get failed\n", stderr);
            return 1;
        }
        printf("environ=%lu env_bytes=%lu", (unsigned long) count, (unsigned long) bytes);
        return 0;
    }
    printf("sockets=");
    for (__wasi_fd_t fd = 0; fd < 64; fd++) {
        __wasi_errno_t e;
        char byte = 0;
        __wasi_size_t done = 0;
        if (strcmp(probe, "accept") == 0) {
            __wasi_fd_t accepted;
            e = __wasi_sock_accept(fd, 0, &accepted);
        } else if (strcmp(probe, "send") == 0) {
            __wasi_ciovec_t iov = {(const uint8_t *) &byte, 1};
            e = __wasi_sock_send(fd, &iov, 1, 0, &done);
        } else if (strcmp(probe, "recv") == 0) {
            __wasi_iovec_t iov = {(uint8_t *) &byte, 1};
            __wasi_roflags_t flags;
            e = __wasi_sock_recv(fd, &iov, 1, 0, &done, &flags);
        } else if (strcmp(probe, "shutdown") == 0) {
            e = __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD);
        } else {
            fprintf(stderr, "unknown probe '%s': env, accept, send, recv or shutdown\n", probe);
            return 2;
        }
        if (!refused(e)) {
            printf("%u(%u),", (unsigned) fd, (unsigned) e);
        }
    }
    printf(" probed=64");
    return 0;
}

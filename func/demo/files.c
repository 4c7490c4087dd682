/* demo/files: exercises the sandboxed filesystem and prints one line per
 * check, "name=result" (errno names for failures). Input: a path under
 * /share to read (default "hello.txt"). Plain WASI: stdout is the output. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *err(int e) {
    switch (e) {
        case 0: return "ok";
        case ENOENT: return "ENOENT";
        case EROFS: return "EROFS";
        case EACCES: return "EACCES";
        case EPERM: return "EPERM";
        case ENOTCAPABLE: return "ENOTCAPABLE";
        case EBADF: return "EBADF";
        case EIO: return "EIO";
        case ENOSPC: return "ENOSPC";
        case EEXIST: return "EEXIST";
        case ENOTDIR: return "ENOTDIR";
        case EISDIR: return "EISDIR";
        case ELOOP: return "ELOOP";
        default: return "other";
    }
}

/* Reads a whole (small) file; "!<errno>" if it cannot be read. */
static void readFile(const char *name, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("%s=!%s\n", name, err(errno));
        return;
    }
    char buf[256];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n' || buf[i] == '\t') buf[i] = ' ';
    }
    fclose(f);
    printf("%s=%s\n", name, buf);
}

static void writeFile(const char *name, const char *path, const char *text) {
    errno = 0;
    FILE *f = fopen(path, "w");
    if (!f) {
        printf("%s=!%s\n", name, err(errno));
        return;
    }
    size_t len = strlen(text);
    int ok = fwrite(text, 1, len, f) == len;
    int closed = fclose(f) == 0;
    printf("%s=%s\n", name, ok && closed ? "ok" : err(errno));
}

static void listDir(const char *name, const char *path) {
    DIR *d = opendir(path);
    if (!d) {
        printf("%s=!%s\n", name, err(errno));
        return;
    }
    char names[16][64];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 16) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(names[count++], 64, "%s", e->d_name);
    }
    closedir(d);
    /* sorted, so the line does not depend on the directory's order */
    for (int i = 0; i < count; i++) {
        for (int j = i + 1; j < count; j++) {
            if (strcmp(names[j], names[i]) < 0) {
                char t[64];
                memcpy(t, names[i], 64);
                memcpy(names[i], names[j], 64);
                memcpy(names[j], t, 64);
            }
        }
    }
    printf("%s=", name);
    for (int i = 0; i < count; i++) printf(i ? ",%s" : "%s", names[i]);
    printf("\n");
}

static void result(const char *name, int rc) {
    printf("%s=%s\n", name, rc == 0 ? "ok" : err(errno));
}

int main(void) {
    char share[200] = "hello.txt";
    size_t n = fread(share, 1, sizeof(share) - 1, stdin);
    if (n > 0) share[n] = '\0';

    char cwd[64];
    printf("getcwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : err(errno));
    struct stat st;
    errno = 0;
    int rootRc = stat("/", &st);
    printf("stat_root=%s\n", rootRc == 0 ? (S_ISDIR(st.st_mode) ? "dir" : "notdir") : err(errno));
    listDir("ls_root", "/");
    listDir("ls_etc", "/etc");
    readFile("etc_hosts", "/etc/hosts");
    readFile("etc_passwd", "/etc/passwd");
    readFile("etc_resolv", "/etc/resolv.conf");

    /* /tmp: fresh, writable */
    errno = 0;
    printf("tmp_fresh=%s\n", access("/tmp/a.txt", F_OK) == 0 ? "exists" : err(errno));
    writeFile("tmp_write", "/tmp/a.txt", "tmp data");
    readFile("tmp_read", "/tmp/a.txt");
    errno = 0;
    result("tmp_mkdir", mkdir("/tmp/d", 0755));
    errno = 0;
    result("tmp_rename", rename("/tmp/a.txt", "/tmp/d/b.txt"));
    readFile("tmp_renamed", "/tmp/d/b.txt");
    errno = 0;
    result("tmp_symlink_inside", symlink("d/b.txt", "/tmp/link"));
    readFile("tmp_via_symlink", "/tmp/link");

    /* read-only trees */
    writeFile("etc_write", "/etc/hosts", "evil");
    writeFile("etc_create", "/etc/new", "evil");
    errno = 0;
    result("etc_unlink", unlink("/etc/passwd"));
    errno = 0;
    result("etc_mkdir", mkdir("/etc/x", 0755));
    errno = 0;
    result("root_mkdir", mkdir("/x", 0755));
    errno = 0;
    result("etc_rename_to_tmp", rename("/etc/passwd", "/tmp/p"));
    readFile("etc_hosts_after", "/etc/hosts");
    writeFile("share_write", "/share/new.txt", "evil");

    /* escapes: ../, host paths, symlinks */
    readFile("dotdot_tmp", "/tmp/../../../etc/hostname");
    readFile("dotdot_rel", "../../../../etc/hostname");
    readFile("host_hostname", "/etc/hostname");
    readFile("host_proc", "/proc/self/status");
    readFile("host_usr", "/usr/lib/os-release");
    listDir("host_home", "/home");
    errno = 0;
    result("symlink_abs", symlink("/etc/passwd", "/tmp/l1"));
    errno = 0;
    result("symlink_dotdot", symlink("../etc/passwd", "/tmp/l2"));
    readFile("via_symlink_dotdot", "/tmp/l2");

    /* shared files of the user */
    listDir("ls_share", "/share");
    char path[256];
    snprintf(path, sizeof(path), "/share/%s", share);
    readFile("share_read", path);
    snprintf(path, sizeof(path), "faasm://%s", share);
    readFile("faasm_url_read", path);

    /* /tmp is bounded */
    FILE *big = fopen("/tmp/big", "w");
    static char block[65536];
    memset(block, 'x', sizeof(block));
    size_t written = 0;
    errno = 0;
    while (big && written < 64u * 1024 * 1024) {
        if (fwrite(block, 1, sizeof(block), big) != sizeof(block) || fflush(big) != 0) break;
        written += sizeof(block);
    }
    printf("tmp_bounded=%s\n", written < 64u * 1024 * 1024 ? "yes" : "no");
    if (big) fclose(big);
    return 0;
}

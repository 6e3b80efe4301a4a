/* The out-of-line helpers of cs_test.h. */
#include "cs_test.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void *cs_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert(b != NULL);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void cs_test_rmtree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void cs_test_in_child(int (*fn)(void *arg), void *arg)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(fn(arg) == 0 ? 0 : 1);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child run failed (wait status %#x)",
                  (unsigned)st);
}

int cs_test_child_stderr(void (*fn)(void *arg), void *arg, char *buf, size_t size)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        fn(arg);
        _exit(0);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t got;
    while (n < size - 1 && (got = read(fds[0], buf + n, size - 1 - n)) > 0)
        n += (size_t)got;
    buf[n] = 0;
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    fputs(buf, stderr);
    return status;
}

int cs_test_dirs_identical(const char *a, const char *b, size_t *total, size_t *smallest)
{
    DIR *d = opendir(a);
    ck_assert_msg(d != NULL, "opendir %s: %s", a, strerror(errno));
    int files = 0;
    size_t sum = 0, least = SIZE_MAX;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char pa[1024], pb[1024];
        snprintf(pa, sizeof(pa), "%s/%s", a, e->d_name);
        snprintf(pb, sizeof(pb), "%s/%s", b, e->d_name);
        size_t la, lb;
        char *x = cs_test_read_file(pa, &la), *y = cs_test_read_file(pb, &lb);
        ck_assert_msg(la == lb && memcmp(x, y, la) == 0, "%s and %s differ (%zu and %zu bytes)", pa,
                      pb, la, lb);
        free(x);
        free(y);
        sum += la;
        if (la < least)
            least = la;
        files++;
    }
    closedir(d);
    if (total)
        *total = sum;
    if (smallest)
        *smallest = least;
    return files;
}

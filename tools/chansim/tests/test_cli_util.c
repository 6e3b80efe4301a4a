#include "test_cli_util.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cs_test.h"

extern char **environ;

char cli_tmpdir[512];

const char *cli_tmp_path(const char *name)
{
    static char p[8][1024];
    static int i;
    i = (i + 1) % 8;
    snprintf(p[i], sizeof(p[i]), "%s/%s", cli_tmpdir, name);
    return p[i];
}

void cli_read_all(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = 0;
    fclose(f);
}

int cli_spawn(const char *const *argv, char *out, size_t out_cap, char *err, size_t err_cap)
{
    const char *o = cli_tmp_path("stdout"), *e = cli_tmp_path("stderr");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, o, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, e, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    ck_assert_int_eq(rc, 0);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_msg(WIFEXITED(st), "%s did not exit normally", argv[0]);
    cli_read_all(o, out, out_cap);
    cli_read_all(e, err, err_cap);
    return WEXITSTATUS(st);
}

int cli_count_lines(const char *s, const char *prefix)
{
    int n = 0;
    for (const char *l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, prefix, strlen(prefix)) == 0)
            n++;
    return n;
}

int cli_one_line(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl && nl[1] == '\0';
}

int cli_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

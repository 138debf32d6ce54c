#define _GNU_SOURCE
#include "mr_spawn.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#define MR_HAVE_CLOSEFROM_NP 1
#endif

int mr_pipe_cloexec(int fds[2]) {
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
#else
    if (pipe(fds) != 0) return errno;
    (void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

#if !defined(MR_HAVE_CLOSEFROM_NP) && !defined(__APPLE__)
/* Without closefrom: one close action per descriptor open now (3 and up). */
static int close_open_descriptors(posix_spawn_file_actions_t *fa) {
    DIR *d = opendir("/proc/self/fd");
    if (!d) return errno;
    int own = dirfd(d), rc = 0, fds[4096], n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 4096) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end == '\0' && end != e->d_name && fd >= 3 && fd != own) fds[n++] = (int)fd;
    }
    closedir(d);
    for (int i = 0; i < n && rc == 0; i++) rc = posix_spawn_file_actions_addclose(fa, fds[i]);
    return rc;
}
#endif

int mr_spawn_isolated(const char *path, char *const argv[], char *const envp[], const char *directory,
                      int stdout_fd, int *pid) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attr);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return rc;
    }
    short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (rc == 0) rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa, stdout_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (rc == 0 && directory != NULL) rc = posix_spawn_file_actions_addchdir_np(&fa, directory);
#if defined(__APPLE__)
    flags |= POSIX_SPAWN_CLOEXEC_DEFAULT;
#elif defined(MR_HAVE_CLOSEFROM_NP)
    /* After the dup2 above: closes the pipe's ends and everything else Mailroom has open. */
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#else
    if (rc == 0) rc = close_open_descriptors(&fa);
#endif
    sigset_t empty, defaults;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(&defaults, sigs[i]);
    if (rc == 0) rc = posix_spawnattr_setpgroup(&attr, 0);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &defaults);
    if (rc == 0) rc = posix_spawnattr_setflags(&attr, flags);
    pid_t child = 0;
    if (rc == 0) rc = posix_spawn(&child, path, &fa, &attr, argv, envp);
    if (rc == 0) *pid = (int)child;
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

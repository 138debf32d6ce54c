#ifndef MR_SPAWN_H
#define MR_SPAWN_H
/* Starting a `secret: cmd:` program without a shell (mr_spawn.c). Plain C: only mr_spawn.c includes <spawn.h>,
   where glibc's *_np calls need _GNU_SOURCE, which Swift's Glibc module does not define. */

#ifdef __cplusplus
extern "C" {
#endif

/* A pipe whose two ends are close-on-exec from the start (pipe2 with O_CLOEXEC on Linux), so a program another
   thread starts meanwhile never inherits them. 0, or an errno. */
int mr_pipe_cloexec(int fds[2]);

/* Starts `path` with `argv` and `envp` (NULL-terminated) in a process group of its own (its pid), working
   directory `directory`, standard input and standard error on /dev/null, standard output on `stdout_fd`, and no
   other descriptor open (glibc 2.34+: posix_spawn_file_actions_addclosefrom_np; macOS:
   POSIX_SPAWN_CLOEXEC_DEFAULT; else each descriptor open in /proc/self/fd is closed). The signal mask is empty
   and SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD and SIGQUIT have their default actions. Returns 0 and sets
   *pid, or returns an errno. */
int mr_spawn_isolated(const char *path, char *const argv[], char *const envp[], const char *directory,
                      int stdout_fd, int *pid);

#ifdef __cplusplus
}
#endif
#endif

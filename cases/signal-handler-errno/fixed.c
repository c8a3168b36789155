/* signal-handler-errno / fixed.c -- the handler saves and restores errno.
 *
 * WHAT IT SHOWS
 *   The pattern of POSIX's own waitpid() example and of SoftEther's fix: keep errno on
 *   entry, put it back on exit. The main thread reads the ENOENT that open() set.
 *
 * HOW IT RUNS
 *   crashcourse run signal-handler-errno      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "no local config", no report, under plain and tsan.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t reaped;

static void on_sigchld(int sig)
{
    (void)sig;
    int saved_errno = errno;                         // FIX: keep the interrupted code's errno
    while (waitpid(-1, NULL, WNOHANG) > 0)
        reaped++;
    errno = saved_errno;                             /* FIX: ... and give it back */
}

int cc_main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigchld;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);

    /* Forced schedule: SIGCHLD is blocked while a worker runs and exits; waitid(WNOWAIT)
     * waits until it has exited (SIGCHLD now pending) without reaping it. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, NULL);
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    siginfo_t info;
    waitid(P_PID, (id_t)child, &info, WEXITED | WNOWAIT);

    /* The optional local config file: missing is normal (ENOENT), anything else is not. */
    int fd = open("app.conf.local", O_RDONLY);
    sigprocmask(SIG_UNBLOCK, &block, NULL);          /* the signal lands HERE: between the */
                                                     /* failing call and the errno check    */
    if (fd < 0 && errno == ENOENT) {
        printf("no local config (%d worker reaped): using defaults\n", (int)reaped);
        return 0;
    }
    if (fd < 0) {
        printf("cannot open app.conf.local: %s\n", strerror(errno));
        return 1;
    }
    close(fd);
    return 0;
}

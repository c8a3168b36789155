/* signal-handler-errno / repro.c -- a SIGCHLD handler that overwrites errno.
 *
 * WHAT IT SHOWS
 *   The SIGCHLD handler reaps finished workers with waitpid(WNOHANG) until none is left.
 *   That last waitpid() fails and sets errno = ECHILD -- and errno is per thread, shared
 *   with the code the signal interrupted. The main thread has just tried to open an
 *   optional config file: open() failed with ENOENT ("no local config: use defaults").
 *   If SIGCHLD is handled between that open() and the errno check, the check reads
 *   ECHILD: "cannot open app.conf.local: No child processes", exit 1. In production the
 *   window is a few instructions wide and the failure looks impossible; here the signal
 *   is held back and released exactly there. SoftEther VPN's SIGCHLD handler had this
 *   flaw, found by ThreadSanitizer (SoftEtherVPN/SoftEtherVPN#2217).
 *
 * HOW IT RUNS
 *   crashcourse run signal-handler-errno               # plain: exit 1, the wrong errno
 *   crashcourse run signal-handler-errno --lens tsan   # signal handler spoils errno
 *
 * WHAT MUST APPEAR
 *   plain : exit 1, "cannot open app.conf.local: No child processes"
 *   tsan  : signal handler spoils errno, in on_sigchld (TSan also restores errno, so the
 *           program itself then takes the ENOENT path and exits 66 only for the report)
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
    while (waitpid(-1, NULL, WNOHANG) > 0)           // BUG: the last call fails with ECHILD, and errno is not restored
        reaped++;
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

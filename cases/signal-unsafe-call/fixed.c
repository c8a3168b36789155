/* signal-unsafe-call / fixed.c -- the handler only sets a flag; the main loop logs.
 *
 * WHAT IT SHOWS
 *   The handler does the one thing that is always safe: store to a volatile
 *   sig_atomic_t. The log line is written by the main thread after sigsuspend()
 *   returns, outside the handler, where malloc() is fine. (OpenSSH 9.8p1 likewise
 *   removed the unsafe logging from sshd's SIGALRM path.)
 *
 * HOW IT RUNS
 *   crashcourse run signal-unsafe-call       # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "Timeout before authentication", no report, under plain and tsan.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;

static void log_msg(const char *what)
{
    size_t n = strlen(what) + 32;
    char *line = malloc(n);
    if (!line)
        return;
    int len = snprintf(line, n, "sshd[login]: %s\n", what);
    if (write(STDOUT_FILENO, line, (size_t)len) < 0) { /* nothing to do */ }
    free(line);
}

static void grace_alarm_handler(int sig)
{
    (void)sig;
    timed_out = 1;                                   // FIX: only a flag; no calls at all
}

int cc_main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = grace_alarm_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);

    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGALRM);

    struct itimerval grace = { { 0, 0 }, { 0, 10000 } };
    setitimer(ITIMER_REAL, &grace, NULL);
    while (!timed_out)
        sigsuspend(&waitmask);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    log_msg("Timeout before authentication");       /* FIX: logged outside the handler */
    printf("connection closed\n");
    return 0;
}

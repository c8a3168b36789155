/* signal-unsafe-call / repro.c -- malloc() called from a signal handler (the regreSSHion pattern).
 *
 * WHAT IT SHOWS
 *   A server arms a login-grace timer (SIGALRM) and, when it fires, the handler logs
 *   "Timeout before authentication" through a logging function that formats into a
 *   malloc'd buffer -- as sshd's SIGALRM handler called syslog(), which allocates
 *   (CVE-2024-6387, "regreSSHion"). malloc() and free() are not async-signal-safe: if
 *   the signal lands while the interrupted code is itself inside malloc, the handler
 *   re-enters the allocator with its state half-updated (a deadlock on its lock, or heap
 *   corruption; regreSSHion turned it into remote code execution). Here the timer fires
 *   while the main thread waits in sigsuspend(), so nothing goes wrong: the plain run
 *   exits 0. ThreadSanitizer checks every malloc and free made inside a handler and
 *   reports "signal-unsafe call inside of a signal", naming the call and the handler.
 *
 * HOW IT RUNS
 *   crashcourse run signal-unsafe-call                # plain: exit 0, the log line printed
 *   crashcourse run signal-unsafe-call --lens tsan    # malloc and free inside the handler
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "Timeout before authentication"
 *   tsan  : signal-unsafe call inside of a signal: malloc <- log_msg <- grace_alarm_handler
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;

/* Formats a log line into a heap buffer and writes it (what syslog() does inside). */
static void log_msg(const char *what)
{
    size_t n = strlen(what) + 32;
    char *line = malloc(n);                          // BUG: malloc inside a signal handler
    if (!line)
        return;
    int len = snprintf(line, n, "sshd[login]: %s\n", what);
    if (write(STDOUT_FILENO, line, (size_t)len) < 0) { /* nothing to do */ }
    free(line);                                      // BUG: free inside a signal handler
}

static void grace_alarm_handler(int sig)
{
    (void)sig;
    int saved_errno = errno;
    log_msg("Timeout before authentication");       /* what sshd 8.5p1-9.7p1 did */
    timed_out = 1;
    errno = saved_errno;
}

int cc_main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = grace_alarm_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);

    /* Forced schedule: SIGALRM is blocked until the main thread waits in sigsuspend(),
     * so the handler always runs there, 10 ms after the timer is armed. */
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGALRM);

    struct itimerval grace = { { 0, 0 }, { 0, 10000 } };    /* LoginGraceTime, shortened */
    setitimer(ITIMER_REAL, &grace, NULL);
    while (!timed_out)
        sigsuspend(&waitmask);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("connection closed\n");
    return 0;
}

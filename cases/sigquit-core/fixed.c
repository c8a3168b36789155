/* sigquit-core / fixed.c -- SIGQUIT is claimed as a "shut down cleanly" request.
 *
 * WHAT IT SHOWS
 *   A program that must not leave a core on an operator's Ctrl-\ decides what SIGQUIT
 *   means, before it can arrive: here it blocks SIGQUIT and waits for it with
 *   sigtimedwait(), the synchronous way to take a signal. A blocked signal is never
 *   delivered, so its default action (core) never runs: it stays pending until
 *   sigtimedwait() accepts it, in ordinary code, where anything is allowed (stdio,
 *   locks, free(), flushing files). The program then shuts down and exits 0.
 *   The same run configuration sends the same SIGQUIT to this twin.
 *   (If SIGQUIT arrived during a real computation instead of a sleep, the usual shape
 *   is a dedicated thread blocked in sigwait(); or a handler that only sets a flag.)
 *
 * HOW IT RUNS
 *   crashcourse run sigquit-core --variant fixed
 *
 * WHAT MUST APPEAR
 *   every lens: "SIGQUIT received: shutting down cleanly", exit 0, no core
 */
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int cc_main(void)
{
    sigset_t quit;
    sigemptyset(&quit);
    sigaddset(&quit, SIGQUIT);
    /* FIX: block it BEFORE saying "ready": from here on SIGQUIT can only be pending. */
    sigprocmask(SIG_BLOCK, &quit, NULL);                   // FIX: SIGQUIT is never delivered by default
    printf("ready: pid %d sleeping; Ctrl-\\ (SIGQUIT) asks me to quit cleanly\n", (int)getpid());

    struct timespec nap = {30, 0};
    int sig = sigtimedwait(&quit, NULL, &nap);             // FIX: take it synchronously instead of sleep()
    if (sig == SIGQUIT)
        printf("SIGQUIT received: shutting down cleanly\n");
    else
        printf("woke up\n");
    sigprocmask(SIG_UNBLOCK, &quit, NULL);                 /* nothing pending any more */
    return 0;
}

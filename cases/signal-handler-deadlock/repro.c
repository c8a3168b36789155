/* signal-handler-deadlock / repro.c -- a signal handler takes a lock that the code it
 * interrupted already holds: the thread waits for itself, forever.
 *
 * WHAT IT SHOWS
 *   The seed article's warning: malloc() keeps an internal lock; if a signal arrives
 *   while a thread is inside malloc and the handler calls malloc too, the handler
 *   waits for a lock that only the interrupted code -- suspended under the handler,
 *   on the same thread -- can release. It never will. The same is true of any lock:
 *   here it is the application's own log mutex, so that the timing is deterministic
 *   (a real malloc-in-handler deadlock needs the signal to land inside malloc's
 *   critical section, which happens once in a blue moon, typically in production).
 *     1. cc_main logs a line: log_line() locks log_lock ...
 *     2. ... and while it holds it, SIGUSR2 arrives (raised here, inside the critical
 *        section, to stand for a signal arriving at the worst moment);
 *     3. the SIGUSR2 handler wants to log "reloading config" and calls log_line(),
 *        which locks log_lock: a default (non-recursive) mutex owned by this very
 *        thread. The futex wait never ends. No CPU is used: it just sleeps.
 *
 * HOW IT RUNS
 *   [run] timeout_s = 2: the watchdog sees no exit and (almost) no CPU => "deadlock",
 *   and attaches gdb -p to take the stack before killing it.
 *   crashcourse run signal-handler-deadlock
 *
 * WHAT MUST APPEAR
 *   plain, gdb : timed out, kind deadlock; the captured stack shows, innermost first,
 *                the lock wait <- log_line <- on_reload (the handler) <- <signal handler
 *                called> <- ... <- log_line <- cc_main: the same function twice, the
 *                handler in between.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_line(const char *msg, int at_worst_moment)
{
    pthread_mutex_lock(&log_lock);            // BUG: taken twice on one thread: by the interrupted code and the handler
    if (at_worst_moment)
        raise(SIGUSR2);            /* the signal lands while log_lock is held */
    fprintf(stderr, "log: %s\n", msg);         // BUG: stdio from the handler: not async-signal-safe either
    pthread_mutex_unlock(&log_lock);
}

static void on_reload(int sig)
{
    (void)sig;
    log_line("reloading config", 0);                // BUG: locks in a handler; the interrupted code holds it
}

int cc_main(void)
{
    signal(SIGUSR2, on_reload);
    log_line("serving", 1);
    printf("done\n");
    return 0;
}

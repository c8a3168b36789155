/* signal-handler-deadlock / fixed.c -- the handler only sets a flag; the work is done
 * later, in ordinary code, where locks are allowed.
 *
 * WHAT IT SHOWS
 *   The rule: a handler may call only async-signal-safe functions (signal-safety(7)):
 *   no malloc, no stdio, no mutex. The usual shape is a `volatile sig_atomic_t` flag
 *   that the handler sets and the main loop polls; the reload (and its log line) then
 *   runs outside the critical section. (Alternatives: block the signal around critical
 *   sections with pthread_sigmask, or take it synchronously with sigwait in a thread.)
 *   Same signal at the same worst moment; nothing waits; exit 0.
 *
 * HOW IT RUNS
 *   crashcourse run signal-handler-deadlock --variant fixed
 *
 * WHAT MUST APPEAR
 *   every lens: "log: serving", "log: reloading config", exit 0
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t reload_requested;

void log_line(const char *msg, int at_worst_moment)
{
    pthread_mutex_lock(&log_lock);
    if (at_worst_moment)
        raise(SIGUSR2);
    fprintf(stderr, "log: %s\n", msg);
    pthread_mutex_unlock(&log_lock);
}

static void on_reload(int sig)
{
    (void)sig;
    reload_requested = 1;                           // FIX: only set a flag: async-signal-safe
}

int cc_main(void)
{
    signal(SIGUSR2, on_reload);
    log_line("serving", 1);
    if (reload_requested) {                         /* the main loop's poll, lock free */
        reload_requested = 0;
        log_line("reloading config", 0);
    }
    printf("done\n");
    return 0;
}

/* mutex-use-after-destroy / repro.c -- shutdown in the wrong order: the logger's mutex is gone.
 *
 * WHAT IT SHOWS
 *   A logger serialises its lines with a mutex; logger_shutdown() destroys it. At
 *   shutdown the program tears the logger down first and flushes the cache second --
 *   and cache_flush() logs. The log call locks a destroyed mutex: undefined behaviour.
 *   glibc marks a destroyed mutex invalid, so pthread_mutex_lock() returns EINVAL and
 *   the logger, which like most ignores the result, writes with no lock held; with
 *   another thread still logging, lines would interleave. ThreadSanitizer reports
 *   "use of an invalid mutex (e.g. uninitialized or destroyed)". ClickHouse hit this
 *   at exit, when static objects were destroyed in the wrong order and a destructor
 *   logged through Poco's logger (ClickHouse/ClickHouse#27812).
 *
 * HOW IT RUNS
 *   crashcourse run mutex-use-after-destroy                # plain: exit 0, the line written anyway
 *   crashcourse run mutex-use-after-destroy --lens tsan    # use of an invalid mutex
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "[cache] flushed 3 entries", lock result "Invalid argument"
 *   tsan  : use of an invalid mutex (e.g. uninitialized or destroyed), in log_line <- cache_flush
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t log_lock;
static int log_lock_result;                   /* what the last lock returned, shown at the end */

static void logger_init(void) { pthread_mutex_init(&log_lock, NULL); }
static void logger_shutdown(void) { pthread_mutex_destroy(&log_lock); }

static void log_line(const char *who, const char *what)
{
    log_lock_result = pthread_mutex_lock(&log_lock);          // BUG: locks a destroyed mutex
    printf("[%s] %s\n", who, what);
    pthread_mutex_unlock(&log_lock);                         // BUG: ... and unlocks it
}

static void cache_flush(void)
{
    log_line("cache", "flushed 3 entries");                   /* logs during shutdown */
}

int cc_main(void)
{
    logger_init();
    log_line("main", "started");
    /* shutdown */
    logger_shutdown();                                        // BUG: the logger goes first ...
    cache_flush();                                            /* ... and the cache still logs */
    printf("last pthread_mutex_lock returned: %s\n", strerror(log_lock_result));
    return 0;
}

/* mutex-use-after-destroy / fixed.c -- tear down in the reverse order of setup.
 *
 * WHAT IT SHOWS
 *   The logger was initialised first, so it is shut down last: everything that might
 *   log during shutdown runs while its mutex still exists. pthread_mutex_lock() returns
 *   0 every time.
 *
 * HOW IT RUNS
 *   crashcourse run mutex-use-after-destroy      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, lock result "Success", no report, under plain and tsan.
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
    log_lock_result = pthread_mutex_lock(&log_lock);
    printf("[%s] %s\n", who, what);
    pthread_mutex_unlock(&log_lock);
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
    cache_flush();                                            /* the cache logs while the logger lives */
    logger_shutdown();                                        // FIX: torn down last: reverse order of init
    printf("last pthread_mutex_lock returned: %s\n", strerror(log_lock_result));
    return 0;
}

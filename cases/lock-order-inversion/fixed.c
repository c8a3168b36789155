/* lock-order-inversion / fixed.c -- one global order: accounts before audit_log, everywhere.
 *
 * WHAT IT SHOWS
 *   report() takes the locks in the same order as transfer(). With a single order no
 *   cycle is possible, whatever the threads' timing, and TSan's lock-order graph has
 *   only the edge accounts -> audit_log.
 *
 * HOW IT RUNS
 *   crashcourse run lock-order-inversion      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain and tsan.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t accounts  = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit_log = PTHREAD_MUTEX_INITIALIZER;
static long balance = 100, audit_entries;

static void *transfer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&accounts);
    balance -= 30;
    pthread_mutex_lock(&audit_log);
    audit_entries++;
    pthread_mutex_unlock(&audit_log);
    pthread_mutex_unlock(&accounts);
    printf("transfer done\n");
    return NULL;
}

static void *report(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&accounts);               // FIX: the same order as transfer()
    pthread_mutex_lock(&audit_log);
    printf("report: balance %ld after %ld audited operations\n", balance, audit_entries);
    pthread_mutex_unlock(&audit_log);
    pthread_mutex_unlock(&accounts);
    printf("report done\n");
    return NULL;
}

int cc_main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, transfer, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, report, NULL);
    pthread_join(t, NULL);
    return 0;
}

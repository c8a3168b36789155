/* lock-order-inversion / repro.c -- two locks taken in opposite orders: a deadlock waiting to happen.
 *
 * WHAT IT SHOWS
 *   transfer() locks `accounts` then `audit_log`; report() locks `audit_log` then
 *   `accounts`. If the two ever run at the same time, each can hold its first lock and
 *   wait forever for the other's: the classic ABBA deadlock. Here they never overlap:
 *   cc_main runs transfer in one thread, joins it, then runs report in another. The
 *   program always finishes, as it does in every test that happens not to hit the
 *   window. ThreadSanitizer does not need the deadlock to happen: it records, for every
 *   lock taken while another is held, an edge "accounts -> audit_log" in a lock-order
 *   graph, and when report() adds "audit_log -> accounts" it finds the cycle:
 *   "lock-order-inversion (potential deadlock)", with both acquisition stacks.
 *
 * HOW IT RUNS
 *   crashcourse run lock-order-inversion                 # plain: exit 0, nothing to see
 *   crashcourse run lock-order-inversion --lens tsan     # the cycle in the lock-order graph
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "transfer done", "report done"
 *   tsan  : lock-order-inversion (potential deadlock), M0 => M1 => M0, both stacks
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
    pthread_mutex_lock(&audit_log);              // BUG: accounts, then audit_log
    audit_entries++;
    pthread_mutex_unlock(&audit_log);
    pthread_mutex_unlock(&accounts);
    printf("transfer done\n");
    return NULL;
}

static void *report(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&audit_log);
    pthread_mutex_lock(&accounts);               // BUG: audit_log, then accounts: the opposite order
    printf("report: balance %ld after %ld audited operations\n", balance, audit_entries);
    pthread_mutex_unlock(&accounts);
    pthread_mutex_unlock(&audit_log);
    printf("report done\n");
    return NULL;
}

int cc_main(void)
{
    pthread_t t;
    /* Forced schedule: the two threads never run at the same time, so this never
     * deadlocks; the inversion is still there, and TSan sees it. */
    pthread_create(&t, NULL, transfer, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, report, NULL);
    pthread_join(t, NULL);
    return 0;
}

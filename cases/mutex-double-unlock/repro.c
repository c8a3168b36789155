/* mutex-double-unlock / repro.c -- an error path unlocks a mutex it already unlocked.
 *
 * WHAT IT SHOWS
 *   queue_push() unlocks the queue's mutex on its "queue full" early exit, then jumps to
 *   the common exit, which unlocks it again. With glibc's default (normal) mutex the
 *   second unlock is undefined behaviour that happens to "work": it returns 0 and marks
 *   the mutex free, so nothing visible goes wrong here -- and
 *   if another thread had taken the lock in between, this thread would release THAT
 *   thread's lock. ThreadSanitizer tracks who holds each mutex and reports
 *   "unlock of an unlocked mutex (or by a wrong thread)". qthreads had an unpaired
 *   unlock of exactly this kind, found by TSan (sandialabs/qthreads#202).
 *
 * HOW IT RUNS
 *   crashcourse run mutex-double-unlock                 # plain: exit 0, nothing to see
 *   crashcourse run mutex-double-unlock --lens tsan     # unlock of an unlocked mutex
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "push 3: queue full", "queue holds 2 items"
 *   tsan  : unlock of an unlocked mutex (or by a wrong thread), in queue_push
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { CAPACITY = 2 };

struct queue {
    pthread_mutex_t lock;
    int items[CAPACITY];
    int count;
};

static int queue_push(struct queue *q, int item)
{
    int rc = 0;
    pthread_mutex_lock(&q->lock);
    if (q->count == CAPACITY) {
        pthread_mutex_unlock(&q->lock);            // BUG: the early exit unlocks ...
        rc = -1;
        goto out;
    }
    q->items[q->count++] = item;
out:
    pthread_mutex_unlock(&q->lock);                // BUG: ... and the common exit unlocks again
    return rc;
}

static void *producer(void *arg)
{
    struct queue *q = arg;
    for (int i = 1; i <= 3; i++)
        if (queue_push(q, i) < 0)
            printf("push %d: queue full\n", i);
    return NULL;
}

int cc_main(void)
{
    static struct queue q = { PTHREAD_MUTEX_INITIALIZER, { 0 }, 0 };
    pthread_t t;
    pthread_create(&t, NULL, producer, &q);
    pthread_join(t, NULL);
    printf("queue holds %d items\n", q.count);
    return 0;
}

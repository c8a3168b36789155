/* mutex-double-unlock / fixed.c -- one unlock per lock, on every path.
 *
 * WHAT IT SHOWS
 *   The early exit only sets the result and jumps to the common exit, which is the one
 *   place that unlocks. Every path through queue_push() unlocks exactly once.
 *
 * HOW IT RUNS
 *   crashcourse run mutex-double-unlock      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "push 3: queue full", no report, under plain and tsan.
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
        rc = -1;                                   // FIX: no unlock here; the exit path does it
        goto out;
    }
    q->items[q->count++] = item;
out:
    pthread_mutex_unlock(&q->lock);                /* the one unlock of every path */
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

/* mutex-destroy-locked / repro.c -- a thread pool destroys its mutex while holding it.
 *
 * WHAT IT SHOWS
 *   threadpool_free() locks the pool's mutex "to be sure no worker is still using it"
 *   and then destroys it, still locked. POSIX: destroying a locked mutex is undefined
 *   behaviour. glibc's pthread_mutex_destroy() notices that a normal mutex is in use
 *   and returns EBUSY, which the code ignores -- the memory is then freed anyway, under
 *   any thread that might still be waiting on it. ThreadSanitizer reports
 *   "destroy of a locked mutex" with where it was locked. This is the code of
 *   mbrossard/threadpool (reported with TSan in mbrossard/threadpool#13) and of the
 *   projects that copied it (Cogmasters/concord#106).
 *
 * HOW IT RUNS
 *   crashcourse run mutex-destroy-locked               # plain: exit 0, EBUSY ignored
 *   crashcourse run mutex-destroy-locked --lens tsan   # destroy of a locked mutex
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "pthread_mutex_destroy: Device or resource busy"
 *   tsan  : destroy of a locked mutex, in threadpool_free, "and:" the lock
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct threadpool {
    pthread_mutex_t lock;
    pthread_cond_t  notify;
    pthread_t       worker;
    int             shutdown;
    int             done;
};

static void *worker(void *arg)
{
    struct threadpool *pool = arg;
    pthread_mutex_lock(&pool->lock);
    while (!pool->shutdown)
        pthread_cond_wait(&pool->notify, &pool->lock);
    pool->done++;
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

static void threadpool_free(struct threadpool *pool)
{
    pthread_mutex_lock(&pool->lock);               /* "make sure nobody uses it any more" */
    int rc = pthread_mutex_destroy(&pool->lock);   // BUG: destroyed while this thread holds it
    if (rc != 0)
        printf("pthread_mutex_destroy: %s\n", strerror(rc));
    pthread_cond_destroy(&pool->notify);
    free(pool);
}

int cc_main(void)
{
    struct threadpool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return 2;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->notify, NULL);
    pthread_create(&pool->worker, NULL, worker, pool);

    pthread_mutex_lock(&pool->lock);               /* threadpool_destroy(): stop the worker */
    pool->shutdown = 1;
    pthread_cond_broadcast(&pool->notify);
    pthread_mutex_unlock(&pool->lock);
    pthread_join(pool->worker, NULL);
    printf("worker stopped (%d)\n", pool->done);

    threadpool_free(pool);
    printf("pool freed\n");
    return 0;
}

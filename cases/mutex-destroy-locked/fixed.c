/* mutex-destroy-locked / fixed.c -- unlock before destroy.
 *
 * WHAT IT SHOWS
 *   Once the worker is joined nobody else can hold the lock: threadpool_free() has no
 *   reason to take it. If a lock is taken to wait for the last user, it is unlocked
 *   before pthread_mutex_destroy(), which then returns 0.
 *
 * HOW IT RUNS
 *   crashcourse run mutex-destroy-locked      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no EBUSY, no report, under plain and tsan.
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
    pthread_mutex_unlock(&pool->lock);             // FIX: released before it is destroyed
    int rc = pthread_mutex_destroy(&pool->lock);
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

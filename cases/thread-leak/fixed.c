/* thread-leak / fixed.c -- pool_exit() joins every worker it started.
 *
 * WHAT IT SHOWS
 *   The fix of KhronosGroup/OpenCL-CTS#1553: after waking the workers, pool_exit()
 *   calls pthread_join() on each, which waits for it and releases its stack and
 *   descriptor. (A thread nobody needs to wait for is created detached instead.)
 *
 * HOW IT RUNS
 *   crashcourse run thread-leak      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain and tsan.
 */
#include <pthread.h>
#include <stdio.h>

enum { WORKERS = 4 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t  gone = PTHREAD_COND_INITIALIZER;
static int stop, exited;
static pthread_t workers[WORKERS];

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!stop)
        pthread_cond_wait(&wake, &lock);
    exited++;
    pthread_cond_signal(&gone);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void pool_init(void)
{
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&workers[i], NULL, worker, NULL);
}

static void pool_exit(void)
{
    pthread_mutex_lock(&lock);
    stop = 1;
    pthread_cond_broadcast(&wake);
    while (exited < WORKERS)                                   /* wait until every worker returned */
        pthread_cond_wait(&gone, &lock);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(workers[i], NULL);                        // FIX: reclaim each finished thread
    printf("%d workers exited\n", exited);
}

int cc_main(void)
{
    pool_init();
    pool_exit();
    printf("pool exited in an orderly fashion\n");
    return 0;
}

/* thread-leak / repro.c -- a thread pool whose workers are told to stop but never joined.
 *
 * WHAT IT SHOWS
 *   pool_exit() sets the stop flag and wakes the workers; they return. Nobody calls
 *   pthread_join() (or pthread_detach()), so each finished thread stays a "zombie":
 *   its stack (8 MiB of address space by default) and its descriptor are kept until the
 *   process ends, because someone might still ask for its return value. One pool
 *   start/stop leaks 4 threads; a server that does it per request runs out of memory or
 *   of threads. Nothing fails at once: the plain run exits 0. ThreadSanitizer reports
 *   "thread leak" at exit, for each unjoined thread, with where it was created.
 *   OpenCL-CTS's thread pool had this bug, found with TSan (KhronosGroup/OpenCL-CTS#1553).
 *
 * HOW IT RUNS
 *   crashcourse run thread-leak                # plain: exit 0
 *   crashcourse run thread-leak --lens tsan    # thread leak, created by main thread at pool_init
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "4 workers exited", "pool exited in an orderly fashion"
 *   tsan  : thread leak (4 of them), "Thread T1 (tid=..., finished) created by main thread"
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
        pthread_create(&workers[i], NULL, worker, NULL);       // BUG: joinable threads that nobody joins
}

static void pool_exit(void)
{
    pthread_mutex_lock(&lock);
    stop = 1;
    pthread_cond_broadcast(&wake);
    while (exited < WORKERS)                                   /* wait until every worker returned */
        pthread_cond_wait(&gone, &lock);
    pthread_mutex_unlock(&lock);
    printf("%d workers exited\n", exited);
}

int cc_main(void)
{
    pool_init();
    pool_exit();
    printf("pool exited in an orderly fashion\n");
    return 0;
}

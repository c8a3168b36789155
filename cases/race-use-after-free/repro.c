/* race-use-after-free / repro.c -- a worker signals "done" before it is done with the request.
 *
 * WHAT IT SHOWS
 *   The main thread hands a request to a worker and frees it as soon as the worker's
 *   `done` flag is set. The worker sets the flag, then still updates the request's
 *   statistics: a write to memory the main thread has just freed. The flag orders what
 *   the worker did BEFORE setting it (release/acquire), nothing after: the late write and
 *   the free() race, which ThreadSanitizer reports as "heap-use-after-free", with the
 *   write, the free and both threads. The bad interleaving
 *   is forced: the worker waits, with relaxed atomics invisible to TSan as
 *   synchronisation, until main has freed the request. In the plain run the write lands
 *   in a free chunk and nothing happens: exit 0.
 *   ThreadSanitizer found reference-counted objects used after their last release in
 *   pxscene this way (pxscene/pxCore2#1066).
 *
 * HOW IT RUNS
 *   crashcourse run race-use-after-free                 # plain: exit 0
 *   crashcourse run race-use-after-free --lens tsan     # heap-use-after-free (a race with free)
 *   crashcourse run race-use-after-free --lens asan     # heap-use-after-free WRITE, freed by T0
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "request 7 done"
 *   tsan  : heap-use-after-free, Write of size 8 by thread T1, previous write (free) by main thread
 *   asan  : heap-use-after-free, WRITE of size 8 in worker, freed by thread T0
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct request {
    int  id;
    int  done;                /* set by the worker, polled by the main thread */
    long bytes_sent;
    long duration_us;
};

/* ---- the forced schedule: relaxed atomics, not synchronisation as far as TSan knows ---- */
static int step;
static void step_to(int s) { __atomic_store_n(&step, s, __ATOMIC_RELAXED); }
static void wait_for(int s) { while (__atomic_load_n(&step, __ATOMIC_RELAXED) < s) { } }

static void *worker(void *arg)
{
    struct request *req = arg;
    req->bytes_sent = 4096;
    __atomic_store_n(&req->done, 1, __ATOMIC_RELEASE);        // BUG: "done" published while req is still in use
    wait_for(1);                                              /* forced: main frees req now */
    req->duration_us = 250;                                   // BUG: writes the freed request
    return NULL;
}

int cc_main(void)
{
    struct request *req = calloc(1, sizeof *req);
    if (!req)
        return 2;
    req->id = 7;
    pthread_t t;
    pthread_create(&t, NULL, worker, req);
    while (!__atomic_load_n(&req->done, __ATOMIC_ACQUIRE)) { }
    printf("request %d done\n", req->id);
    free(req);                                                // BUG: frees what the worker still writes
    step_to(1);
    pthread_join(t, NULL);
    return 0;
}

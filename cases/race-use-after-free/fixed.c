/* race-use-after-free / fixed.c -- the request is freed after the worker is finished with it.
 *
 * WHAT IT SHOWS
 *   The main thread joins the worker before freeing the request: pthread_join() both
 *   waits for the worker's last access and orders it before the free (a happens-before
 *   edge TSan sees). The worker now publishes nothing early: its return is the signal.
 *
 * HOW IT RUNS
 *   crashcourse run race-use-after-free      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, tsan and asan.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct request {
    int  id;
    int  done;
    long bytes_sent;
    long duration_us;
};

static void *worker(void *arg)
{
    struct request *req = arg;
    req->bytes_sent = 4096;
    req->duration_us = 250;
    req->done = 1;
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
    pthread_join(t, NULL);                                    // FIX: the worker is finished with req
    printf("request %d done, %ld bytes\n", req->id, req->bytes_sent);
    free(req);
    return 0;
}

/* heap-use-after-free-callback / repro.c -- a timer fires for a connection already freed.
 *
 * WHAT IT SHOWS
 *   A tiny event loop runs timers: each timer is a callback plus a `void *arg`. A
 *   connection arms a keepalive-ping timer with itself as arg, without taking a reference.
 *   The connection is then closed and freed, but the timer is neither cancelled nor told:
 *   when the loop fires it, the callback dereferences the freed connection and even writes
 *   to it. glibc does not notice (the fields touched are beyond the 16 bytes its tcache
 *   reuses), so plain exits 0; ASan keeps freed memory in quarantine and poisoned:
 *   heap-use-after-free, with the stacks of the use, the free and the malloc.
 *
 * HOW IT RUNS
 *   crashcourse run heap-use-after-free-callback                  # plain, asan, valgrind, fanalyzer
 *
 * WHAT MUST APPEAR
 *   plain     : exit 0
 *   asan      : heap-use-after-free READ in on_ping_timer <- timers_run <- cc_main; freed by
 *               conn_destroy, allocated by conn_create
 *   valgrind  : invalid-read in on_ping_timer, "28 bytes inside a block of size 48 free'd"
 *   fanalyzer : nothing: the freed pointer travels through a void * in a timer table
 */
#include <stdio.h>
#include <stdlib.h>

/* ---- a minimal event loop ---------------------------------------------------------------- */
typedef void (*timer_cb)(void *arg);
struct timer { timer_cb cb; void *arg; int armed; };
static struct timer timers[4];

static int timer_add(timer_cb cb, void *arg)
{
    for (int i = 0; i < 4; i++)
        if (!timers[i].armed) {
            timers[i] = (struct timer){ cb, arg, 1 };
            return i;
        }
    return -1;
}

/* The loop can cancel a timer: nobody calls this on the close path (hence 'unused'). */
__attribute__((unused))
static void timer_cancel(int id)
{
    if (id >= 0)
        timers[id].armed = 0;
}

__attribute__((noipa))
static void timers_run(void)
{
    for (int i = 0; i < 4; i++)
        if (timers[i].armed) {
            timers[i].armed = 0;
            timers[i].cb(timers[i].arg);
        }
}

/* ---- a connection that pings its peer ---------------------------------------------------- */
struct conn {
    void *tcache_room[2];        /* glibc reuses the first 16 bytes of a freed chunk */
    int  fd;
    int  pings_sent;
    int  ping_timer;
    int  closed;
    char peer[16];
};

static void on_ping_timer(void *arg)
{
    struct conn *c = arg;                       /* nobody checks the conn is still alive */
    if (!c->closed)                             // BUG: c was freed by conn_destroy
        c->pings_sent++;
}

__attribute__((noipa))
static struct conn *conn_create(int fd)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    snprintf(c->peer, sizeof c->peer, "10.0.0.%d", fd);
    c->ping_timer = timer_add(on_ping_timer, c);  // BUG: the timer holds c, unowned
    return c;
}

__attribute__((noipa))
static void conn_destroy(struct conn *c)
{
    printf("closing %s after %d pings\n", c->peer, c->pings_sent);
    free(c);                                    // BUG: frees c while its timer is armed
}

int cc_main(void)
{
    struct conn *c = conn_create(7);
    if (!c)
        return 2;
    conn_destroy(c);     /* the peer hung up */
    timers_run();        /* ... and the keepalive timer fires anyway */
    puts("loop done");
    return 0;
}

/* heap-use-after-free-callback / fixed.c -- the owner cancels its timer before it dies.
 *
 * WHAT IT SHOWS
 *   conn_destroy() cancels the ping timer first, so the loop can no longer call back into
 *   freed memory. (The upstream fix took the other road: the timer holds a reference to
 *   the transport, dropped when the callback has run. Either way, whoever can still reach
 *   the object must keep it alive or be told it is gone.)
 *
 * HOW IT RUNS
 *   crashcourse run heap-use-after-free-callback        # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report under plain, asan, valgrind and fanalyzer.
 */
#include <stdio.h>
#include <stdlib.h>

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

/* The loop can cancel a timer: the close path now calls it. */
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

struct conn {
    void *tcache_room[2];
    int  fd;
    int  pings_sent;
    int  ping_timer;
    int  closed;
    char peer[16];
};

static void on_ping_timer(void *arg)
{
    struct conn *c = arg;
    if (!c->closed)
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
    c->ping_timer = timer_add(on_ping_timer, c);
    return c;
}

__attribute__((noipa))
static void conn_destroy(struct conn *c)
{
    printf("closing %s after %d pings\n", c->peer, c->pings_sent);
    timer_cancel(c->ping_timer);                // FIX: nothing can call back into c any more
    free(c);
}

int cc_main(void)
{
    struct conn *c = conn_create(7);
    if (!c)
        return 2;
    conn_destroy(c);
    timers_run();
    puts("loop done");
    return 0;
}

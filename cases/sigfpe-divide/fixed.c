/* sigfpe-divide / fixed.c -- the same two divisions, checked before they happen.
 *
 * WHAT IT SHOWS
 *   Integer division has two bad inputs, not one: a zero divisor and
 *   INT_MIN / -1. checked_div() refuses both and tells the caller, who decides
 *   what an "average of nothing" means (here: report 0 requests, no average).
 *
 * HOW IT RUNS
 *   crashcourse run sigfpe-divide                  # the fixed twin runs beside the bug
 *   SIGFPE_DIVIDE=int-min selects the INT_MIN / -1 path, as in repro.c.
 *
 * WHAT MUST APPEAR
 *   Exit status 0 under every lens and profile; no signal.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns false (and leaves *out alone) when a / b has no int answer. */
static bool checked_div(int a, int b, int *out)
{
    if (b == 0 || (a == INT_MIN && b == -1))  // FIX: reject both inputs idiv faults on
        return false;
    *out = a / b;
    return true;
}

int cc_main(void)
{
    const char *which = getenv("SIGFPE_DIVIDE");
    int q;

    if (which && strcmp(which, "int-min") == 0) {
        volatile int lo = INT_MIN, minus_one = -1;
        printf("ratio(%d, %d) ...\n", lo, minus_one);
        if (checked_div(lo, minus_one, &q))
            printf("= %d\n", q);
        else
            printf("= out of range for int, refused\n");
        return 0;
    }

    int total_ms = 52;
    int requests = 0;
    printf("total %d ms over %d requests\n", total_ms, requests);
    if (checked_div(total_ms, requests, &q))  // FIX: the caller handles "no answer"
        printf("average: %d ms\n", q);
    else
        printf("average: n/a (no requests)\n");
    return 0;
}

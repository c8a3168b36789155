/* sigfpe-divide / repro.c -- an integer division that the CPU refuses to do.
 *
 * WHAT IT SHOWS
 *   "Floating point exception" is the shell's name for SIGFPE, yet no floating
 *   point is involved: on x86-64 the `idiv` instruction raises the #DE fault for
 *   two integer inputs, and the kernel turns #DE into SIGFPE:
 *     (a) a divisor of zero                        -> the path this file takes
 *     (b) INT_MIN / -1: the true quotient, 2^31, does not fit in an int
 *   The lesson on top: the signal you get depends on the build. At -O0 gcc emits
 *   the `idiv` and the CPU faults (SIGFPE). At -O2 gcc sees that the divisor is the
 *   constant 0, knows the division is undefined behaviour, and plants a `ud2`
 *   trap instead: the same source now dies of SIGILL.
 *
 * HOW IT RUNS
 *   crashcourse run sigfpe-divide                  # plain, profiles O0 and O2
 *   crashcourse run sigfpe-divide --lens ubsan     # the same division, diagnosed instead of trapped
 *   SIGFPE_DIVIDE=int-min ./exe                    # path (b), run by hand (see README)
 *   cc_main() takes path (a) unless the environment variable SIGFPE_DIVIDE is
 *   "int-min". It never reads stdin.
 *
 * WHAT MUST APPEAR
 *   plain -O0 : SIGFPE in per_request() (called from cc_main)
 *   plain -O2 : SIGILL (gcc 12, x86-64: `ud2` where the division was)
 *   gdb       : the backtrace names per_request and cc_main
 *   ubsan     : "repro.c:35:21: runtime error: division by zero", exit 1, no signal
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The incident shape: an average over a batch that can be empty. */
static int per_request(int total_ms, int requests)
{
    return total_ms / requests;               // BUG: requests == 0 -> #DE -> SIGFPE
}

/* The second way to trap: a quotient too large for the type. */
static int ratio(int a, int b)
{
    return a / b;                             // BUG: INT_MIN / -1 -> #DE -> SIGFPE
}

int cc_main(void)
{
    const char *which = getenv("SIGFPE_DIVIDE");

    if (which && strcmp(which, "int-min") == 0) {
        /* volatile: the operands arrive "at run time". Without it gcc -O2 folds
         * INT_MIN / -1 at compile time (it is undefined, so any answer goes) and
         * nothing traps at all. */
        volatile int lo = INT_MIN, minus_one = -1;
        printf("ratio(%d, %d) ...\n", lo, minus_one);
        printf("= %d\n", ratio(lo, minus_one));
        return 0;
    }

    /* An empty batch: nothing was served, so nothing was counted. The zero is a
     * compile-time constant here, which is exactly what lets gcc -O2 notice it. */
    int total_ms = 52;
    int requests = 0;
    printf("total %d ms over %d requests\n", total_ms, requests);
    printf("average: %d ms\n", per_request(total_ms, requests));
    return 0;
}

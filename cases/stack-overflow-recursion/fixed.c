/* stack-overflow-recursion / fixed.c -- a nesting limit turns deep input into an error.
 *
 * WHAT IT SHOWS
 *   parse_expr() refuses to go deeper than MAX_DEPTH levels and reports a syntax error
 *   instead: the input still cannot be parsed, but the process survives it. (The other
 *   fix is an explicit stack on the heap instead of recursion.)
 *
 * HOW IT RUNS
 *   crashcourse run stack-overflow-recursion            # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "nesting too deep", no report under plain and asan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser { const char *p; long depth_seen; };

enum { MAX_DEPTH = 1000 };

__attribute__((noipa))
static long parse_expr(struct parser *ps, long depth)
{
    if (depth > ps->depth_seen)
        ps->depth_seen = depth;
    if (depth > MAX_DEPTH)                           // FIX: bounded recursion
        return -2;
    if (*ps->p == '(') {
        ps->p++;
        long v = parse_expr(ps, depth + 1);
        if (v < 0)
            return v;
        if (*ps->p == ')')
            ps->p++;
        return v + 1;
    }
    if (*ps->p >= '0' && *ps->p <= '9')
        return *ps->p++ - '0';
    return -1;
}

int cc_main(void)
{
    enum { N = 1000000 };
    char *input = malloc(2 * N + 2);
    if (!input)
        return 2;
    memset(input, '(', N);
    input[N] = '1';
    memset(input + N + 1, ')', N);
    input[2 * N + 1] = '\0';

    struct parser ps = { input, 0 };
    long v = parse_expr(&ps, 0);
    if (v == -2)
        printf("nesting too deep (limit %d)\n", MAX_DEPTH);
    else
        printf("value %ld, depth %ld\n", v, ps.depth_seen);
    free(input);
    return 0;
}

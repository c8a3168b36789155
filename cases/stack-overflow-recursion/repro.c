/* stack-overflow-recursion / repro.c -- a recursive-descent parser and deeply nested input.
 *
 * WHAT IT SHOWS
 *   parse_expr() handles '(' by calling itself for the inner expression: one C stack frame
 *   per nesting level, and no limit on the level. An input of 1,000,000 '(' (a fuzzer's
 *   favourite) needs a million frames; the main thread's stack is 8 MiB, so the recursion
 *   runs into the guard page below it: SIGSEGV. ASan's SEGV handler sees the fault address
 *   next to the stack pointer and says so: stack-overflow.
 *
 * HOW IT RUNS
 *   crashcourse run stack-overflow-recursion             # plain, asan
 *   case.toml sets ASAN_OPTIONS=fast_unwind_on_fatal=0: the fast unwinder often stops at
 *   frame #0 when the overflow hits a prologue; the slow one always gives the whole stack.
 *
 * WHAT MUST APPEAR
 *   plain : SIGSEGV (faulthandler: "Fatal Python error: Segmentation fault")
 *   asan  : stack-overflow, frames parse_expr, parse_expr, ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser { const char *p; long depth_seen; };

/* expr := '(' expr ')' | digit */
__attribute__((noipa))
static long parse_expr(struct parser *ps, long depth)
{
    if (depth > ps->depth_seen)
        ps->depth_seen = depth;
    if (*ps->p == '(') {
        ps->p++;
        long v = parse_expr(ps, depth + 1);          // BUG: one stack frame per '(', no limit
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
    char *input = malloc(2 * N + 2);                 /* "((((...1...))))" */
    if (!input)
        return 2;
    memset(input, '(', N);
    input[N] = '1';
    memset(input + N + 1, ')', N);
    input[2 * N + 1] = '\0';

    struct parser ps = { input, 0 };
    long v = parse_expr(&ps, 0);
    printf("value %ld, depth %ld\n", v, ps.depth_seen);
    free(input);
    return 0;
}

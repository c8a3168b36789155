/* stack-smash / fixed.c -- a copy that cannot write past the buffer.
 *
 * WHAT IT SHOWS
 *   snprintf(buf, sizeof buf, "%s", name) writes at most sizeof buf bytes,
 *   always NUL-terminates, and returns the length it WANTED to write, so the
 *   caller can tell that the name was cut short and say so.
 *
 * HOW IT RUNS
 *   crashcourse run stack-smash                    # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan and gdb.
 */
#include <stdio.h>
#include <string.h>

static void greet(const char *name)
{
    char buf[16];
    int want = snprintf(buf, sizeof buf, "%s", name);   // FIX: bounded by sizeof buf
    if (want >= (int)sizeof buf)
        printf("(name truncated from %d to %zu bytes)\n", want, sizeof buf - 1);
    printf("hello, %s\n", buf);
}

int cc_main(void)
{
    const char *volatile name = "a-user-name-much-longer-than-16-bytes!!!";
    printf("name is %zu bytes\n", strlen(name));
    greet(name);
    return 0;
}

/* printf-missing-arg / fixed.c -- every conversion has its argument.
 *
 * WHAT IT SHOWS
 *   The format and the argument list agree, which gcc verifies (-Wformat). Build
 *   with -Wall -Werror=format (or at least read the warnings): this whole class
 *   of bug is caught before the program ever runs. For your own printf-like
 *   functions, __attribute__((format(printf, N, M))) buys the same check.
 *
 * HOW IT RUNS
 *   crashcourse run printf-missing-arg             # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   No warning under fanalyzer; "mei is working on crashcourse"; exit status 0.
 */
#include <stdio.h>

static void announce(const char *user, const char *project)
{
    printf("%s is working on %s\n", user, project);   // FIX: one argument per conversion
}

int cc_main(void)
{
    announce("mei", "crashcourse");
    return 0;
}

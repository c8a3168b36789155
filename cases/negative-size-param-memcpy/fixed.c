/* negative-size-param-memcpy / fixed.c -- reject a negative length before it becomes a size_t.
 *
 * WHAT IT SHOWS
 *   The length is checked on both sides, 0 <= len < msgsize, before memcpy sees it: the
 *   malformed line is rejected instead of being copied. (Keeping lengths in size_t from the
 *   start would have turned the -1 into a huge number that the upper-bound check catches.)
 *
 * HOW IT RUNS
 *   crashcourse run negative-size-param-memcpy          # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "line 1: -1 bytes: (rejected)", no report under plain and asan.
 */
#include <stdio.h>
#include <string.h>

__attribute__((noipa))
static long parse_line(const char *line, char *msg, long msgsize)
{
    const char *start = strchr(line, ',');
    if (!start || !(start = strchr(start + 1, ',')))
        return -1;
    const char *end = strchr(start, '*');
    if (!end)
        return -1;
    long len = end - start - 2;
    if (len < 0 || len >= msgsize)               // FIX: a negative length is malformed input
        return -1;
    memcpy(msg, start + 1, len);
    msg[len] = '\0';
    return len;
}

int cc_main(void)
{
    static const char *lines[] = {
        "$PAMAR,WI,wind=12.5,*3A",
        "$PAMAR,WI,*00",
    };
    char msg[64];
    for (int i = 0; i < 2; i++) {
        long n = parse_line(lines[i], msg, sizeof msg);
        printf("line %d: %ld bytes: %s\n", i, n, n >= 0 ? msg : "(rejected)");
    }
    return 0;
}

/* heap-slack-read / fixed.c -- the index is checked against the size asked for.
 *
 * WHAT IT SHOWS
 *   The bound is n, the number of bytes requested from malloc, never the
 *   allocator's usable size: the slack after n belongs to nobody. An index past
 *   the end is refused instead of read.
 *
 * HOW IT RUNS
 *   crashcourse run heap-slack-read                 # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report under plain, asan and valgrind.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cc_main(void)
{
    size_t n = 10;
    char *buf = malloc(n);
    if (!buf)
        return 2;
    memcpy(buf, "0123456789", n);

    printf("CRASHCOURSE_METRIC usable_size=%zu\n", malloc_usable_size(buf));

    volatile size_t i = n + 1;
    if (i < n)                                // FIX: bound by the requested size n
        printf("read buf[%zu]: '%c'\n", (size_t)i, buf[i]);
    else
        printf("index %zu is out of range (size %zu), not read\n", (size_t)i, n);

    free(buf);
    return 0;
}

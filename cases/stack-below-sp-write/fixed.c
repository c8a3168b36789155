/* stack-below-sp-write / fixed.c -- the index is range-checked before the store.
 *
 * WHAT IT SHOWS
 *   An index into a fixed array is checked against both ends, 0 and the
 *   element count. (Using an unsigned index type would turn -100 into a huge
 *   positive number and make a single `< count` test catch both ends.)
 *
 * HOW IT RUNS
 *   crashcourse run stack-below-sp-write                  # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan and valgrind.
 */
#include <stdio.h>

#define COUNT 10

static int fill(int offset)
{
    int a[COUNT];
    for (int i = 0; i < COUNT; i++)
        a[i] = i;
    if (offset >= 0 && offset < COUNT)        // FIX: both bounds checked
        a[offset] = 10;
    else
        printf("offset %d is outside 0..%d, ignored\n", offset, COUNT - 1);
    return a[0] + a[9];
}

int cc_main(void)
{
    volatile int offset = -100;
    int sum = fill(offset);
    printf("fill() returned %d\n", sum);
    return 0;
}

/* stack-return-address / fixed.c -- the same recursion, the loop bounded by the array.
 *
 * WHAT IT SHOWS
 *   The twin of repro.c: foo(n) still recurses from 8 to 20, but fills at most the
 *   10 slots it owns. Nothing above `a` is written, every frame returns to its caller,
 *   and the program prints 13 "begin" and 13 "end" lines and exits 0.
 *
 * HOW IT RUNS
 *   crashcourse run stack-return-address --variant fixed
 *
 * WHAT MUST APPEAR
 *   every lens: exit 0, no signal, no report
 */
#include <stdio.h>

#define COUNT(x) (sizeof(x) / sizeof((x)[0]))

void foo(int n)
{
    printf("The %d step begin.\n", n);
    volatile int a[10];
    for (int i = 0; i < n && i < (int)COUNT(a); i++) {   // FIX: never past a[9], whatever n is
        a[i] = i;
    }
    if (n < 20) {
        foo(n + 1);
    }
    printf("The %d step end\n", n);
}

int cc_main(void)
{
    foo(8);
    return 0;
}

/* fortify-buffer-overflow / fixed.c -- room for the NUL, and snprintf to say so.
 *
 * WHAT IT SHOWS
 *   The buffer gets the fifth byte (the fix spf's reporter found: char iter_as_str[5]),
 *   and snprintf() with sizeof bounds the write even if the format ever grows.
 *
 * HOW IT RUNS
 *   crashcourse run fortify-buffer-overflow      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain (O0, O2), asan and gdb.
 */
#include <stdio.h>
#include <string.h>

__attribute__((noipa))
static void save_checkpoint(int iter, double loss)
{
    char iter_as_str[12];                                        /* any int, sign and NUL */
    snprintf(iter_as_str, sizeof iter_as_str, "%04d", iter);     // FIX: bounded, and big enough
    printf("saving checkpoint model-%s.dat (loss %.3f)\n", iter_as_str, loss);
}

int cc_main(void)
{
    double loss = 1.0;
    for (int iter = 1; iter <= 40; iter++) {
        loss *= 0.9;
        if (iter % 20 == 0)
            save_checkpoint(iter, loss);
    }
    printf("training done\n");
    return 0;
}

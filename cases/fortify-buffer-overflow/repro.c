/* fortify-buffer-overflow / repro.c -- a 4-byte buffer for a 4-digit number, caught by _FORTIFY_SOURCE.
 *
 * WHAT IT SHOWS
 *   A training loop saves a checkpoint every 20 iterations and names it after the
 *   iteration: sprintf(iter_as_str, "%04d", iter) into char iter_as_str[4]. Four digits
 *   and the terminating NUL are 5 bytes. Built with -O2 -D_FORTIFY_SOURCE=2 (what most
 *   distributions build their packages with), gcc knows the buffer's size at the call
 *   and calls __sprintf_chk(buf, ..., 4, ...) instead of sprintf; glibc formats, sees
 *   the 5th byte would not fit, and aborts before anything is corrupted:
 *   "*** buffer overflow detected ***: terminated", SIGABRT. At -O0 fortification is
 *   off and the one-byte overflow goes unnoticed.
 *   The spf recommender (ajbc/spf#8) died this way at its first save, every time.
 *
 * HOW IT RUNS
 *   crashcourse run fortify-buffer-overflow                 # plain O2: fortify aborts; O0: silent
 *   crashcourse run fortify-buffer-overflow --lens asan     # stack-buffer-overflow in sprintf
 *   crashcourse run fortify-buffer-overflow --lens gdb      # __fortify_fail <- __sprintf_chk
 *
 * WHAT MUST APPEAR
 *   plain O2 : SIGABRT, "*** buffer overflow detected ***: terminated"
 *   plain O0 : exit 0, the checkpoints written, nothing reported
 *   asan     : stack-buffer-overflow, WRITE of size 5, 'iter_as_str'
 */
#include <stdio.h>
#include <string.h>

__attribute__((noipa))
static void save_checkpoint(int iter, double loss)
{
    char iter_as_str[4];
    sprintf(iter_as_str, "%04d", iter);          // BUG: 4 digits + NUL = 5 bytes into 4
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

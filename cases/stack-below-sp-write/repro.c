/* stack-below-sp-write / repro.c -- a[-100] of a 10-int stack array.
 *
 * WHAT IT SHOWS
 *   The stack is one big mapping (8 MiB by default) reserved when the thread
 *   starts; the stack pointer only marks how much of it is in use. a[-100] is
 *   400 bytes BELOW `a`, i.e. below the stack pointer, in the part of the stack
 *   that no frame owns yet. The page is mapped and writable, so the CPU stores
 *   the int and nothing happens: exit 0. The next function call will build its
 *   frame right there and overwrite the value (or be overwritten by it).
 *
 *   The lesson for tool authors: AddressSanitizer does NOT report this. ASan
 *   puts redzones only around each stack variable (typically 32 bytes each
 *   side), and checks an access against the shadow byte of its address. 400
 *   bytes below `a` is outside every redzone of this frame, in memory that no
 *   live frame has poisoned, so the shadow says "addressable" and the write
 *   passes. (a[-2] or a[-10] land in the left redzone and ARE reported.)
 *   Valgrind's memcheck, which tracks the stack pointer itself, flags a write
 *   below it.
 *
 * HOW IT RUNS
 *   crashcourse run stack-below-sp-write                  # plain: silent
 *   crashcourse run stack-below-sp-write --lens asan      # silent too: a false negative
 *   crashcourse run stack-below-sp-write --lens valgrind  # see case.toml
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0, no signal
 *   asan     : exit 0, NO report (the false negative is the point)
 *   valgrind : Invalid write of size 4, "... bytes below stack pointer"
 */
#include <stdio.h>

/* Fills a small scratch table, with an index computed one step too far. */
static int fill(int offset)
{
    int a[10];
    for (int i = 0; i < 10; i++)
        a[i] = i;
    a[offset] = 10;                            // BUG: offset is -100: 400 bytes below a[0]
    return a[0] + a[9];
}

int cc_main(void)
{
    /* volatile: the bad offset arrives at run time (say, a "previous slot"
     * computed from an empty history), so the compiler cannot see it. */
    volatile int offset = -100;
    int sum = fill(offset);
    printf("fill() returned %d\n", sum);
    return 0;
}

/* stack-return-address / repro.c -- a recursive overrun that rewrites the return address.
 *
 * WHAT IT SHOWS
 *   The seed article's stack_broken.cpp, unchanged in spirit. foo(n) fills `int a[10]`
 *   with n values and recurses up to n = 20. Up to n = 10 all is well; from n = 11 on
 *   every call writes past a[9]. Nothing faults while writing: the words above `a` are
 *   this frame's own locals, the saved rbp and the return address -- ordinary, writable
 *   stack memory. At -O0, x86-64 (frame layout observed with objdump):
 *
 *       rbp+0x08  return address     <- a[14], a[15]   (n >= 15 writes it)
 *       rbp+0x00  saved rbp          <- a[12], a[13]   (n >= 13 writes it)
 *       rbp-0x04  int i              <- a[11]          (a[i] = i: same value, harmless)
 *       rbp-0x30  int a[10]          a[0] .. a[9]
 *
 *   The crash comes only when foo(20) RETURNS: `leave` pops 0x0000000d0000000c into
 *   rbp, `ret` pops 0x0000000f0000000e (a[14] | a[15] << 32) into rip, and the CPU
 *   faults fetching an instruction there: SIGSEGV with the program counter at a
 *   "function" that does not exist. The function that did the damage is gone from
 *   the stack, and gdb's `bt`, unwinding through the same garbage, prints only
 *   `?? ()` frames. The callers above the damage (foo(12) .. foo(8), cc_main, main)
 *   are intact, and their saved-rbp records can be walked by hand: walk_rbp.py.
 *
 * HOW IT RUNS
 *   built with -fno-stack-protector (no canary to catch it first, as on the article's
 *   old gcc) and, in the gdb lens, -O0 -fno-omit-frame-pointer (the rbp chain exists).
 *   crashcourse run stack-return-address                # plain (O0), asan, valgrind, gdb
 *   crashcourse run stack-return-address --lens gdb     # bt of ?? frames, then walk-rbp
 *
 * WHAT MUST APPEAR
 *   plain    : "The 20 step end", then SIGSEGV
 *   gdb      : #0 0x0000000f0000000e in ?? () ... then walk-rbp's foo, foo, ..., cc_main, main
 *   asan     : stack-buffer-overflow WRITE of size 4 in foo, at the first bad store (n = 11)
 *   valgrind : "Jump to the invalid address stated on the next line"
 */
#include <stdio.h>

void foo(int n)
{
    printf("The %d step begin.\n", n);
    /* volatile: the stores must happen. Nothing ever reads a[], so without it gcc -O2
     * deletes the loop (the notes observed exit 0); -O0 keeps it anyway. */
    volatile int a[10];
    for (int i = 0; i < n; i++) {
        a[i] = i;                               // BUG: i runs to n-1, up to 19; a has 10 slots
    }
    if (n < 20) {
        foo(n + 1);
    }
    printf("The %d step end\n", n);
}                                  /* <- foo(20)'s `ret` jumps to 0x0000000f0000000e */

int cc_main(void)
{
    foo(8);
    return 0;
}

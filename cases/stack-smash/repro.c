/* stack-smash / repro.c -- strcpy of a long name into a 16-byte stack buffer.
 *
 * WHAT IT SHOWS
 *   greet() copies its argument into `char buf[16]` with strcpy(), which stops at
 *   the terminating NUL and nowhere else. A 40-byte name writes 25 bytes past the
 *   buffer, over whatever lies above it on the stack: with -fstack-protector-strong
 *   that is first the canary, a random word that the compiler placed between the
 *   locals and the saved registers. On the way out greet() compares the canary with
 *   its master copy, finds it changed, and calls __stack_chk_fail(), which prints
 *   "*** stack smashing detected ***: terminated" and aborts (SIGABRT).
 *   Note WHERE it dies: not in strcpy (the write succeeds: the stack is writable),
 *   but at greet()'s return, after printf has already run with the damage done.
 *   Without the protector the same bytes land on the saved rbp and the return
 *   address, and the crash comes later still, at a garbage address.
 *
 * HOW IT RUNS
 *   crashcourse run stack-smash                    # -fstack-protector-strong; O0 and O2
 *   crashcourse run stack-smash --lens asan        # ASan stops the strcpy itself
 *
 * WHAT MUST APPEAR
 *   plain : SIGABRT, "*** stack smashing detected ***" (at -O0 and at -O2)
 *   asan  : stack-buffer-overflow, WRITE of size 41 in strcpy, from greet()
 *   gdb   : __stack_chk_fail called from greet; then "Backtrace stopped": the
 *           saved rbp above buf now holds text from the name
 */
#include <stdio.h>
#include <string.h>

static void greet(const char *name)
{
    char buf[16];                 /* "long enough for any user name" */
    strcpy(buf, name);                         // BUG: no bound: strlen(name)+1 bytes are written
    printf("hello, %s\n", buf);
}                                 /* <- the canary check runs here */

int cc_main(void)
{
    /* volatile: the name arrives at run time, as it would from a request; gcc
     * cannot see its length and so cannot warn about it at compile time. */
    const char *volatile name = "a-user-name-much-longer-than-16-bytes!!!";
    printf("name is %zu bytes\n", strlen(name));
    greet(name);
    /* At -O0 this line is never reached. At -O2 gcc inlines greet() into cc_main(),
     * buf becomes cc_main's buffer, and the canary is checked only when cc_main
     * returns: this line DOES print, then the abort comes. */
    printf("after greet()\n");
    return 0;
}

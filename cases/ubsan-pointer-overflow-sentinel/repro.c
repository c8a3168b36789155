/* ubsan-pointer-overflow-sentinel / repro.c -- pointer arithmetic on a "not resolved yet"
 * sentinel, (unsigned char *)-1, guarded by an overflow check the optimiser may delete.
 *
 * WHAT IT SHOWS
 *   A call site's destination is either real code or the sentinel UNRESOLVED, all bits set.
 *   entry_of() skips a 16-byte prologue (dest + 16) and then checks "did that wrap?"
 *   (entry < dest). Adding to a pointer so that it wraps is undefined, so the compiler may
 *   assume it never happens and drop the check. gcc -O0 keeps it: the lazy call prints
 *   "unresolved". gcc -O2 removes it: entry_of returns 0xf, and the caller reads it: SIGSEGV.
 *   UBSan (-fsanitize=pointer-overflow) reports the addition itself, in every build.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-pointer-overflow-sentinel                # plain (O0, O2), ubsan
 *   crashcourse run ubsan-pointer-overflow-sentinel --lens ubsan   # the wrapping addition
 *   Two call sites, one resolved and one lazy; no input.
 *
 * WHAT MUST APPEAR
 *   plain O0 : exit 0, "lazy: unresolved"
 *   plain O2 : "resolved: first byte c3", then SIGSEGV (the check was optimised away)
 *   ubsan    : "pointer index expression with base 0xffffffffffffffff overflowed to
 *              0x00000000000f" at repro.c:33, in entry_of
 */
#include <stdio.h>

#define UNRESOLVED ((unsigned char *)-1)   /* "no destination yet", as in a JIT's call table */
#define PROLOGUE 16

struct call { const char *name; unsigned char *dest; };

__attribute__((noipa))
static unsigned char *entry_of(const struct call *c)
{
    unsigned char *entry = c->dest + PROLOGUE;   // BUG: dest may be the all-ones sentinel: the addition wraps
    if (entry < c->dest)                           /* "overflow check": may be assumed false */
        return NULL;
    return entry;
}

int cc_main(void)
{
    static unsigned char code[64] = { [PROLOGUE] = 0xc3 };
    struct call resolved = { "resolved", code }, lazy = { "lazy", UNRESOLVED };
    const struct call *calls[] = { &resolved, &lazy };

    setvbuf(stdout, NULL, _IONBF, 0);   /* each line out before a crash */
    for (int i = 0; i < 2; i++) {
        unsigned char *e = entry_of(calls[i]);
        if (e == NULL) {
            printf("%s: unresolved\n", calls[i]->name);
            continue;
        }
        printf("%s: first byte %02x\n", calls[i]->name, *e);
    }
    return 0;
}

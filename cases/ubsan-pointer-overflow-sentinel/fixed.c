/* ubsan-pointer-overflow-sentinel / fixed.c -- the sentinel is compared before any arithmetic.
 *
 * WHAT IT SHOWS
 *   entry_of() tests dest against UNRESOLVED first and only then adds the prologue size: no
 *   pointer ever wraps, there is no undefined check to delete, and every build agrees.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-pointer-overflow-sentinel --variant fixed
 *
 * WHAT MUST APPEAR
 *   plain, ubsan : exit 0, "resolved: first byte c3", "lazy: unresolved"
 */
#include <stdio.h>

#define UNRESOLVED ((unsigned char *)-1)   /* "no destination yet", as in a JIT's call table */
#define PROLOGUE 16

struct call { const char *name; unsigned char *dest; };

__attribute__((noipa))
static unsigned char *entry_of(const struct call *c)
{
    if (c->dest == UNRESOLVED)   // FIX: test the sentinel before doing arithmetic with it
        return NULL;
    return c->dest + PROLOGUE;
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

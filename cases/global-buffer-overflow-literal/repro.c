/* global-buffer-overflow-literal / repro.c -- a fixed-width copy reads past a string literal.
 *
 * WHAT IT SHOWS
 *   A phone-book record stores its phone type in a fixed 8-byte field. The writer copies
 *   sizeof field bytes out of the type name, whatever the name's length: for "MOBILE"
 *   (7 bytes with its NUL) that reads one byte past the end of the string literal.
 *   String literals are globals (gcc names them '*.LC0', '*.LC1', ...), and ASan puts a
 *   redzone after every global: the 8th byte lands in it, global-buffer-overflow, READ.
 *   Without ASan nothing happens at all: the byte after the literal is the start of the
 *   next one in .rodata, readable, and the record merely carries one stray byte.
 *
 * HOW IT RUNS
 *   crashcourse run global-buffer-overflow-literal                   # plain, asan, valgrind, fanalyzer
 *   crashcourse run global-buffer-overflow-literal --lens asan --explain
 *
 * WHAT MUST APPEAR
 *   plain     : exit 0, nothing (the over-read is silent)
 *   asan      : global-buffer-overflow, READ of size 8, 'located 0 bytes inside of global
 *               variable' of size 7: the literal "MOBILE"
 *   valgrind  : nothing: memcheck tracks heap blocks, not the bounds of globals
 *   fanalyzer : nothing: the length of the literal and the copy meet only at run time
 */
#include <stdio.h>
#include <string.h>

struct phone {
    char type[8];            /* fixed-width, not necessarily NUL-terminated */
    char number[16];
};

/* The writer copies the whole field from whatever name it is given. noipa: gcc may not
 * look at the call site and fold the copy into constants. */
__attribute__((noipa))
static void set_type(struct phone *p, const char *type_name)
{
    memcpy(p->type, type_name, sizeof p->type);     // BUG: reads 8 bytes of a 7-byte literal
}

int cc_main(void)
{
    struct phone p;
    set_type(&p, "MOBILE");                          /* 6 letters + NUL = 7 bytes */
    strcpy(p.number, "+1-555-0100");
    printf("type=%.6s number=%s\n", p.type, p.number);
    return 0;
}

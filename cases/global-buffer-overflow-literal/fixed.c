/* global-buffer-overflow-literal / fixed.c -- copy the name, not the field width.
 *
 * WHAT IT SHOWS
 *   strnlen bounds the read by the name itself: at most sizeof field bytes, never past
 *   the name's NUL; the rest of the field is zero-filled. The field stays fixed-width.
 *
 * HOW IT RUNS
 *   crashcourse run global-buffer-overflow-literal          # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan, valgrind and fanalyzer.
 */
#include <stdio.h>
#include <string.h>

struct phone {
    char type[8];
    char number[16];
};

__attribute__((noipa))
static void set_type(struct phone *p, const char *type_name)
{
    size_t n = strnlen(type_name, sizeof p->type);  /* never past the name's own NUL */
    memset(p->type, 0, sizeof p->type);
    memcpy(p->type, type_name, n);                  // FIX: copy what the name has, not the field width
}

int cc_main(void)
{
    struct phone p;
    set_type(&p, "MOBILE");
    strcpy(p.number, "+1-555-0100");
    printf("type=%.6s number=%s\n", p.type, p.number);
    return 0;
}

/* strcpy-param-overlap-split / fixed.c -- memmove the remainder.
 *
 * WHAT IT SHOWS
 *   memmove is defined for overlapping buffers; the remainder, with its terminating NUL
 *   (strlen + 1 bytes), moves to the front of rest. (The upstream fix made the same switch.)
 *
 * HOW IT RUNS
 *   crashcourse run strcpy-param-overlap-split         # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, the same two lines, no report under plain, asan and valgrind.
 */
#include <stdio.h>
#include <string.h>

__attribute__((noipa))
static void splitc(char *first, char *rest, char divider)
{
    char *p = strchr(rest, divider);
    if (!p) {
        strcpy(first, rest);
        rest[0] = '\0';
        return;
    }
    *p = '\0';
    strcpy(first, rest);
    memmove(rest, p + 1, strlen(p + 1) + 1);    // FIX: memmove allows the overlap
}

int cc_main(void)
{
    /* A client session; aligned(32) pins inbuf at 16 bytes past a 32-byte boundary, so
     * the outcome does not depend on where the stack happens to start (see the README). */
    struct session {
        int  fd;
        int  flags;
        char nick[8];
        char inbuf[128];
    } __attribute__((aligned(32))) s = {
        3, 0, "bot", "PRIVMSG #crashcourse :the quick brown fox jumps over the lazy dog, twice over"
    };
    char word[32];
    splitc(word, s.inbuf, ' ');
    printf("command=[%s]\nrest=[%s]\n", word, s.inbuf);
    return 0;
}

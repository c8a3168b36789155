/* strcpy-param-overlap-split / repro.c -- shifting a string left in place with strcpy.
 *
 * WHAT IT SHOWS
 *   splitc(first, rest, ' ') cuts the first word off an IRC-style command line: it copies
 *   the word into `first`, then moves the remainder to the start of `rest` with
 *   strcpy(rest, p + 1), where p points INTO rest. Source and destination overlap, and
 *   strcpy (like memcpy) is undefined for overlapping buffers: only memmove is not.
 *   On this machine glibc picks an AVX2 strcpy that loads 32 bytes at a time before it
 *   stores them; with the source 8 bytes ahead of the destination, stores clobber bytes it
 *   has not loaded yet, and the remainder comes out as "#crashcoe quick brown fobrown fox".
 *   Whether that happens depends on the buffer's alignment (we saw both outcomes until the
 *   struct below pinned it) and on the CPU. ASan's strcpy interceptor checks the two ranges
 *   before copying: strcpy-param-overlap. valgrind's own strcpy copies byte by byte (so the
 *   text survives) and reports "Source and destination overlap in strcpy".
 *
 * HOW IT RUNS
 *   crashcourse run strcpy-param-overlap-split          # plain, asan, valgrind
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0 and, on this machine's CPU, a mangled remainder
 *   asan     : strcpy-param-overlap, strcpy <- splitc <- cc_main
 *   valgrind : overlap: "Source and destination overlap in strcpy", the text intact
 */
#include <stdio.h>
#include <string.h>

/* Cuts the first word of rest (up to divider) into first; rest keeps the remainder. */
__attribute__((noipa))
static void splitc(char *first, char *rest, char divider)
{
    char *p = strchr(rest, divider);
    if (!p) {                                   /* one word: it all goes to first */
        strcpy(first, rest);
        rest[0] = '\0';
        return;
    }
    *p = '\0';
    strcpy(first, rest);
    strcpy(rest, p + 1);                        // BUG: p + 1 is inside rest: overlapping copy
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

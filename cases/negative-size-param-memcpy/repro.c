/* negative-size-param-memcpy / repro.c -- a length of -1 handed to memcpy.
 *
 * WHAT IT SHOWS
 *   A parser of "$PAMAR,<talker>,<payload>,*<checksum>" lines copies the payload between
 *   the second comma and the ",*" that ends it: len = end - start - 2 (drop the trailing
 *   comma). A line with an empty payload and no trailing comma ("$PAMAR,WI,*00") makes
 *   len = -1. The length is checked against the buffer size, but as a signed number, and
 *   -1 < 64 passes. memcpy receives it as size_t: 18446744073709551615 bytes. It copies
 *   until it runs off a mapping: SIGSEGV. ASan's memcpy interceptor looks at the size as a
 *   signed number first: negative-size-param: (size=-1), before a byte is copied.
 *
 * HOW IT RUNS
 *   crashcourse run negative-size-param-memcpy          # plain, asan
 *
 * WHAT MUST APPEAR
 *   plain : SIGSEGV
 *   asan  : negative-size-param (size=-1), memcpy <- parse_line <- cc_main
 */
#include <stdio.h>
#include <string.h>

/* Copies the payload of a "$PAMAR,talker,payload,*cs" line into msg. Returns its length. */
__attribute__((noipa))
static long parse_line(const char *line, char *msg, long msgsize)
{
    const char *start = strchr(line, ',');
    if (!start || !(start = strchr(start + 1, ',')))
        return -1;
    const char *end = strchr(start, '*');
    if (!end)
        return -1;
    long len = end - start - 2;                  /* payload minus its trailing ',' */
    if (len >= msgsize)                          /* signed check: -1 sails through */
        return -1;
    memcpy(msg, start + 1, len);                 // BUG: len is -1 for "$PAMAR,WI,*00"
    msg[len] = '\0';
    return len;
}

int cc_main(void)
{
    static const char *lines[] = {
        "$PAMAR,WI,wind=12.5,*3A",
        "$PAMAR,WI,*00",                         /* empty payload, no trailing comma */
    };
    char msg[64];
    for (int i = 0; i < 2; i++) {
        long n = parse_line(lines[i], msg, sizeof msg);
        printf("line %d: %ld bytes: %s\n", i, n, n >= 0 ? msg : "(rejected)");
    }
    return 0;
}

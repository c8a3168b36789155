/* msan-short-read / fixed.c -- read until the header is complete, or say it is truncated.
 *
 * WHAT IT SHOWS
 *   read_full() loops until it has all six bytes or read() reports end of file,
 *   and ReadOK() is true only for the full count: a 2-byte input is "truncated",
 *   and no byte read() did not write is ever looked at. libgd's fix (#423, as
 *   the review settled it): make ReadOK require the whole requested length.
 *
 * HOW IT RUNS
 *   crashcourse run msan-short-read                   # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0 and no report under msan and valgrind.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Reads exactly len bytes unless end of file or an error comes first; returns the count. */
static size_t read_full(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n <= 0)
            break;                             /* 0: end of file; <0: error */
        got += (size_t)n;
    }
    return got;
}

#define ReadOK(fd, buf, len) (read_full((fd), (buf), (len)) == (len))   // FIX: only the full count is OK

/* 1 if the six bytes are a GIF signature ("GIF87a" / "GIF89a"). */
__attribute__((noinline))
static int gif_signature(const unsigned char *b)
{
    if (b[0] != 'G' || b[1] != 'I' || b[2] != 'F')    /* all six bytes were read */
        return 0;
    return b[3] == '8' && (b[4] == '7' || b[4] == '9') && b[5] == 'a';
}

int cc_main(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 2;
    if (write(fds[1], "GI", 2) != 2)           /* a truncated file: 2 of the 6 signature bytes */
        return 2;
    close(fds[1]);

    unsigned char header[6];
    if (!ReadOK(fds[0], header, sizeof header)) {
        puts("truncated header: not a GIF");   /* the 2-byte input ends here */
        close(fds[0]);
        return 0;
    }
    close(fds[0]);
    puts(gif_signature(header) ? "a GIF" : "not a GIF");
    return 0;
}

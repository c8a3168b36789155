/* msan-short-read / repro.c -- a short read() leaves the tail of the header buffer uninitialised.
 *
 * WHAT IT SHOWS
 *   read(fd, buf, 6) may return fewer than 6 bytes: at the end of a truncated
 *   file, or whatever a pipe or socket has right now. The GIF loader's ReadOK()
 *   accepts any positive count as success, so on a 2-byte input the signature
 *   check compares bytes 2..5 of the buffer -- bytes read() never wrote. The
 *   result depends on whatever the stack held before: no crash, just a decision
 *   taken on garbage. libgd's ReadOK had exactly this flaw (libgd/libgd#423,
 *   found by MemorySanitizer while fuzzing the GIF reader).
 *
 * HOW IT RUNS
 *   The input is a pipe into which cc_main writes the 2 bytes "GI" and closes it.
 *   crashcourse run msan-short-read --lens msan       # MemorySanitizer (clang)
 *   crashcourse run msan-short-read --lens valgrind   # memcheck
 *
 * WHAT MUST APPEAR
 *   msan     : use-of-uninitialized-value in the signature check (gif_signature <- cc_main),
 *              the origin an allocation of 'header' in cc_main's frame
 *   valgrind : uninitialised-value ("Conditional jump or move depends on uninitialised value(s)")
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* libgd's helper, in spirit: "did the read work?" */
#define ReadOK(fd, buf, len) (read((fd), (buf), (len)) > 0)   // BUG: a short read counts as OK

/* 1 if the six bytes are a GIF signature ("GIF87a" / "GIF89a"). */
__attribute__((noinline))
static int gif_signature(const unsigned char *b)
{
    if (b[0] != 'G' || b[1] != 'I' || b[2] != 'F')    // BUG: b[2] was never written by read()
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
        puts("read failed");
        return 1;
    }
    close(fds[0]);
    puts(gif_signature(header) ? "a GIF" : "not a GIF");
    return 0;
}

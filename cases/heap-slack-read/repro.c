/* heap-slack-read / repro.c -- reading one byte past a 10-byte malloc block.
 *
 * WHAT IT SHOWS
 *   malloc(10) does not hand out exactly 10 bytes. glibc rounds every request up
 *   to its chunk size (24 usable bytes for anything from 1 to 24 on x86-64:
 *   malloc_usable_size() says so), and the chunk itself lives inside a heap that
 *   the kernel mapped in pages of 4096 bytes. So buf[11] is "out of bounds" for C
 *   but perfectly mapped memory for the CPU: the read returns a stale byte, no
 *   signal, exit 0. This is why a plain run is a bad bug detector: the bug is
 *   silent until a program happens to depend on the value it read.
 *   AddressSanitizer allocates exactly 10 bytes and poisons everything after them
 *   (the "redzone"), so the very first read past the end is reported:
 *   heap-buffer-overflow, READ of size 1. Valgrind's memcheck likewise tracks the
 *   requested size, not the chunk size.
 *
 * HOW IT RUNS
 *   crashcourse run heap-slack-read                 # plain: silent
 *   crashcourse run heap-slack-read --lens asan     # heap-buffer-overflow READ 1
 *   crashcourse run heap-slack-read --lens valgrind # Invalid read of size 1
 *
 * WHAT MUST APPEAR
 *   stdout   : CRASHCOURSE_METRIC usable_size=24 (plain)
 *   plain    : exit 0, no signal, nothing on stderr
 *   asan     : heap-buffer-overflow, READ of size 1, 1 byte to the right of a
 *              10-byte region
 *   valgrind : Invalid read of size 1, 1 byte after a block of size 10
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cc_main(void)
{
    size_t n = 10;
    char *buf = malloc(n);
    if (!buf)
        return 2;
    memcpy(buf, "0123456789", n);            /* exactly n bytes, no NUL */

    /* How much the allocator really reserved (ASan reports the exact n). */
    printf("CRASHCOURSE_METRIC usable_size=%zu\n", malloc_usable_size(buf));

    volatile size_t i = n + 1;                /* an index computed "at run time" */
    int c = buf[i];                            // BUG: reads buf[11]; valid indexes are 0..9
    printf("read buf[%zu]: %s\n", (size_t)i, c == 0 ? "a zero byte" : "a non-zero byte");

    free(buf);
    return 0;
}

/* calloc-overflow-count / repro.c -- a record count from a file header sizes a calloc.
 *
 * WHAT IT SHOWS
 *   A loader reads "count" from a (here: embedded) file header and allocates
 *   calloc(count, sizeof(struct record)). A hostile header says count = 2^60 + 1:
 *   count * 16 does not fit in size_t. glibc's calloc detects the overflow and returns
 *   NULL (as C requires); the loader does not check, writes the first record: SIGSEGV at
 *   address 0x0. ASan's calloc reports the overflow itself, before returning:
 *   "calloc parameters overflow: count * size (...) cannot be represented in type size_t"
 *   (allocator_may_return_null=0, ASan's default: it would rather stop than return NULL).
 *
 * HOW IT RUNS
 *   crashcourse run calloc-overflow-count              # plain, asan, gdb
 *
 * WHAT MUST APPEAR
 *   plain : SIGSEGV (the write through the NULL that calloc returned)
 *   asan  : calloc-overflow, calloc <- load_records <- cc_main
 *   gdb   : the NULL write in load_records
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct record { uint64_t id; uint64_t value; };

/* The header of a file we were handed: a magic and a record count. */
static const uint64_t header[2] = { 0x5245434fULL, (1ULL << 60) + 1 };

__attribute__((noipa))
static struct record *load_records(const uint64_t *hdr, size_t *n_out)
{
    size_t count = hdr[1];                                   /* untrusted */
    struct record *r = calloc(count, sizeof *r);             // BUG: count is never bounded
    r[0].id = 1;                                             // BUG: calloc's NULL is not checked
    *n_out = count;
    return r;
}

int cc_main(void)
{
    size_t n = 0;
    struct record *r = load_records(header, &n);
    printf("loaded %zu records\n", n);
    free(r);
    return 0;
}

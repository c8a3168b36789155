/* calloc-overflow-count / fixed.c -- bound the count, check the allocation.
 *
 * WHAT IT SHOWS
 *   The count from the header is checked against a sane maximum (what the file could hold),
 *   and calloc's result is checked: a hostile header is rejected, not obeyed.
 *
 * HOW IT RUNS
 *   crashcourse run calloc-overflow-count             # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "header rejected", no report under plain, asan and gdb.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct record { uint64_t id; uint64_t value; };

static const uint64_t header[2] = { 0x5245434fULL, (1ULL << 60) + 1 };

enum { MAX_RECORDS = 1 << 20 };

__attribute__((noipa))
static struct record *load_records(const uint64_t *hdr, size_t *n_out)
{
    size_t count = hdr[1];
    if (count == 0 || count > MAX_RECORDS)                   // FIX: a count the file cannot hold
        return NULL;
    struct record *r = calloc(count, sizeof *r);
    if (!r)                                                  // FIX: an allocation can fail
        return NULL;
    r[0].id = 1;
    *n_out = count;
    return r;
}

int cc_main(void)
{
    size_t n = 0;
    struct record *r = load_records(header, &n);
    if (!r) {
        puts("header rejected");
        return 0;
    }
    printf("loaded %zu records\n", n);
    free(r);
    return 0;
}

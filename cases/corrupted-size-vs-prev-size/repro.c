/* corrupted-size-vs-prev-size / repro.c -- an off-by-one table entry lands on a free chunk's header.
 *
 * WHAT IT SHOWS
 *   A parser allocates a table of exactly n {name, len} entries, right after it a scratch
 *   buffer that it frees again, and then fills the table with a `<=` loop: one entry too
 *   many. Entry n lies exactly on the header of the freed scratch chunk: its `name`
 *   pointer on the chunk's prev_size, its `len` (33) on the chunk's size. Nothing happens
 *   until the table is freed: free() merges the table with the free chunk behind it and
 *   first unlinks that chunk from its bin. unlink_chunk() compares the chunk's size (now
 *   32) with the prev_size stored by the chunk that size leads to; they disagree:
 *   "corrupted size vs. prev_size", SIGABRT, far from the loop that did it.
 *
 * HOW IT RUNS
 *   crashcourse run corrupted-size-vs-prev-size                   # plain (O0, O2)
 *   crashcourse run corrupted-size-vs-prev-size --lens asan       # heap-buffer-overflow WRITE
 *   crashcourse run corrupted-size-vs-prev-size --lens valgrind   # Invalid write
 *
 * WHAT MUST APPEAR
 *   plain    : SIGABRT in free(table), "corrupted size vs. prev_size"
 *   asan     : heap-buffer-overflow, WRITE of size 8, 0 bytes after the 1280-byte table
 *   valgrind : Invalid write of size 8, "0 bytes after a block of size 1,280 alloc'd"
 *
 * WHY IN A THREAD
 *   The bug needs the scratch chunk to sit right behind the table. A new thread gets a
 *   fresh malloc arena, where consecutive allocations are carved from the top one after
 *   the other; the Python process of the plain lens has no such guarantee in its main heap.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct header {
    const char *name;
    size_t      len;
};

static const char *NAMES[] = { "Host", "Accept", "Strict-Transport-Security-Preload" };
enum { N = 80 };                      /* 80 entries: 1280 bytes, too big for the tcache */

__attribute__((noipa))
static void parse(struct header *table, int n)
{
    for (int i = 0; i <= n; i++) {                    /* one entry too many */
        const char *name = NAMES[i % 3];              /* entry 80: the 33-character name */
        table[i].name = name;                         // BUG: table[n] is past the end: the next chunk's prev_size
        table[i].len = strlen(name);                  // BUG: ... and its size field (33)
    }
}

static void *worker(void *arg)
{
    (void)arg;
    struct header *table = malloc(N * sizeof *table);
    char *scratch = malloc(1272);                     /* the chunk right behind the table */
    char *guard = malloc(32);                         /* keeps scratch from merging into the top */
    if (!table || !scratch || !guard)
        return NULL;
    memset(scratch, 0, 1272);
    free(scratch);                                    /* scratch is now a free chunk in a bin */
    parse(table, N);
    printf("parsed %d headers, last one '%s'\n", N, table[N - 1].name);
    free(table);                                      /* merges with scratch: unlink checks it */
    free(guard);
    printf("table freed\n");
    return NULL;
}

int cc_main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 2;
    pthread_join(t, NULL);
    printf("worker done\n");
    return 0;
}

/* corrupted-size-vs-prev-size / fixed.c -- the loop stops at n.
 *
 * WHAT IT SHOWS
 *   `i < n`: the table's n entries are indices 0 .. n-1, and the header of the chunk
 *   behind the table is never written. free(table) merges it with the free scratch
 *   chunk, whose size and prev_size still agree.
 *
 * HOW IT RUNS
 *   crashcourse run corrupted-size-vs-prev-size      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan, valgrind and gdb.
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
    for (int i = 0; i < n; i++) {                     // FIX: n entries, indices 0 .. n-1
        const char *name = NAMES[i % 3];              /* entry 80: the 33-character name */
        table[i].name = name;
        table[i].len = strlen(name);
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

/* double-free-fasttop / repro.c -- a double free that the tcache does not see.
 *
 * WHAT IT SHOWS
 *   A list is torn down node by node; then the error path frees the node a cursor
 *   still points to: the last node, freed twice in a row. Since glibc 2.26 small
 *   blocks first go to the per-thread cache (tcache), whose double-free check prints
 *   "free(): double free detected in tcache 2" (see the double-free case). Blocks the
 *   tcache does not take -- its bin for that size is full (7 blocks), or the tcache is
 *   off, as in glibc < 2.26 (CentOS 7) -- go to the older "fastbin", with its own, older
 *   check: the block being freed is already at the top of its bin:
 *   "double free or corruption (fasttop)". This case runs with the tcache switched off
 *   (GLIBC_TUNABLES=glibc.malloc.tcache_count=0, set in case.toml), so every run takes
 *   the fastbin path: with the tcache on, which of the two messages a process prints
 *   depends on its heap history (here: fasttop from a shell, "tcache 2" under the harness).
 *
 * HOW IT RUNS
 *   crashcourse run double-free-fasttop                   # plain (O0, O2): the fastbin check
 *   crashcourse run double-free-fasttop --lens asan       # attempting double-free
 *   crashcourse run double-free-fasttop --lens valgrind   # Invalid free()
 *   The case's [run] env sets GLIBC_TUNABLES=glibc.malloc.tcache_count=0; the same
 *   works for any program: GLIBC_TUNABLES=glibc.malloc.tcache_count=0 ./program
 *
 * WHAT MUST APPEAR
 *   plain    : SIGABRT, "double free or corruption (fasttop)"
 *   asan     : double-free, with the stacks of both frees
 *   valgrind : Invalid free(), "0 bytes inside a block of size 16 free'd"
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
    struct node *next;
    long         value;
};                                     /* 16 bytes: a 32-byte chunk, tcache- and fastbin-sized */

enum { NODES = 10 };

__attribute__((noipa))
static void list_free(struct node *head)
{
    while (head) {
        struct node *next = head->next;
        free(head);                    /* tcache off: each node goes to the fastbin, last on top */
        head = next;
    }
}

int cc_main(void)
{
    struct node *head = NULL, *tail = NULL;
    for (long i = 0; i < NODES; i++) {
        struct node *n = malloc(sizeof *n);
        if (!n)
            return 2;
        n->next = NULL;
        n->value = i;
        if (tail) tail->next = n; else head = n;
        tail = n;
    }
    struct node *cursor = tail;        /* a second pointer to the last node */
    printf("list of %d nodes built\n", NODES);

    list_free(head);                   /* frees every node, the last one included */
    free(cursor);                      // BUG: the last node, freed a second time
    printf("after the second free\n"); /* reached only under valgrind */
    return 0;
}

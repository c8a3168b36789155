/* double-free-fasttop / repro.c -- a double free that the tcache does not see.
 *
 * WHAT IT SHOWS
 *   A list is torn down node by node; then the error path frees the node a cursor
 *   still points to: the last node, freed twice in a row. Since glibc 2.26 small
 *   blocks first go to the per-thread cache (tcache), whose double-free check prints
 *   "free(): double free detected in tcache 2" (see the double-free case). But a tcache
 *   bin holds at most 7 blocks: this list has 10 nodes of the same size, so the last
 *   ones go to the older "fastbin" instead, and the second free of the last node meets
 *   the fastbin's own, older check: the block being freed is already at the top of its
 *   bin: "double free or corruption (fasttop)". That is also the message every double
 *   free of a small block printed before tcache existed (glibc < 2.26, e.g. CentOS 7).
 *
 * HOW IT RUNS
 *   crashcourse run double-free-fasttop                   # plain (O0, O2): the fastbin check
 *   crashcourse run double-free-fasttop --lens asan       # attempting double-free
 *   crashcourse run double-free-fasttop --lens valgrind   # Invalid free()
 *   Another way to bypass the tcache, for any program:
 *     GLIBC_TUNABLES=glibc.malloc.tcache_count=0 ./program
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

enum { NODES = 10 };                   /* more than the 7 a tcache bin holds */

__attribute__((noipa))
static void list_free(struct node *head)
{
    while (head) {
        struct node *next = head->next;
        free(head);                    /* nodes 1-7 fill the tcache bin, 8-10 go to the fastbin */
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

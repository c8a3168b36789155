/* leak-lost-list-head / repro.c -- assigning over a list drops its old head, and the whole chain with it.
 *
 * WHAT IT SHOWS
 *   An update list is a singly linked chain of reference-counted nodes (newest
 *   first); lists share tails, so a node is freed when its count drops to 0.
 *   ul_assign(dst, src) makes dst share src's chain -- and simply overwrites
 *   dst->head. dst's old chain had no other owner: its head node is now reached
 *   by no pointer at all (a DIRECT leak), and the three nodes behind it are
 *   reached only from that lost head (INDIRECT leaks). One forgotten release,
 *   four blocks gone. KLEE's UpdateList::operator= had a variant of this bug
 *   "since the beginning" (klee/klee#316): it freed the old head only, and
 *   the chain behind it dangled -- pages of "Indirect leak" under LSan.
 *
 * HOW IT RUNS
 *   crashcourse run leak-lost-list-head                   # plain: exit 0, nothing to see
 *   crashcourse run leak-lost-list-head --lens lsan       # LeakSanitizer at exit
 *   crashcourse run leak-lost-list-head --lens valgrind   # memcheck --leak-check=full
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0, no diagnosis
 *   lsan     : "Direct leak of 24 byte(s) in 1 object(s)" and
 *              "Indirect leak of 72 byte(s) in 3 object(s)", both allocated in ul_extend; exit 23
 *   valgrind : "96 (24 direct, 72 indirect) bytes in 1 blocks are definitely lost" and
 *              "72 bytes in 3 blocks are indirectly lost"
 */
#include <stdio.h>
#include <stdlib.h>

struct update_node {
    struct update_node *next;                  /* older updates */
    unsigned index, value;
    unsigned refcount;                         /* lists (and newer nodes) that point here */
};

struct update_list {
    struct update_node *head;                  /* newest update, or NULL */
};

/* Adds an update in front: the new node takes over the list's reference to the old head. */
__attribute__((noipa))
static void ul_extend(struct update_list *ul, unsigned index, unsigned value)
{
    struct update_node *n = malloc(sizeof *n);
    if (!n)
        abort();
    n->next = ul->head;
    n->index = index;
    n->value = value;
    n->refcount = 1;
    ul->head = n;
}

/* Drops the list's reference: frees every node no one else points to. */
__attribute__((noipa))
static void ul_release(struct update_list *ul)
{
    struct update_node *n = ul->head;
    while (n && --n->refcount == 0) {
        struct update_node *next = n->next;
        free(n);
        n = next;
    }
    ul->head = NULL;
}

/* dst = src: dst shares src's chain from now on. */
__attribute__((noipa))
static void ul_assign(struct update_list *dst, const struct update_list *src)
{
    if (src->head)
        src->head->refcount++;
    dst->head = src->head;                     // BUG: dst's old chain is never released: its head is lost
}

int cc_main(void)
{
    struct update_list a = { NULL }, b = { NULL };
    for (unsigned i = 0; i < 4; i++)
        ul_extend(&a, i, 100 + i);             /* a: 4 nodes */
    ul_extend(&b, 9, 999);                     /* b: 1 node */

    ul_assign(&a, &b);                         /* a's 4 nodes: nobody points to them any more */

    printf("a.head->value = %u, shared by %u lists\n", a.head->value, a.head->refcount);
    ul_release(&a);
    ul_release(&b);                            /* b's node is freed here; a's old chain never is */
    return 0;
}

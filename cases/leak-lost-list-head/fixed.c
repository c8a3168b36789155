/* leak-lost-list-head / fixed.c -- assignment releases what the target held before.
 *
 * WHAT IT SHOWS
 *   ul_assign() takes its reference to src's chain FIRST (so that a = a is safe),
 *   then releases dst's old chain, then points dst at the new one: the copy-and-
 *   release order of every correct reference-counted assignment. KLEE's fix
 *   (klee/klee#316) moved the node-freeing loop from the destructor into a helper
 *   that operator= calls too.
 *
 * HOW IT RUNS
 *   crashcourse run leak-lost-list-head                   # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0 and no report under plain, lsan and valgrind.
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
    ul_release(dst);                           // FIX: drop dst's reference to its old chain first
    dst->head = src->head;
}

int cc_main(void)
{
    struct update_list a = { NULL }, b = { NULL };
    for (unsigned i = 0; i < 4; i++)
        ul_extend(&a, i, 100 + i);             /* a: 4 nodes */
    ul_extend(&b, 9, 999);                     /* b: 1 node */

    ul_assign(&a, &b);                         /* a's 4 old nodes are freed inside */

    printf("a.head->value = %u, shared by %u lists\n", a.head->value, a.head->refcount);
    ul_release(&a);
    ul_release(&b);                            /* the shared node goes with the last reference */
    return 0;
}

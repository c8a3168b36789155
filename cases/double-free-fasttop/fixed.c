/* double-free-fasttop / fixed.c -- the cursor does not own what it points to.
 *
 * WHAT IT SHOWS
 *   Only list_free() frees nodes; the cursor is a borrowed pointer, cleared when the
 *   list goes away instead of being freed.
 *
 * HOW IT RUNS
 *   crashcourse run double-free-fasttop       # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan, valgrind and gdb.
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
    struct node *next;
    long         value;
};

enum { NODES = 10 };

__attribute__((noipa))
static void list_free(struct node *head)
{
    while (head) {
        struct node *next = head->next;
        free(head);
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
    struct node *cursor = tail;
    printf("list of %d nodes built\n", NODES);

    list_free(head);
    cursor = NULL;                     // FIX: a borrowed pointer is forgotten, not freed
    free(cursor);                      /* free(NULL): nothing */
    printf("after the second free\n");
    return 0;
}

/* memcpy-param-overlap-remove / fixed.c -- memmove for overlapping ranges.
 *
 * WHAT IT SHOWS
 *   memmove is defined for overlapping source and destination: it copies as if through a
 *   temporary buffer. The upstream fix made the same one-word change.
 *
 * HOW IT RUNS
 *   crashcourse run memcpy-param-overlap-remove         # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, the same list, no report under plain, asan and valgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct array_list {
    size_t size;
    size_t elem;
    char *data;
};

__attribute__((noipa))
static void array_list_remove(struct array_list *l, size_t i)
{
    size_t tail = (l->size - i - 1) * l->elem;
    memmove(l->data + i * l->elem, l->data + (i + 1) * l->elem, tail); // FIX: memmove allows overlap
    l->size--;
}

int cc_main(void)
{
    struct array_list l = { 8, sizeof(int), NULL };
    l.data = malloc(l.size * l.elem);
    if (!l.data)
        return 2;
    for (int k = 0; k < 8; k++)
        ((int *)l.data)[k] = 10 * k;
    array_list_remove(&l, 2);
    for (size_t k = 0; k < l.size; k++)
        printf("%d ", ((int *)l.data)[k]);
    printf("\n");
    free(l.data);
    return 0;
}

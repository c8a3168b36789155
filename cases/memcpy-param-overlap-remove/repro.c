/* memcpy-param-overlap-remove / repro.c -- removing from an array list with memcpy.
 *
 * WHAT IT SHOWS
 *   array_list_remove(list, i) closes the gap by moving the tail one slot down with
 *   memcpy(&data[i], &data[i + 1], tail). Source and destination overlap by all but one
 *   element, and memcpy's contract says they must not overlap at all (memmove is the one
 *   that allows it). On x86_64 glibc's memcpy happens to be its memmove and the list comes
 *   out right; another libc, CPU or compiler (which may inline the copy) can copy forwards
 *   in blocks and duplicate elements. ASan checks the ranges in its memcpy interceptor:
 *   memcpy-param-overlap, before copying anything.
 *
 * HOW IT RUNS
 *   crashcourse run memcpy-param-overlap-remove          # plain, asan, valgrind
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0, the right list (by luck of the libc)
 *   asan     : memcpy-param-overlap, "memory ranges [...) and [...) overlap"
 *   valgrind : nothing here (see the README): the call resolves to an implementation that
 *              valgrind replaces with its memmove, which has no overlap to complain about
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct array_list {
    size_t size;
    size_t elem;
    char *data;
};

/* Removes element i. noipa: keeps the memcpy a real call with run-time arguments. */
__attribute__((noipa))
static void array_list_remove(struct array_list *l, size_t i)
{
    size_t tail = (l->size - i - 1) * l->elem;
    memcpy(l->data + i * l->elem, l->data + (i + 1) * l->elem, tail);  // BUG: overlapping ranges
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
    array_list_remove(&l, 2);                           /* drop the 20 */
    for (size_t k = 0; k < l.size; k++)
        printf("%d ", ((int *)l.data)[k]);
    printf("\n");
    free(l.data);
    return 0;
}

/* munmap-chunk-invalid-pointer / fixed.c -- free only what was allocated.
 *
 * WHAT IT SHOWS
 *   bucket_free() frees `name` only when it points outside the object, i.e. when
 *   bucket_new() strdup()ed it. The inline buffer goes away with the object.
 *
 * HOW IT RUNS
 *   crashcourse run munmap-chunk-invalid-pointer      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan, valgrind and gdb.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bucket {
    char  *name;
    size_t len;
    char   inline_name[24];
};

__attribute__((noipa))
static struct bucket *bucket_new(const char *name)
{
    struct bucket *b = malloc(sizeof *b);
    if (!b)
        return NULL;
    b->len = strlen(name);
    if (b->len < sizeof b->inline_name) {
        memcpy(b->inline_name, name, b->len + 1);
        b->name = b->inline_name;
    } else {
        b->name = strdup(name);
    }
    return b;
}

__attribute__((noipa))
static void bucket_free(struct bucket *b)
{
    if (b->name != b->inline_name)           // FIX: only a heap copy is freed
        free(b->name);
    free(b);
}

int cc_main(void)
{
    struct bucket *b = bucket_new("photos");
    if (!b)
        return 2;
    printf("bucket '%s' (%zu characters, %s)\n", b->name, b->len,
           b->name == b->inline_name ? "inline" : "heap");
    bucket_free(b);
    printf("bucket freed\n");
    return 0;
}

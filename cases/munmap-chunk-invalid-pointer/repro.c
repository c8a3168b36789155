/* munmap-chunk-invalid-pointer / repro.c -- free() of a small string's inline buffer.
 *
 * WHAT IT SHOWS
 *   A "small string optimisation": a short name is kept inside the object (inline_name),
 *   a long one in its own malloc'd block, and `name` points to whichever holds it. The
 *   destructor frees `name` without asking which. For a short name that is a pointer into
 *   the middle of the object, and glibc takes the 16 bytes in front of it for a chunk
 *   header: here they are the fields `name` and `len`. len = 6 has bit 1 set, which in a
 *   chunk's size field is IS_MMAPPED: free() hands the "chunk" to munmap_chunk(), whose
 *   page-alignment check fails: "munmap_chunk(): invalid pointer", SIGABRT.
 *   reckless (mattiasflodin/reckless#36) aborted the same way, only for std::strings
 *   short enough to live inline (15 characters or fewer).
 *
 * HOW IT RUNS
 *   crashcourse run munmap-chunk-invalid-pointer                  # plain (O0, O2)
 *   crashcourse run munmap-chunk-invalid-pointer --lens asan      # bad-free, 16 bytes inside
 *   crashcourse run munmap-chunk-invalid-pointer --lens valgrind  # Invalid free()
 *
 * WHAT MUST APPEAR
 *   plain    : SIGABRT, "munmap_chunk(): invalid pointer"
 *   asan     : attempting free on address which was not malloc()-ed (bad-free)
 *   valgrind : Invalid free(), "16 bytes inside a block of size 40"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bucket {
    char  *name;              /* inline_name, or a malloc'd copy when the name is long */
    size_t len;               /* what free() will read as the chunk's size field */
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
        b->name = b->inline_name;            /* short: no allocation of its own */
    } else {
        b->name = strdup(name);
    }
    return b;
}

__attribute__((noipa))
static void bucket_free(struct bucket *b)
{
    free(b->name);                           // BUG: inline_name was never malloc'd
    free(b);
}

int cc_main(void)
{
    struct bucket *b = bucket_new("photos");     /* 6 characters: stored inline */
    if (!b)
        return 2;
    printf("bucket '%s' (%zu characters, %s)\n", b->name, b->len,
           b->name == b->inline_name ? "inline" : "heap");
    bucket_free(b);
    printf("bucket freed\n");                    /* reached only under valgrind */
    return 0;
}

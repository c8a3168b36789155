/* bad-free-stack-buffer / fixed.c -- free only what was allocated.
 *
 * WHAT IT SHOWS
 *   The caller frees the result only when it is not the buffer it passed in: ownership of
 *   a maybe-heap, maybe-stack pointer is decided by comparing, not assumed.
 *
 * HOW IT RUNS
 *   crashcourse run bad-free-stack-buffer              # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report under plain, asan, valgrind and fanalyzer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pathbuf {
    size_t len;
    char   inline_buf[64];
};

static char *join_path(struct pathbuf *pb, const char *dir, const char *name)
{
    size_t need = strlen(dir) + 1 + strlen(name) + 1;
    char *out = need <= sizeof pb->inline_buf ? pb->inline_buf : malloc(need);
    if (!out)
        return NULL;
    snprintf(out, need, "%s/%s", dir, name);
    pb->len = need - 1;
    return out;
}

int cc_main(void)
{
    struct pathbuf pb;
    char *path = join_path(&pb, "/etc", "hosts");
    if (!path)
        return 2;
    printf("opening %s (%zu bytes)\n", path, pb.len);
    if (path != pb.inline_buf)                         // FIX: only a heap result is ours to free
        free(path);
    puts("done");
    return 0;
}

/* bad-free-stack-buffer / repro.c -- free() of a pointer that may point at a stack buffer.
 *
 * WHAT IT SHOWS
 *   A path buffer keeps short paths inline (struct pathbuf: a length, then 64 bytes) and
 *   mallocs long ones: a common optimisation. The caller frees the result on every path,
 *   so a short path hands free() the address of pb.inline_buf, on the stack.
 *   free(p) trusts the 8 bytes in front of p to be a chunk header. Here those bytes are
 *   pb.len = 10 (0b1010): glibc reads "size 8, IS_MMAPPED" and goes to munmap_chunk(),
 *   whose sanity check fails: "munmap_chunk(): invalid pointer", SIGABRT. (In front of a
 *   bare stack array the bytes are garbage, and so is the symptom: we also saw a SIGSEGV
 *   inside free() and a "heap-corruption" abort, depending on the build.)
 *   ASan knows the address is not one it handed out: "attempting free on address which
 *   was not malloc()-ed", bad-free, and it names the variable: 'pb' in cc_main's frame.
 *
 * HOW IT RUNS
 *   crashcourse run bad-free-stack-buffer               # plain, asan, gdb, valgrind, fanalyzer
 *
 * WHAT MUST APPEAR
 *   plain     : SIGABRT, "munmap_chunk(): invalid pointer"
 *   asan      : bad-free, frames free <- cc_main, "'pb' (line 49) ... is inside this variable"
 *   gdb       : abort <- malloc_printerr <- munmap_chunk <- free <- cc_main
 *   valgrind  : invalid-free: "Address ... is on thread 1's stack"; the program runs on
 *   fanalyzer : -Wanalyzer-free-of-non-heap
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A path with room for short paths inline (no malloc for the common case). */
struct pathbuf {
    size_t len;
    char   inline_buf[64];
};

/* Joins dir and name into pb->inline_buf when it fits, else into a malloc'd block. */
static char *join_path(struct pathbuf *pb, const char *dir, const char *name)
{
    size_t need = strlen(dir) + 1 + strlen(name) + 1;
    char *out = need <= sizeof pb->inline_buf ? pb->inline_buf : malloc(need);  /* stack OR heap */
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
    free(path);                                        // BUG: path == pb.inline_buf, on the stack
    puts("not reached");
    return 0;
}

/* sigill-garbage-code / fixed.c -- the table points at the real function.
 *
 * WHAT IT SHOWS
 *   The plugin entry is bound to checksum_plugin itself, a function the compiler
 *   and linker produced, in the program's own text segment. Recycling the code
 *   cache no longer matters to it: nothing points into the cache any more.
 *   (The general rule: when code memory is released, every pointer into it must be
 *   dropped or re-bound first; a code cache is a heap like any other.)
 *
 * HOW IT RUNS
 *   crashcourse run sigill-garbage-code                 # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "checksum = ..." printed, under plain, gdb and valgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef unsigned (*plugin_fn)(const unsigned char *data, size_t len);

struct plugin {
    const char *name;
    plugin_fn   run;
};

/* The real plugin: a tiny rolling checksum (h = h * 31 + byte). */
static unsigned checksum_plugin(const unsigned char *data, size_t len)
{
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = sum * 31 + data[i];
    return sum;
}

#define CACHE_SIZE 4096

/* A code cache slot is "released" by filling it with an undefined instruction, so
 * that a stale pointer into it traps at once instead of running half a thunk.
 * On x86-64 that is ud2 = 0f 0b (JITs and the kernel use it the same way). */
static void cache_release(unsigned char *cache)
{
    for (size_t i = 0; i + 1 < CACHE_SIZE; i += 2) {
        cache[i]     = 0x0f;
        cache[i + 1] = 0x0b;
    }
}

int cc_main(void)
{
    const char *mode = getenv("SIGILL_GARBAGE_PAGE");
    int prot = PROT_READ | PROT_WRITE | PROT_EXEC;
    if (mode && strcmp(mode, "nx") == 0)
        prot = PROT_READ | PROT_WRITE;        /* data page: no execute permission */

    unsigned char *cache = mmap(NULL, CACHE_SIZE, prot,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (cache == MAP_FAILED) {
        perror("mmap");
        return 2;
    }

    /* The "checksum" entry is bound to the real function, not to a cache slot. */
    struct plugin table[] = {
        { "checksum", checksum_plugin },      // FIX: point at the function, not into recyclable code memory
    };

    /* Later the cache is recycled; no entry points into it. */
    cache_release(cache);

    const unsigned char msg[] = "hello, plugins";
    printf("calling plugin '%s'\n", table[0].name);
    unsigned sum = table[0].run(msg, sizeof msg - 1);
    printf("checksum = %u\n", sum);

    munmap(cache, CACHE_SIZE);
    return 0;
}

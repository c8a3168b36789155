/* sigill-garbage-code / repro.c -- a function pointer into bytes that are not code.
 *
 * WHAT IT SHOWS
 *   SIGILL means the CPU fetched something it cannot decode as an instruction.
 *   Compilers do not emit such bytes by accident, so in your own program the usual
 *   cause is that the program counter ended up somewhere it should never be: code
 *   that was overwritten, a corrupted return address, a stale function pointer.
 *   Here a plugin table keeps a pointer to a slot of a small code cache. The cache
 *   was recycled: the loader overwrote the slot with its "released" pattern
 *   (0x0f 0x0b, the x86-64 `ud2` instruction, which is defined to be invalid), but
 *   nobody updated the table. The call lands on those bytes: SIGILL, with the
 *   faulting pc inside an anonymous mmap'd page, not in any function.
 *   The same jump into a page WITHOUT execute permission is a different signal:
 *   the CPU refuses to fetch from a no-execute (NX) page at all, and the kernel
 *   sends SIGSEGV before any decoding happens. Set SIGILL_GARBAGE_PAGE=nx to see
 *   that path (run by hand, see README.md).
 *
 * HOW IT RUNS
 *   crashcourse run sigill-garbage-code                 # plain, O0 and O2: SIGILL
 *   crashcourse run sigill-garbage-code --lens gdb      # pc in the page shown as ??
 *   crashcourse run sigill-garbage-code --lens valgrind # "Unrecognised instruction"
 *   cc_main() maps the code page read/write/execute unless the environment variable
 *   SIGILL_GARBAGE_PAGE is "nx" (then read/write only). It never reads stdin.
 *
 * WHAT MUST APPEAR
 *   plain    : SIGILL (x86-64: the bytes 0f 0b are `ud2`)
 *   gdb      : SIGILL, frame #0 is ?? (no symbol: an anonymous page), then cc_main
 *   valgrind : "unhandled instruction bytes: 0xF 0xB", then SIGILL
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

    /* At load time the "checksum" entry was bound to a thunk in the code cache. */
    struct plugin table[] = {
        { "checksum", (plugin_fn)(void *)cache },
    };

    /* Later the cache is recycled; the table is not told. */
    cache_release(cache);                     // BUG: the code is released; table[0].run still points into it

    const unsigned char msg[] = "hello, plugins";
    printf("calling plugin '%s'\n", table[0].name);
    unsigned sum = table[0].run(msg, sizeof msg - 1); // BUG: stale pointer into released code: executes 0f 0b (ud2)
    printf("checksum = %u\n", sum);

    munmap(cache, CACHE_SIZE);
    return 0;
}

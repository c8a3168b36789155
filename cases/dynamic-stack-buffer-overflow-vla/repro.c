/* dynamic-stack-buffer-overflow-vla / repro.c -- the terminator one past a variable-length array.
 *
 * WHAT IT SHOWS
 *   random_string(len) builds a string of len letters in a variable-length array
 *   `char str[len]` and terminates it with str[len] = '\0': one byte past the array, the
 *   classic "forgot the room for the NUL". A VLA (or alloca) is carved out of the stack at
 *   run time; gcc -fsanitize=address surrounds it with redzones ("Left/Right alloca
 *   redzone", shadow ca/cb) and the store lands in the right one:
 *   dynamic-stack-buffer-overflow, WRITE of size 1.
 *   Without ASan the byte falls into the alignment padding gcc adds after the VLA (it
 *   rounds the allocation up to 16 bytes): silent, until a length makes it hit something.
 *
 * HOW IT RUNS
 *   crashcourse run dynamic-stack-buffer-overflow-vla            # plain, asan, valgrind
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0, the string printed
 *   asan     : dynamic-stack-buffer-overflow, WRITE of size 1 in random_string
 *   valgrind : nothing: memcheck does not know where one stack object ends
 */
#include <stdio.h>
#include <string.h>

/* Fills out[] with len letters from a fixed LCG seed (deterministic output). */
__attribute__((noipa))
static void random_string(char *out, size_t len)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz";
    unsigned seed = 12345;
    char str[len];                                   /* exactly len bytes: no room for '\0' */
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        str[i] = alphabet[(seed >> 16) % 26];
    }
    str[len] = '\0';                                 // BUG: one past the end of the VLA
    memcpy(out, str, len + 1);
}

int cc_main(void)
{
    char out[64];
    random_string(out, 15);
    printf("token: %s\n", out);
    return 0;
}

/* dynamic-stack-buffer-overflow-vla / fixed.c -- room for the terminator.
 *
 * WHAT IT SHOWS
 *   The VLA is len + 1 bytes: len letters and the '\0'. (Better still, bound len before
 *   sizing anything on the stack with it: a VLA of an unchecked length is a stack overflow
 *   waiting for a large input.)
 *
 * HOW IT RUNS
 *   crashcourse run dynamic-stack-buffer-overflow-vla     # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, the same token, no report under plain, asan and valgrind.
 */
#include <stdio.h>
#include <string.h>

__attribute__((noipa))
static void random_string(char *out, size_t len)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz";
    unsigned seed = 12345;
    char str[len + 1];                               // FIX: len letters + the terminator
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        str[i] = alphabet[(seed >> 16) % 26];
    }
    str[len] = '\0';
    memcpy(out, str, len + 1);
}

int cc_main(void)
{
    char out[64];
    random_string(out, 15);
    printf("token: %s\n", out);
    return 0;
}

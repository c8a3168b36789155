/* free-invalid-pointer / repro.c -- free() handed a pointer that malloc never returned.
 *
 * WHAT IT SHOWS
 *   sway (swaywm/sway#1548) crashed at start-up with "free(): invalid pointer" when a
 *   config said  set $ws10 " name "  : the workspace-name parser stripped the leading
 *   quote and blank by ADVANCING the pointer strdup() had returned, and later freed the
 *   advanced pointer. free() looks 16 bytes before the pointer for the chunk header;
 *   a pointer 2 bytes into a block is not 16-byte aligned, so glibc's first sanity check
 *   in _int_free() fails: "free(): invalid pointer", abort(), SIGABRT.
 *   The block itself is fine. The pointer is what is wrong.
 *
 * HOW IT RUNS
 *   crashcourse run free-invalid-pointer                   # plain (O0, O2): glibc's check
 *   crashcourse run free-invalid-pointer --lens asan       # bad-free, 2 bytes inside a 9-byte block
 *   crashcourse run free-invalid-pointer --lens valgrind   # Invalid free(), 2 bytes inside
 *
 * WHAT MUST APPEAR
 *   plain    : SIGABRT, "free(): invalid pointer"
 *   asan     : attempting free on address which was not malloc()-ed (bad-free)
 *   valgrind : Invalid free() / delete / delete[] / realloc(), "2 bytes inside a block of size 9"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The workspace name as the user wrote it in the config: quoted, padded with blanks. */
static const char *CONFIG_ARG = "\" name \"";

/* Returns the name without its quotes and surrounding blanks. The caller frees it. */
__attribute__((noipa))
static char *workspace_name(const char *arg)
{
    char *name = strdup(arg);
    if (!name)
        return NULL;
    while (*name == '"' || *name == ' ')
        name++;                                        // BUG: moves the pointer strdup() returned
    size_t len = strlen(name);
    while (len > 0 && (name[len - 1] == '"' || name[len - 1] == ' '))
        name[--len] = '\0';
    return name;                                       /* 2 bytes into the block */
}

int cc_main(void)
{
    char *name = workspace_name(CONFIG_ARG);
    if (!name)
        return 2;
    printf("switching to workspace '%s'\n", name);
    free(name);                                        // BUG: not the address malloc returned
    printf("after free\n");                            /* reached only under valgrind */
    return 0;
}

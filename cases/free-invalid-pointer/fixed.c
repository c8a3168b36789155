/* free-invalid-pointer / fixed.c -- the pointer stays where strdup() put it.
 *
 * WHAT IT SHOWS
 *   The fix sway took (swaywm/sway#1559): keep the allocated pointer in place and move
 *   the DATA instead. memmove() shifts the trimmed name to the start of the block, so
 *   the pointer returned to the caller is the one malloc returned, and free() accepts it.
 *
 * HOW IT RUNS
 *   crashcourse run free-invalid-pointer          # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report, under plain, asan and valgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *CONFIG_ARG = "\" name \"";

__attribute__((noipa))
static char *workspace_name(const char *arg)
{
    char *name = strdup(arg);
    if (!name)
        return NULL;
    size_t skip = strspn(name, "\" ");
    memmove(name, name + skip, strlen(name + skip) + 1);   // FIX: move the data, not the pointer
    size_t len = strlen(name);
    while (len > 0 && (name[len - 1] == '"' || name[len - 1] == ' '))
        name[--len] = '\0';
    return name;                                       /* the address strdup() returned */
}

int cc_main(void)
{
    char *name = workspace_name(CONFIG_ARG);
    if (!name)
        return 2;
    printf("switching to workspace '%s'\n", name);
    free(name);                                        /* FIX: the pointer malloc returned */
    printf("after free\n");
    return 0;
}

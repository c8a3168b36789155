/* leak-error-path / fixed.c -- every return path frees what the function allocated.
 *
 * WHAT IT SHOWS
 *   The same parser with one exit for the error and the success paths alike: the
 *   error jumps to the label that frees the scratch copy (the kernel's "goto out"
 *   idiom, and kpatch's fix: free dest on the early return too).
 *
 * HOW IT RUNS
 *   crashcourse run leak-error-path                    # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0 and no report under plain, lsan, valgrind and fanalyzer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct setting {
    char key[16];
    int  value;
};

/* Parses "key=value" into *out. Returns 0, or -1 for a line without '='. */
__attribute__((noipa))
static int parse_setting(const char *line, struct setting *out)
{
    char *dest = malloc(64);                   /* the scratch copy this function owns */
    if (!dest)
        return -1;
    strncpy(dest, line, 63);
    dest[63] = '\0';

    int rc = -1;
    char *eq = strchr(dest, '=');
    if (!eq)
        goto out;                              // FIX: the error path goes through the free below too

    *eq = '\0';
    snprintf(out->key, sizeof out->key, "%s", dest);
    out->value = atoi(eq + 1);
    rc = 0;
out:
    free(dest);                                /* one exit, one free, whatever the outcome */
    return rc;
}

int cc_main(void)
{
    static const char *lines[] = { "width=80", "height=24", "# a comment", "depth=8" };
    struct setting s;
    int ok = 0, rejected = 0;

    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (parse_setting(lines[i], &s) == 0)
            ok++;
        else
            rejected++;                        /* the line is skipped, its copy already freed */
    }
    printf("%d settings, %d lines rejected\n", ok, rejected);
    return 0;
}

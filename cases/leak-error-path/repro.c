/* leak-error-path / repro.c -- a buffer allocated, then an early error return forgets it.
 *
 * WHAT IT SHOWS
 *   parse_setting() copies a "key=value" line into a heap buffer it owns, looks for
 *   the '=', and returns -1 when there is none. That error return is the one path
 *   that does not free the buffer: every malformed line leaks 64 bytes. Nothing
 *   crashes, nothing is printed, the program exits 0: a plain run shows nothing,
 *   and only a leak checker, which looks at the heap when the program ends, sees
 *   the block that no pointer reaches any more ("Direct leak", "definitely lost").
 *   The shape of kpatch's fix "Fix memory leak on dest buffer on early return path"
 *   (dynup/kpatch#459) and of countless others like it.
 *
 * HOW IT RUNS
 *   crashcourse run leak-error-path                    # plain: exit 0, nothing to see
 *   crashcourse run leak-error-path --lens lsan        # LeakSanitizer at exit
 *   crashcourse run leak-error-path --lens valgrind    # memcheck --leak-check=full
 *   crashcourse run leak-error-path --lens fanalyzer   # gcc -fanalyzer, at build time
 *
 * WHAT MUST APPEAR
 *   plain     : exit 0, no diagnosis (the leak is invisible)
 *   lsan      : direct-leak of 64 bytes, allocated in parse_setting <- cc_main; exit 23
 *   valgrind  : definite-leak, "64 bytes in 1 blocks are definitely lost", malloc <- parse_setting
 *   fanalyzer : -Wanalyzer-malloc-leak on the error return
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

    char *eq = strchr(dest, '=');
    if (!eq)
        return -1;                             // BUG: error path returns without free(dest)

    *eq = '\0';
    snprintf(out->key, sizeof out->key, "%s", dest);
    out->value = atoi(eq + 1);
    free(dest);                                /* the success path frees it */
    return 0;
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
            rejected++;                        /* the line is skipped; its 64-byte copy is lost */
    }
    printf("%d settings, %d lines rejected\n", ok, rejected);
    return 0;
}

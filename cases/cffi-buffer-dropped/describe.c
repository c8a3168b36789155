/* describe.c -- the "C library" of cffi-buffer-dropped: a stand-in for libgit2's git_describe.
 *
 * Like libgit2, it takes an options struct whose string fields are *borrowed*: the library
 * reads them during the call and never copies them, so the caller must keep them alive.
 * Built at run time by _clib.py (gcc -shared; with -fsanitize=address under the asan lens).
 */
#include <stddef.h>
#include <stdio.h>

struct describe_options {
    unsigned max_candidates;
    const char *pattern;          /* glob the tag must match, e.g. "v1.*"; borrowed */
};

struct describe_format_options {
    unsigned abbreviated_size;
    const char *dirty_suffix;     /* appended when the work tree is dirty, e.g. "-dirty"; borrowed */
};

/* The repository's tags, oldest first. */
static const char *const tags[] = {"v0.9", "v1.0", "release-2023", "v1.1", "nightly", NULL};

/* A glob with '*' only, enough for tag patterns. */
static int glob_match(const char *pat, const char *s)
{
    if (*pat == '\0')
        return *s == '\0';
    if (*pat == '*')
        return glob_match(pat + 1, s) || (*s != '\0' && glob_match(pat, s + 1));
    return *pat == *s && glob_match(pat + 1, s + 1);
}

/* Write "<newest matching tag>-3-g1a2b3c4<dirty suffix>" into out; -1 when no tag matches. */
int describe(const struct describe_options *opts, const struct describe_format_options *fmt,
             char *out, size_t outlen)
{
    const char *best = NULL;
    unsigned seen = 0;
    for (int i = 0; tags[i] != NULL && seen < opts->max_candidates; i++, seen++)
        if (glob_match(opts->pattern, tags[i]))
            best = tags[i];
    if (best == NULL)
        return -1;
    snprintf(out, outlen, "%s-3-g%.*s%s", best, (int)fmt->abbreviated_size, "1a2b3c4d5e6f", fmt->dirty_suffix);
    return 0;
}

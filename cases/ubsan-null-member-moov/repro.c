/* ubsan-null-member-moov / repro.c -- a parsed movie whose optional 'moov' box is missing:
 * the duration is read through a NULL pointer.
 *
 * WHAT IT SHOWS
 *   An MP4 parser fills `struct movie` box by box; a file without a 'moov' box (truncated, or
 *   fragmented) leaves movie->moov NULL. movie_seconds() reads movie->moov->mvhd without a
 *   check. Plain: SIGSEGV at a small address (NULL + offsetof(struct moov, mvhd)). UBSan's
 *   -fsanitize=null checks the pointer before the member access and names the struct type.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-null-member-moov                # plain (O0, O2), ubsan
 *   crashcourse run ubsan-null-member-moov --lens ubsan   # the member access, named
 *   The "file" is a constant list of box types; no input.
 *
 * WHAT MUST APPEAR
 *   plain : "boxes: ftyp mdat", then SIGSEGV
 *   ubsan : "member access within null pointer of type 'struct moov'" at repro.c:60,
 *           in movie_seconds
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mvhd {
    uint32_t timescale;
    uint64_t duration;
};

struct moov {
    int track_count;
    struct mvhd *mvhd;          /* offset 8 */
};

struct movie {
    struct moov *moov;          /* NULL when the file has no 'moov' box */
    int box_count;
};

static struct mvhd header = { 1000, 5400000 };   /* 90 minutes */
static struct moov movie_box = { 2, &header };

/* The parser: one pass over the top-level boxes. */
static void parse_boxes(struct movie *m, const char *const *types, int n)
{
    printf("boxes:");
    for (int i = 0; i < n; i++) {
        printf(" %s", types[i]);
        if (strcmp(types[i], "moov") == 0)
            m->moov = &movie_box;
        m->box_count++;
    }
    printf("\n");
    fflush(stdout);
}

__attribute__((noipa))
static double movie_seconds(const struct movie *m)
{
    const struct mvhd *h = m->moov->mvhd;   // BUG: no 'moov' box -> m->moov is NULL
    return (double)h->duration / h->timescale;
}

int cc_main(void)
{
    /* A file cut short before its 'moov' box: ftyp and media data only. */
    static const char *const boxes[] = { "ftyp", "mdat" };
    struct movie m = { 0 };
    parse_boxes(&m, boxes, 2);
    printf("duration %.1f s\n", movie_seconds(&m));
    return 0;
}

/* ubsan-null-member-moov / fixed.c -- the missing 'moov' box is checked for.
 *
 * WHAT IT SHOWS
 *   movie_seconds() reports "no duration" when the file has no 'moov' box (or no 'mvhd'
 *   inside it); the caller prints that instead of dereferencing NULL.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-null-member-moov --variant fixed
 *
 * WHAT MUST APPEAR
 *   plain, ubsan : exit 0, "no 'moov' box: duration unknown"
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
    if (m->moov == NULL || m->moov->mvhd == NULL)   // FIX: the box is optional in the file
        return -1.0;
    const struct mvhd *h = m->moov->mvhd;
    return (double)h->duration / h->timescale;
}

int cc_main(void)
{
    /* A file cut short before its 'moov' box: ftyp and media data only. */
    static const char *const boxes[] = { "ftyp", "mdat" };
    struct movie m = { 0 };
    parse_boxes(&m, boxes, 2);
    double s = movie_seconds(&m);
    if (s < 0)
        printf("no 'moov' box: duration unknown\n");
    else
        printf("duration %.1f s\n", s);
    return 0;
}

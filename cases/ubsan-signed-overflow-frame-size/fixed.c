/* ubsan-signed-overflow-frame-size / fixed.c -- the frame size computed in size_t and
 * checked before it can wrap.
 *
 * WHAT IT SHOWS
 *   Each factor is checked against the limit before multiplying, and the product is formed in
 *   size_t: 4,800,000,000 is seen as what it is, more than 512 MiB, and the frame is refused.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-signed-overflow-frame-size --variant fixed
 *
 * WHAT MUST APPEAR
 *   plain, ubsan : "frame 40000 x 30000 refused", exit 0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAME ((size_t)512 << 20)

struct header {
    int width, height;
};

static struct header parse_header(const unsigned char *p)
{
    struct header h;
    memcpy(&h.width, p, 4);
    memcpy(&h.height, p + 4, 4);
    return h;
}

/* 0 when the frame is invalid or too large; the product never overflows. */
__attribute__((noipa))
static size_t frame_bytes(const struct header *h)
{
    if (h->width <= 0 || h->height <= 0)
        return 0;
    if ((size_t)h->width > MAX_FRAME / 4 / (size_t)h->height)   // FIX: check before multiplying
        return 0;
    return (size_t)h->width * (size_t)h->height * 4;            // FIX: multiply in size_t
}

int cc_main(void)
{
    static const unsigned char file[8] = { 0x40, 0x9c, 0, 0, 0x30, 0x75, 0, 0 };
    struct header h = parse_header(file);

    size_t len = frame_bytes(&h);
    if (len == 0) {
        printf("frame %d x %d refused\n", h.width, h.height);
        return 0;
    }
    printf("frame %d x %d: %zu bytes\n", h.width, h.height, len);
    unsigned char *frame = malloc(len);
    if (!frame)
        return 2;
    size_t row = (size_t)h.width * 4;
    memset(frame + (size_t)(h.height - 1) * row, 0xff, row);
    free(frame);
    return 0;
}

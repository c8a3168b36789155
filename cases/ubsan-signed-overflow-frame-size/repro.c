/* ubsan-signed-overflow-frame-size / repro.c -- a frame size computed in int from a file's
 * header: the multiplication overflows, the size check passes, the buffer is too small.
 *
 * WHAT IT SHOWS
 *   width * height * 4 for a 40000 x 30000 RGBA frame is 4,800,000,000: more than INT_MAX.
 *   Signed overflow is undefined; on x86-64 the imul wraps, and len becomes 505,032,704.
 *   That passes the "at most 512 MiB" check, malloc gives 505 MB, and the decoder's first
 *   write to the last row (an offset computed correctly, in size_t) lands 4.3 GB past the
 *   end of the buffer: SIGSEGV, two functions away from the bad multiplication.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-signed-overflow-frame-size                # plain (O0, O2), ubsan
 *   crashcourse run ubsan-signed-overflow-frame-size --lens ubsan   # the multiplication, named
 *   The header is a constant byte array (what a file read would give); no input.
 *
 * WHAT MUST APPEAR
 *   plain : "frame 40000 x 30000: 505032704 bytes", then SIGSEGV
 *   ubsan : "signed integer overflow: 1200000000 * 4 cannot be represented in type 'int'"
 *           at repro.c:44, in frame_bytes
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAME (512 << 20)   /* refuse frames above 512 MiB */

struct header {
    int width, height;          /* little-endian int32 fields of the file header */
};

static struct header parse_header(const unsigned char *p)
{
    struct header h;
    memcpy(&h.width, p, 4);
    memcpy(&h.height, p + 4, 4);
    return h;
}

/* noipa: the dimensions arrive at run time, as from a real file. */
__attribute__((noipa))
static int frame_bytes(const struct header *h)
{
    return h->width * h->height * 4;   // BUG: int multiplication; 40000 * 30000 * 4 overflows
}

int cc_main(void)
{
    /* 40000 x 30000 pixels: a large panorama, a legitimate file. */
    static const unsigned char file[8] = { 0x40, 0x9c, 0, 0, 0x30, 0x75, 0, 0 };
    struct header h = parse_header(file);

    int len = frame_bytes(&h);
    if (len <= 0 || len > MAX_FRAME) {          /* the check sees the wrapped value */
        printf("frame %d x %d refused\n", h.width, h.height);
        return 1;
    }
    printf("frame %d x %d: %d bytes\n", h.width, h.height, len);
    fflush(stdout);

    unsigned char *frame = malloc((size_t)len);
    if (!frame)
        return 2;
    /* The decoder fills rows from the bottom: the last row's offset, in size_t, is right. */
    size_t row = (size_t)h.width * 4;
    memset(frame + (size_t)(h.height - 1) * row, 0xff, row);   /* 4.8 GB into a 505 MB block */
    free(frame);
    return 0;
}

/* allocation-size-too-big-dns / repro.c -- malloc(len - 2) for a length that can be 0.
 *
 * WHAT IT SHOWS
 *   A DNS-over-TCP request starts with a 2-byte length; the parser allocates the message
 *   body as malloc(total - 2), total being what the peer declared. A peer that declares 0
 *   makes that malloc(0 - 2): size_t wraps to 0xfffffffffffffffe. glibc refuses (more than
 *   PTRDIFF_MAX) and returns NULL; the parser copies into it: SIGSEGV. ASan's allocator
 *   stops at the malloc itself: "requested allocation size 0xfffffffffffffffe ... exceeds
 *   maximum supported size", allocation-size-too-big.
 *
 * HOW IT RUNS
 *   crashcourse run allocation-size-too-big-dns         # plain, asan, gdb
 *
 * WHAT MUST APPEAR
 *   plain : SIGSEGV (the copy into the NULL that malloc returned)
 *   asan  : allocation-size-too-big, malloc <- dns_request_parse <- cc_main
 *   gdb   : the fault in memcpy/memmove called from dns_request_parse
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dns_request { size_t len; unsigned char *body; };

/* wire: 2-byte big-endian total length (length field included, as this server expects), then the body */
__attribute__((noipa))
static int dns_request_parse(const unsigned char *wire, size_t wire_len, struct dns_request *req)
{
    if (wire_len < 2)
        return -1;
    size_t total = (size_t)wire[0] << 8 | wire[1];
    req->len = total - 2;                          /* wraps for total < 2 */
    req->body = malloc(req->len);                  // BUG: total - 2 with total == 0
    memcpy(req->body, wire + 2, wire_len - 2);     // BUG: malloc's NULL is not checked
    return 0;
}

int cc_main(void)
{
    static const unsigned char ok[]  = { 0x00, 0x06, 0x12, 0x34, 0x01, 0x00 };
    static const unsigned char bad[] = { 0x00, 0x00, 0x12, 0x34, 0x01, 0x00 };  /* declares 0 */
    struct dns_request req;
    if (dns_request_parse(ok, sizeof ok, &req) == 0) {
        printf("request of %zu bytes, id %02x%02x\n", req.len, req.body[0], req.body[1]);
        free(req.body);
    }
    if (dns_request_parse(bad, sizeof bad, &req) == 0) {
        printf("request of %zu bytes\n", req.len);
        free(req.body);
    }
    return 0;
}

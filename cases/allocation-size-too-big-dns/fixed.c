/* allocation-size-too-big-dns / fixed.c -- validate the declared length first.
 *
 * WHAT IT SHOWS
 *   The declared total must cover the length field and match what arrived; anything else
 *   is a malformed request, rejected before any size is computed from it. The allocation
 *   is checked too.
 *
 * HOW IT RUNS
 *   crashcourse run allocation-size-too-big-dns        # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, the first request parsed, the second rejected, no report under plain,
 *   asan and gdb.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dns_request { size_t len; unsigned char *body; };

__attribute__((noipa))
static int dns_request_parse(const unsigned char *wire, size_t wire_len, struct dns_request *req)
{
    if (wire_len < 2)
        return -1;
    size_t total = (size_t)wire[0] << 8 | wire[1];
    if (total < 2 || total != wire_len)            // FIX: a length the packet cannot have is an error
        return -1;
    req->len = total - 2;
    req->body = malloc(req->len ? req->len : 1);
    if (!req->body)                                // FIX: an allocation can fail
        return -1;
    memcpy(req->body, wire + 2, wire_len - 2);
    return 0;
}

int cc_main(void)
{
    static const unsigned char ok[]  = { 0x00, 0x06, 0x12, 0x34, 0x01, 0x00 };
    static const unsigned char bad[] = { 0x00, 0x00, 0x12, 0x34, 0x01, 0x00 };
    struct dns_request req;
    if (dns_request_parse(ok, sizeof ok, &req) == 0) {
        printf("request of %zu bytes, id %02x%02x\n", req.len, req.body[0], req.body[1]);
        free(req.body);
    }
    if (dns_request_parse(bad, sizeof bad, &req) == 0) {
        printf("request of %zu bytes\n", req.len);
        free(req.body);
    } else {
        puts("malformed request rejected");
    }
    return 0;
}

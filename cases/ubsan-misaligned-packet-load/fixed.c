/* ubsan-misaligned-packet-load / fixed.c -- the address copied out of the packet with memcpy.
 *
 * WHAT IT SHOWS
 *   memcpy into a local uint32_t has no alignment requirement on the source; compilers turn
 *   it into a single (unaligned-safe) load where the CPU allows one. Same output, defined.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-misaligned-packet-load --variant fixed
 *
 * WHAT MUST APPEAR
 *   plain, ubsan : exit 0, "peer 192.168.1.20:27960"
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static _Alignas(4) unsigned char packet[10] = { 0x6d, 0x38, 192, 168, 1, 20, 0, 0, 0, 7 };

__attribute__((noipa))
static uint32_t peer_addr(const unsigned char *pkt)
{
    uint32_t a;
    memcpy(&a, pkt + 2, sizeof a);   // FIX: copy the bytes; no aligned-object claim
    return a;
}

int cc_main(void)
{
    uint32_t a = peer_addr(packet);
    const unsigned char *b = (const unsigned char *)&a;
    unsigned port = (unsigned)packet[0] << 8 | packet[1];
    printf("peer %u.%u.%u.%u:%u\n", b[0], b[1], b[2], b[3], port);
    return 0;
}

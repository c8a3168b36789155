/* ubsan-misaligned-packet-load / repro.c -- a 32-bit address read from a packet by casting
 * a byte pointer that is not 4-byte aligned.
 *
 * WHAT IT SHOWS
 *   A packet is a byte buffer: a 2-byte port, then a 4-byte IPv4 address, then a 4-byte
 *   counter. `*(const uint32_t *)(pkt + 2)` tells the compiler "there is a uint32_t at this
 *   address", which C allows only if the address is aligned for uint32_t (a multiple of 4).
 *   pkt + 2 is not. x86 loads unaligned words in hardware, so the program prints the right
 *   address and exits 0; on a strict-alignment CPU the same load is SIGBUS, and even on x86
 *   the compiler may use instructions that require alignment (SSE movdqa) when it vectorises.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-misaligned-packet-load                # plain (O0, O2), ubsan
 *   crashcourse run ubsan-misaligned-packet-load --lens ubsan   # the misaligned load, named
 *   The packet is a constant; no input.
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "peer 192.168.1.20:27960"
 *   ubsan : "load of misaligned address 0x... for type 'const uint32_t', which requires 4 byte
 *           alignment" at repro.c:34, in peer_addr
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The wire format: port (2 bytes, big-endian), address (4 bytes, network order), seq (4). */
static _Alignas(4) unsigned char packet[10] = { 0x6d, 0x38, 192, 168, 1, 20, 0, 0, 0, 7 };

/* noipa: the packet pointer is opaque to the caller's optimiser, as it would be for data
 * read from a socket. */
__attribute__((noipa))
static uint32_t peer_addr(const unsigned char *pkt)
{
    return *(const uint32_t *)(pkt + 2);   // BUG: pkt + 2 is not aligned for uint32_t
}

int cc_main(void)
{
    uint32_t a = peer_addr(packet);   /* network byte order, as stored */
    const unsigned char *b = (const unsigned char *)&a;
    unsigned port = (unsigned)packet[0] << 8 | packet[1];
    printf("peer %u.%u.%u.%u:%u\n", b[0], b[1], b[2], b[3], port);
    return 0;
}

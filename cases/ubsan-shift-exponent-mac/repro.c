/* ubsan-shift-exponent-mac / repro.c -- a MAC address packed into a number by shifting a byte
 * that C has already turned into a 32-bit int.
 *
 * WHAT IT SHOWS
 *   `mac[i] << 40` looks like a 64-bit shift because the result is stored in a uint64_t. It is
 *   not: the uint8_t operand is promoted to int (32 bits) and the shift happens in int. A shift
 *   count >= the width of the type is undefined behaviour. x86's shl masks the count to 5 bits,
 *   so at run time `<< 40` is `<< 8` and `<< 32` is `<< 0`: the six bytes land on top of each
 *   other and two stations get the same key. Nothing crashes; the numbers are wrong.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-shift-exponent-mac                 # plain (O0, O2) and ubsan
 *   crashcourse run ubsan-shift-exponent-mac --lens ubsan    # the first bad shift, named
 *   No input, no environment: two fixed MAC addresses.
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, both stations print the same key (a collision)
 *   ubsan : "shift exponent 40 is too large for 32-bit type 'int'" at repro.c:35, in mac_key
 */
#include <stdint.h>
#include <stdio.h>

struct station {
    const char *name;
    uint8_t mac[6];
};

/* The station table is keyed by the MAC as a 48-bit number. noipa: keep the
 * shifts at run time so every build shows the same thing. */
__attribute__((noipa))
static uint64_t mac_key(const uint8_t mac[6])
{
    uint64_t key = 0;
    for (int i = 0; i < 6; i++)
        key |= mac[i] << (8 * (5 - i));   // BUG: mac[i] is promoted to int: << 40 and << 32 are undefined
    return key;
}

int cc_main(void)
{
    struct station a = { "ap-kitchen", { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 } };
    struct station b = { "ap-garage",  { 0x00, 0x40, 0xac, 0x11, 0x02, 0x02 } };
    uint64_t ka = mac_key(a.mac), kb = mac_key(b.mac);

    printf("%s key 0x%012llx\n", a.name, (unsigned long long)ka);
    printf("%s key 0x%012llx\n", b.name, (unsigned long long)kb);
    printf(ka == kb ? "COLLISION: two stations share a key\n" : "keys differ\n");
    return 0;
}

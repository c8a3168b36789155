/* ubsan-shift-exponent-mac / fixed.c -- the same packing, with each byte widened first.
 *
 * WHAT IT SHOWS
 *   Casting the byte to uint64_t before shifting makes the shift happen in 64 bits, where
 *   counts up to 63 are defined: every byte gets its own 8 bits and the keys differ.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-shift-exponent-mac --variant fixed
 *
 * WHAT MUST APPEAR
 *   plain, ubsan : exit 0, "keys differ", no runtime error
 */
#include <stdint.h>
#include <stdio.h>

struct station {
    const char *name;
    uint8_t mac[6];
};

__attribute__((noipa))
static uint64_t mac_key(const uint8_t mac[6])
{
    uint64_t key = 0;
    for (int i = 0; i < 6; i++)
        key |= (uint64_t)mac[i] << (8 * (5 - i));   // FIX: widen the byte before shifting
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

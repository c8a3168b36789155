/* ubsan-invalid-enum-reloc / fixed.cpp -- the raw code is read as an integer and only known
 * values become a Code.
 *
 * WHAT IT SHOWS
 *   The on-disk field is a uint32_t; apply() switches on that integer, so an unknown code is
 *   an ordinary value that reaches the default branch. No enum object ever holds 102.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-invalid-enum-reloc --variant fixed
 *
 * WHAT MUST APPEAR
 *   plain, ubsan : exit 0, "unhandled relocation code 102", "1 unhandled"
 */
#include <cstdint>
#include <cstdio>
#include <cstring>

enum Code {                  /* no fixed underlying type: valid values are 0..63 */
    R_ARM_NONE = 0,
    R_ARM_ABS32 = 2,
    R_ARM_REL32 = 3,
    R_ARM_THM_CALL = 10,
    R_ARM_MOVW_ABS_NC = 43,
};

struct Reloc {               /* the on-disk entry, 8 bytes */
    uint32_t code;           // FIX: the file's field is an integer, whatever values it holds
    uint32_t offset;
};

/* noipa: entries arrive from a file at run time. */
__attribute__((noipa)) static int apply(const Reloc &r)
{
    switch (r.code) {
    case R_ARM_NONE:
        return 0;
    case R_ARM_ABS32:
    case R_ARM_REL32:
    case R_ARM_THM_CALL:
    case R_ARM_MOVW_ABS_NC:
        std::printf("reloc %d at 0x%x\n", (int)r.code, (unsigned)r.offset);
        return 0;
    default:
        std::printf("unhandled relocation code %d\n", (int)r.code);
        return 1;
    }
}

extern "C" int cc_main(void)
{
    /* code (4 bytes LE), offset (4 bytes LE) x 3: ABS32, an unknown 102, THM_CALL */
    static const unsigned char file[24] = {
        2, 0, 0, 0, 0x10, 0, 0, 0,
        102, 0, 0, 0, 0x20, 0, 0, 0,
        10, 0, 0, 0, 0x30, 0, 0, 0,
    };
    int unhandled = 0;
    for (int i = 0; i < 3; i++) {
        Reloc r;
        std::memcpy(&r, file + 8 * i, sizeof r);   /* raw bytes into an enum field */
        unhandled += apply(r);
    }
    std::printf("%d unhandled\n", unhandled);
    return 0;
}

/* ubsan-invalid-enum-reloc / repro.cpp -- relocation entries read from a module file into a
 * struct whose `code` field is a C++ enum: a code the loader does not know (102) is not a
 * value of the enum.
 *
 * WHAT IT SHOWS
 *   `enum Code` has no fixed underlying type, so its values are only those that fit in the
 *   bits its enumerators need (here 0..63). A module built by a newer toolchain carries
 *   relocation code 102; memcpy puts it into the enum field and every load of that field is
 *   undefined. gcc does not exploit it by default (-fstrict-enums would), so the switch's
 *   default branch still runs and logs "unhandled relocation code 102". UBSan's
 *   -fsanitize=enum checks the load and names the value and the enum.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-invalid-enum-reloc                # plain (O0, O2), ubsan
 *   crashcourse run ubsan-invalid-enum-reloc --lens ubsan   # the load, named
 *   Three relocation entries as raw bytes; no input.
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "unhandled relocation code 102"
 *   ubsan : "load of value 102, which is not a valid value for type 'Code'" at repro.cpp:42
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
    Code code;
    uint32_t offset;
};

/* noipa: entries arrive from a file at run time. */
__attribute__((noipa)) static int apply(const Reloc &r)
{
    switch (r.code) {   // BUG: r.code holds 102, not a value of enum Code
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

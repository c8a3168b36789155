/* ubsan-invalid-bool-settings / repro.c -- a settings blob copied byte for byte into a struct
 * with a bool field: the byte is 190, and a bool may only hold 0 or 1.
 *
 * WHAT IT SHOWS
 *   Version 1 of the settings file stored the mouse speed as a percentage in byte 1; version 2
 *   reuses byte 1 as `bool mouse_slow`. Loading an old file with memcpy puts 190 in a bool.
 *   The compiler assumes every bool is 0 or 1 and computes `!b` as `b ^ 1`: with 190 both
 *   `b` and `!b` are non-zero, so the program reports the option as on AND off. UBSan checks
 *   every load of a bool (-fsanitize=bool) and names the bad value.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-invalid-bool-settings                # plain (O0, O2), ubsan
 *   crashcourse run ubsan-invalid-bool-settings --lens ubsan   # the bad load, named
 *   The old settings file is a constant byte array; no input.
 *
 * WHAT MUST APPEAR
 *   plain : the option printed as both on and off
 *   ubsan : "load of value 190, which is not a valid value for type '_Bool'" at repro.c:36
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct settings {            /* version 2 layout */
    uint8_t version;
    bool mouse_slow;         /* byte 1: in version 1, the mouse speed in percent */
    uint8_t volume;
    uint8_t fov;
};

/* noipa: the settings arrive from a file at run time. */
__attribute__((noipa))
static void describe(const struct settings *s)
{
    bool slow = s->mouse_slow;   // BUG: the byte is 190, not a valid bool
    printf("mouse_slow: %s\n", slow ? "on" : "off");
    printf("fast mouse: %s\n", !slow ? "on" : "off");
}

int cc_main(void)
{
    /* A version-1 file: speed 190 %, volume 80, fov 90. */
    static const uint8_t old_file[4] = { 1, 190, 80, 90 };
    struct settings s;
    memcpy(&s, old_file, sizeof s);   /* no version check */
    printf("settings version %d\n", s.version);
    describe(&s);
    return 0;
}

/* ubsan-invalid-bool-settings / fixed.c -- the file's version is checked and the byte is
 * converted to bool, never copied into one.
 *
 * WHAT IT SHOWS
 *   A version-1 file is migrated: its byte 1 is a speed, not a flag, so mouse_slow is set
 *   from a comparison (a real bool). Any byte read from a file goes through `!= 0` on its way
 *   into a bool.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-invalid-bool-settings --variant fixed
 *
 * WHAT MUST APPEAR
 *   plain, ubsan : exit 0, "mouse_slow: off", "fast mouse: on"
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
    bool slow = s->mouse_slow;
    printf("mouse_slow: %s\n", slow ? "on" : "off");
    printf("fast mouse: %s\n", !slow ? "on" : "off");
}

int cc_main(void)
{
    /* A version-1 file: speed 190 %, volume 80, fov 90. */
    static const uint8_t old_file[4] = { 1, 190, 80, 90 };
    struct settings s;
    if (old_file[0] == 1) {           /* migrate: byte 1 was a speed in percent */
        s.version = 1;
        s.mouse_slow = old_file[1] < 100;   // FIX: a comparison yields a valid bool
        s.volume = old_file[2];
        s.fov = old_file[3];
    } else {
        memcpy(&s, old_file, sizeof s);
    }
    printf("settings version %d\n", s.version);
    describe(&s);
    return 0;
}

/* ubsan-index-out-of-bounds-struct / fixed.c -- the loop bounded by the array itself.
 *
 * WHAT IT SHOWS
 *   `i < VISIBLE` (better: `i < sizeof m->alpha / sizeof m->alpha[0]`) stops at the last
 *   element; `selected` keeps its value.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-index-out-of-bounds-struct --variant fixed
 *
 * WHAT MUST APPEAR
 *   every lens : exit 0, "selected item 3" twice
 */
#include <stdint.h>
#include <stdio.h>

#define VISIBLE 8

struct menu {
    uint8_t alpha[VISIBLE];
    int selected;
};

__attribute__((noipa))
static void fade_in(struct menu *m, uint8_t value)
{
    for (size_t i = 0; i < sizeof m->alpha / sizeof m->alpha[0]; i++)   // FIX: bound by the array
        m->alpha[i] = value;
}

int cc_main(void)
{
    struct menu m = { .selected = 3 };
    printf("selected item %d\n", m.selected);
    fade_in(&m, 255);
    printf("selected item %d\n", m.selected);
    return 0;
}

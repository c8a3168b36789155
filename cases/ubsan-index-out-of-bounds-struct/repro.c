/* ubsan-index-out-of-bounds-struct / repro.c -- an off-by-one over a fixed array that is a
 * struct member: the ninth byte lands in the next field.
 *
 * WHAT IT SHOWS
 *   A menu keeps one alpha value per visible item in `uint8_t alpha[8]`, followed in the same
 *   struct by the index of the selected item. A fade loop runs `i <= 8`: the write to
 *   alpha[8] is past the array but still inside the struct, so it silently overwrites the low
 *   byte of `selected`. No crash, no allocator check, and ASan is blind to it too (there is no
 *   redzone between two fields of one object). -fsanitize=bounds knows the array's type,
 *   `uint8_t [8]`, and checks the index against it.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-index-out-of-bounds-struct               # plain (O0, O2), asan, ubsan
 *   crashcourse run ubsan-index-out-of-bounds-struct --lens ubsan  # the index, named
 *   No input.
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "selected item 255" (it was 3 before the fade)
 *   asan  : clean, the same wrong output
 *   ubsan : "index 8 out of bounds for type 'uint8_t [8]'" at repro.c:37, in fade_in
 */
#include <stdint.h>
#include <stdio.h>

#define VISIBLE 8

struct menu {
    uint8_t alpha[VISIBLE];   /* one alpha per visible entry */
    int selected;             /* right after the array, in the same object */
};

/* noipa: the menu is the caller's; the loop bound is what it is at run time. */
__attribute__((noipa))
static void fade_in(struct menu *m, uint8_t value)
{
    for (int i = 0; i <= VISIBLE; i++)
        m->alpha[i] = value;   // BUG: i == VISIBLE writes alpha[8], the low byte of m->selected
}

int cc_main(void)
{
    struct menu m = { .selected = 3 };
    printf("selected item %d\n", m.selected);
    fade_in(&m, 255);
    printf("selected item %d\n", m.selected);
    return 0;
}

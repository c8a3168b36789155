/* ubsan-float-cast-price / fixed.c -- the price is clamped in double before the conversion.
 *
 * WHAT IT SHOWS
 *   The value is compared with INT_MAX while it is still a double; only a value that fits is
 *   converted. The dragon blade is priced at the cap instead of at a negative number.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-float-cast-price --variant fixed
 *
 * WHAT MUST APPEAR
 *   plain, ubsan : exit 0, "dragon blade (level 30): 2147483647 credits"
 */
#include <limits.h>
#include <stdio.h>

struct item { const char *name; double base; int level; };

/* noipa: the item data come from the game's database at run time. */
__attribute__((noipa))
static int suggested_price(const struct item *it)
{
    double value = it->base;
    for (int i = 0; i < it->level; i++)
        value *= 1.5;                      /* each enchantment level adds 50 % */
    if (value >= (double)INT_MAX)   // FIX: range-check in double, before converting
        return INT_MAX;
    return (int)value;
}

int cc_main(void)
{
    static const struct item items[] = {
        { "iron dagger", 12000.0, 10 },
        { "dragon blade", 12000.0, 30 },
    };
    for (int i = 0; i < 2; i++)
        printf("%s (level %d): %d credits\n", items[i].name, items[i].level, suggested_price(&items[i]));
    return 0;
}

/* ubsan-float-cast-price / repro.c -- a price computed in double and cast to int: for a
 * high-level item the value is above INT_MAX, and the conversion is undefined.
 *
 * WHAT IT SHOWS
 *   suggested_price() grows a base price by 50 % per enchantment level, in double, then
 *   returns (int)value. Level 30 gives 2.3e9 credits, more than INT_MAX (2,147,483,647).
 *   Converting a floating value that does not fit into an integer type is undefined; x86's
 *   cvttsd2si returns the "integer indefinite" value 0x80000000, so the price becomes
 *   -2147483648 and the shop pays the player to take the item. UBSan's
 *   -fsanitize=float-cast-overflow names the value and the type.
 *
 * HOW IT RUNS
 *   crashcourse run ubsan-float-cast-price                # plain (O0, O2), ubsan
 *   crashcourse run ubsan-float-cast-price --lens ubsan   # the conversion, named
 *   Two items, level 10 and level 30; no input.
 *
 * WHAT MUST APPEAR
 *   plain : "dragon blade (level 30): -2147483648 credits"
 *   ubsan : "2.30101e+09 is outside the range of representable values of type 'int'" at
 *           repro.c:34, in suggested_price
 */
#include <stdio.h>

struct item { const char *name; double base; int level; };

/* noipa: the item data come from the game's database at run time. */
__attribute__((noipa))
static int suggested_price(const struct item *it)
{
    double value = it->base;
    for (int i = 0; i < it->level; i++)
        value *= 1.5;                      /* each enchantment level adds 50 % */
    int price;
    price = (int)value;   // BUG: value can exceed INT_MAX: the conversion is undefined
    return price;
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

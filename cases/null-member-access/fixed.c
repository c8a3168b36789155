/* null-member-access / fixed.c -- check the lookup before using its result.
 *
 * WHAT IT SHOWS
 *   find_config() can fail, so its NULL is handled where it is returned: the
 *   service falls back to a default timeout. timeout_of() also states its
 *   contract: it is never handed NULL. The member offset is taken with
 *   offsetof(), the defined way to ask "how far into the struct is this field".
 *
 * HOW IT RUNS
 *   crashcourse run null-member-access             # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   CRASHCOURSE_METRIC member_offset=16 and exit status 0 under every lens.
 */
#include <stddef.h>
#include <stdio.h>

struct config {
    char name[16];
    long timeout_ms;
};

static const struct config default_config = { "default", 1500 };

__attribute__((noipa))
static struct config *find_config(const char *service)
{
    (void)service;
    return NULL;
}

__attribute__((noipa))
static long timeout_of(const struct config *c)
{
    return c->timeout_ms;                     /* callers guarantee c != NULL */
}

int cc_main(void)
{
    const struct config *cfg = find_config("billing");
    if (cfg == NULL)                          // FIX: a failed lookup is handled, not dereferenced
        cfg = &default_config;

    printf("CRASHCOURSE_METRIC member_offset=%zu\n", offsetof(struct config, timeout_ms));

    printf("timeout %ld ms\n", timeout_of(cfg));
    return 0;
}

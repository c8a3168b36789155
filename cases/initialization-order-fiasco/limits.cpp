/* initialization-order-fiasco / limits.cpp -- the other translation unit ([build] sources).
 *
 * Defines the server's connection limit, computed at start-up (a dynamic initializer: it
 * runs a function, so it is not a constant in the binary). Both variants link this file.
 *   max_connections           : the global the bug variant reads from its own initializer
 *   max_connections_on_first_use(): the same value behind a function-local static, for the fix
 */
#include <cstdlib>

static int compute_limit()
{
    const char *env = std::getenv("CC_MAX_CONN");    /* unset in the harness: the default */
    return env ? std::atoi(env) : 64;
}

int max_connections = compute_limit();               /* initialised when THIS file's turn comes */

int max_connections_on_first_use()
{
    static int limit = compute_limit();              /* initialised on the first call, always */
    return limit;
}

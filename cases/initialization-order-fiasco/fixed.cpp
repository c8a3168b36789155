/* initialization-order-fiasco / fixed.cpp -- construct on first use.
 *
 * WHAT IT SHOWS
 *   The pool is a function-local static, built the first time pool() is called (from
 *   cc_main, after every global initializer has run), and it asks limits.cpp for the limit
 *   through max_connections_on_first_use(), whose own static is initialised on first call.
 *   No order between files is assumed anywhere. (The upstream fix in aspell did the same
 *   for its global cache lock.)
 *
 * HOW IT RUNS
 *   crashcourse run initialization-order-fiasco      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "pool has 64 slots (limit 64)", no report under plain and asan.
 */
#include <cstdio>

int max_connections_on_first_use();               /* limits.cpp */

struct ConnectionPool {
    int slots;
    ConnectionPool() : slots(max_connections_on_first_use()) {}
};

static ConnectionPool &pool()
{
    static ConnectionPool instance;               // FIX: built on first use, not at load time
    return instance;
}

extern "C" int cc_main(void)
{
    std::printf("pool has %d slots (limit %d)\n", pool().slots, max_connections_on_first_use());
    return pool().slots > 0 ? 0 : 1;
}

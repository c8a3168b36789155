/* initialization-order-fiasco / repro.cpp -- a global's constructor reads a global of another file.
 *
 * WHAT IT SHOWS
 *   ConnectionPool pool is a global whose constructor sizes the pool from max_connections,
 *   a global defined in limits.cpp with a dynamic initializer. C++ orders initializers
 *   within one file, never across files: the linker decides. Here repro.cpp is linked
 *   first, so pool is built while max_connections is still all zero bits: a pool of 0
 *   slots, and no error anywhere. ASan with check_initialization_order=1 (case.toml sets it
 *   in [run] env) poisons the globals of files whose initializers have not run yet:
 *   initialization-order-fiasco, READ of size 4, in ConnectionPool's constructor, before
 *   cc_main is ever called (while the module is being loaded).
 *
 * HOW IT RUNS
 *   crashcourse run initialization-order-fiasco       # plain, asan
 *   [build] sources = ["limits.cpp"], linked after this file; [run] env ASAN_OPTIONS sets
 *   check_initialization_order=1 (the asan lens merges it over its defaults).
 *
 * WHAT MUST APPEAR
 *   plain : exit 0, "pool has 0 slots (limit 64)": the pool was sized before the limit existed
 *   asan  : initialization-order-fiasco, READ of size 4, ConnectionPool::ConnectionPool
 *           <- __static_initialization_and_destruction_0, "global variable 'max_connections'"
 */
#include <cstdio>

extern int max_connections;                      /* limits.cpp */

struct ConnectionPool {
    int slots;
    ConnectionPool() : slots(max_connections) {}  // BUG: reads another file's global during static init
};

static ConnectionPool pool;                       // BUG: a dynamic initializer that depends on limits.cpp

extern "C" int cc_main(void)
{
    std::printf("pool has %d slots (limit %d)\n", pool.slots, max_connections);
    return pool.slots > 0 ? 0 : 1;
}

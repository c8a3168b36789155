/* alloc-dealloc-mismatch-malloc-delete / repro.cpp -- a C string adopted by the wrong smart pointer.
 *
 * WHAT IT SHOWS
 *   Port names come from a C helper that returns strdup()'d (malloc'd) strings. The C++
 *   side adopts each one into a std::unique_ptr<char[]>: tidy RAII, but unique_ptr<char[]>
 *   releases with delete[], and the memory came from malloc. With glibc both end in free()
 *   and nothing happens. ASan tags every block with its allocator and checks the
 *   deallocator: alloc-dealloc-mismatch (malloc vs operator delete []). valgrind too:
 *   "Mismatched free() / delete / delete []".
 *
 * HOW IT RUNS
 *   crashcourse run alloc-dealloc-mismatch-malloc-delete    # plain, asan, valgrind
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0
 *   asan     : alloc-dealloc-mismatch (malloc vs operator delete []), allocated by strdup
 *   valgrind : mismatched-free
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

/* The C library side: returns a malloc'd string the caller must free(). */
extern "C" char *port_full_name(const char *client, const char *port)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s:%s", client, port);
    return strdup(buf);
}

extern "C" int cc_main(void)
{
    std::unique_ptr<char[]> name(port_full_name("synth", "out_1"));  // BUG: delete[] for a malloc'd string
    std::printf("registered port %s\n", name.get());
    return 0;                                   /* ~unique_ptr runs delete[] here */
}

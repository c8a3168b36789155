/* alloc-dealloc-mismatch-malloc-delete / fixed.cpp -- give the smart pointer free() as its deleter.
 *
 * WHAT IT SHOWS
 *   unique_ptr<char, decltype(&std::free)> releases with free(), matching strdup's malloc.
 *   (Or copy the string into a std::string and free() the original at once.)
 *
 * HOW IT RUNS
 *   crashcourse run alloc-dealloc-mismatch-malloc-delete   # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report under plain, asan and valgrind.
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

extern "C" char *port_full_name(const char *client, const char *port)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s:%s", client, port);
    return strdup(buf);
}

extern "C" int cc_main(void)
{
    std::unique_ptr<char, decltype(&std::free)> name(port_full_name("synth", "out_1"), &std::free);  // FIX: malloc'd, so free()
    std::printf("registered port %s\n", name.get());
    return 0;
}

/* container-overflow-vector / fixed.cpp -- grow the container before writing to it.
 *
 * WHAT IT SHOWS
 *   resize(7) makes index 6 an element (value-initialised); the write is then inside
 *   size(), and later push_back()s append after it instead of over it.
 *
 * HOW IT RUNS
 *   crashcourse run container-overflow-vector           # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, samples[6] = 42, no report under plain, asan and valgrind.
 */
#include <cstdio>
#include <vector>

extern "C" int cc_main(void)
{
    std::vector<int> samples(4, 0);
    samples.reserve(8);
    samples.resize(7);                       // FIX: index 6 is now an element
    int *p = samples.data();
    p[6] = 42;
    samples.push_back(1);
    samples.push_back(2);
    samples.push_back(3);
    std::printf("size %zu, capacity %zu, samples[6] = %d\n",
                samples.size(), samples.capacity(), samples[6]);
    return 0;
}

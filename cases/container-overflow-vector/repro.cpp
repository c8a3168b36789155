/* container-overflow-vector / repro.cpp -- writing past size() but inside capacity().
 *
 * WHAT IT SHOWS
 *   A sample buffer is a std::vector<int> that reserve()s room for 8 samples and holds 4.
 *   A fast path writes through data() at index 6: inside the heap block (capacity 8), past
 *   the end of the container (size 4). No heap-buffer-overflow is possible: the bytes are
 *   allocated. libstdc++ can tell ASan which part of the block is in use
 *   (-D_GLIBCXX_SANITIZE_VECTOR, gcc 8 and later): the unused tail is poisoned, and the
 *   write is a container-overflow. Without the annotations ASan, valgrind and plain are
 *   all silent, and push_back() later overwrites the sample with no error at all.
 *
 * HOW IT RUNS
 *   crashcourse run container-overflow-vector            # plain, asan, valgrind
 *   case.toml adds -D_GLIBCXX_SANITIZE_VECTOR to every build (it only acts under ASan).
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0, and the sample written at index 6 lost to a later push_back
 *   asan     : container-overflow, WRITE of size 4 in cc_main
 *   valgrind : nothing: the bytes are inside an allocated block
 */
#include <cstdio>
#include <vector>

extern "C" int cc_main(void)
{
    std::vector<int> samples(4, 0);          /* size 4 */
    samples.reserve(8);                      /* capacity 8: room, but not elements */
    int *p = samples.data();
    p[6] = 42;                               // BUG: index 6 >= size() 4: past the container's end
    samples.push_back(1);                    /* size 5 */
    samples.push_back(2);                    /* size 6 */
    samples.push_back(3);                    /* size 7: this one lands on p[6] */
    std::printf("size %zu, capacity %zu, samples[6] = %d\n",
                samples.size(), samples.capacity(), samples[6]);
    return 0;
}

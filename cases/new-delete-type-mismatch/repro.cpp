/* new-delete-type-mismatch / repro.cpp -- delete through a base without a virtual destructor.
 *
 * WHAT IT SHOWS
 *   An evaluator is created as the derived EvaluatorImpl (which adds a cache) and deleted
 *   through a pointer to its base, Evaluator, whose destructor is not virtual. The
 *   compiler therefore calls ~Evaluator only (the cache's destructor never runs) and,
 *   with C++14 sized deallocation, calls operator delete(p, sizeof(Evaluator)): the size
 *   of the wrong type. ASan compares that size with the allocation's:
 *   new-delete-type-mismatch, "size of the allocated type: 40 bytes; size of the
 *   deallocated type: 16 bytes".
 *
 * HOW IT RUNS
 *   crashcourse run new-delete-type-mismatch             # plain, asan, valgrind
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0 (the derived part is silently not destroyed)
 *   asan     : new-delete-type-mismatch, operator delete(void*, unsigned long) <- cc_main
 *   valgrind : nothing: valgrind 3.19 does not compare the size passed to sized delete
 */
#include <cstdio>
#include <cstring>

struct Evaluator {
    ~Evaluator() {}                                     // BUG: not virtual, yet deleted through
    virtual const char *name() const { return "base"; }
    long evaluations = 0;
};

struct EvaluatorImpl : Evaluator {
    EvaluatorImpl() : cache(new char[64]) { std::strcpy(cache, "warm"); }
    ~EvaluatorImpl() { delete[] cache; }               /* never runs in the bug */
    const char *name() const override { return "impl"; }
    char *cache;
    long hits = 0;
    long misses = 0;
};

extern "C" int cc_main(void)
{
    Evaluator *e = new EvaluatorImpl();
    std::printf("evaluator %s ready\n", e->name());
    delete e;                                           // BUG: deletes a 40-byte object as a 16-byte one
    std::puts("evaluator released");
    return 0;
}

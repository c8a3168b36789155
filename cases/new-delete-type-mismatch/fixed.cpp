/* new-delete-type-mismatch / fixed.cpp -- a polymorphic base gets a virtual destructor.
 *
 * WHAT IT SHOWS
 *   With `virtual ~Evaluator()`, delete through the base calls ~EvaluatorImpl first (the
 *   cache is freed) and the deleting destructor passes the size of the real type.
 *   (The upstream fix: "Missing virtual dtors in evaluator/evaluator_impl".)
 *
 * HOW IT RUNS
 *   crashcourse run new-delete-type-mismatch            # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report under plain, asan and valgrind.
 */
#include <cstdio>
#include <cstring>

struct Evaluator {
    virtual ~Evaluator() {}                             // FIX: delete through Evaluator* is now right
    virtual const char *name() const { return "base"; }
    long evaluations = 0;
};

struct EvaluatorImpl : Evaluator {
    EvaluatorImpl() : cache(new char[64]) { std::strcpy(cache, "warm"); }
    ~EvaluatorImpl() { delete[] cache; }
    const char *name() const override { return "impl"; }
    char *cache;
    long hits = 0;
    long misses = 0;
};

extern "C" int cc_main(void)
{
    Evaluator *e = new EvaluatorImpl();
    std::printf("evaluator %s ready\n", e->name());
    delete e;
    std::puts("evaluator released");
    return 0;
}

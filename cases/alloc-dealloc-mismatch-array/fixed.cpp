/* alloc-dealloc-mismatch-array / fixed.cpp -- delete[] for new[].
 *
 * WHAT IT SHOWS
 *   The destructor releases the array with delete[], the operator that matches new[].
 *   (Better: let std::vector<Binding> or std::unique_ptr<Binding[]> own it, and no
 *   destructor has to remember.)
 *
 * HOW IT RUNS
 *   crashcourse run alloc-dealloc-mismatch-array       # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, no report under plain, asan and valgrind.
 */
#include <cstdio>

struct Binding {
    int key;
    int action;
};

class Controls {
public:
    explicit Controls(int n) : n_(n), table_(new Binding[n]) {
        for (int i = 0; i < n_; i++)
            table_[i] = Binding{ 'a' + i, i };
    }
    ~Controls() {
        delete[] table_;                               // FIX: the array form for an array
    }
    int count() const { return n_; }
private:
    int n_;
    Binding *table_;
};

extern "C" int cc_main(void)
{
    Controls *c = new Controls(24);
    std::printf("%d bindings loaded\n", c->count());
    delete c;
    std::puts("shut down");
    return 0;
}

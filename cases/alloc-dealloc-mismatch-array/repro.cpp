/* alloc-dealloc-mismatch-array / repro.cpp -- new[] released with plain delete.
 *
 * WHAT IT SHOWS
 *   The key-binding table is allocated with new Binding[n] and released with delete, not
 *   delete[]. For a type without a destructor both operators end in the same free() in
 *   glibc, so nothing visible happens; it is still undefined behaviour (with a destructor,
 *   new[] stores an element count in front of the array and delete frees the wrong address).
 *   ASan records which operator allocated every block and checks the one that frees it:
 *   alloc-dealloc-mismatch (operator new [] vs operator delete). valgrind does the same:
 *   "Mismatched free() / delete / delete []".
 *
 * HOW IT RUNS
 *   crashcourse run alloc-dealloc-mismatch-array        # plain, asan, valgrind
 *
 * WHAT MUST APPEAR
 *   plain    : exit 0
 *   asan     : alloc-dealloc-mismatch, operator delete <- Controls::~Controls <- cc_main
 *   valgrind : mismatched-free
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
        delete table_;                                 // BUG: allocated with new[], freed with delete
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
    delete c;                                          /* runs ~Controls */
    std::puts("shut down");
    return 0;
}

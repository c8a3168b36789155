/* pure-virtual-call / fixed.cpp -- no virtual calls until the object is whole.
 *
 * WHAT IT SHOWS
 *   Constructors only initialise. Anything that needs the most-derived behaviour
 *   (here: logging the codec's name) is done by the caller once the object is
 *   fully built: by then the vptr is Gzip's and name() dispatches to Gzip::name.
 *   (A factory function that constructs and then calls describe() is the same
 *   fix, packaged.)
 *
 * HOW IT RUNS
 *   crashcourse run pure-virtual-call              # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0 under every lens and profile.
 */
#include <cstdio>

struct Codec {
    Codec() {}                                // FIX: the constructor makes no virtual calls
    virtual ~Codec() {}
    virtual const char *name() const = 0;

    void describe() const {
        std::printf("creating codec %s\n", name());
    }
};

struct Gzip : Codec {
    const char *name() const override { return "gzip"; }
};

extern "C" int cc_main(void)
{
    std::printf("making a Gzip codec\n");
    Gzip g;
    g.describe();                             // FIX: called on the complete object
    std::printf("ready: %s\n", g.name());
    return 0;
}

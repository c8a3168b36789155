/* pure-virtual-call / repro.cpp -- a base constructor reaches a pure virtual.
 *
 * WHAT IT SHOWS
 *   While Codec's constructor runs, the object under construction IS a Codec:
 *   its vtable pointer points at Codec's vtable, whose slot for name() is filled
 *   with __cxa_pure_virtual (there is no Codec::name to put there). Only after
 *   Codec() returns does Gzip's constructor install Gzip's vtable.
 *   Calling name() directly in the constructor would be caught at build time (g++
 *   warns, binds the call to the nonexistent Codec::name, and the link fails);
 *   hidden behind an ordinary member function, describe(), it compiles without a
 *   word. At run time the virtual call lands in __cxa_pure_virtual,
 *   which prints "pure virtual method called" and calls std::terminate()
 *   ("terminate called without an active exception"), which calls abort():
 *   SIGABRT.
 *
 * HOW IT RUNS
 *   crashcourse run pure-virtual-call              # plain, profiles O0 and O2
 *   crashcourse run pure-virtual-call --lens gdb   # the backtrace from the core
 *   Linked with -Wl,--no-as-needed -lstdc++ (case.toml). Without it, the linker's
 *   --as-needed may drop libstdc++ when nothing ELSE needs it; the weak reference
 *   to __cxa_pure_virtual then resolves to address 0 and the "call" becomes a jump
 *   to pc 0: SIGSEGV, with no message at all.
 *
 * WHAT MUST APPEAR
 *   plain : SIGABRT, "pure virtual method called"
 *   gdb   : __cxa_pure_virtual below Codec::describe, Codec::Codec, Gzip::Gzip
 */
#include <cstdio>

struct Codec {
    Codec() { describe(); }                   // BUG: a harmless-looking log line, from the constructor
    virtual ~Codec() {}
    virtual const char *name() const = 0;

    /* Not virtual itself, so g++ does not look inside it when checking Codec(). */
    void describe() const {
        std::printf("creating codec %s\n", name());   // BUG: virtual call during Codec()
    }
};

struct Gzip : Codec {
    const char *name() const override { return "gzip"; }
};

extern "C" int cc_main(void)
{
    std::printf("making a Gzip codec\n");
    Gzip g;                   /* Gzip() runs Codec() first: the vptr is still Codec's */
    std::printf("not reached: %s\n", g.name());
    return 0;
}

/* vptr-overwrite / repro.cpp -- a stack array overrun lands on an object's vptr.
 *
 * WHAT IT SHOWS
 *   An object with virtual functions starts with a hidden pointer, the vptr, that
 *   points at its class's table of function addresses (the vtable). A virtual call
 *   is: load the vptr from the object, load a function address from the table,
 *   jump there. A plain (non-virtual) call uses none of that.
 *   Here a fixed-size tag buffer on the stack sits just below a Shape object.
 *   Copying a too-long tag runs off the end of the buffer and over the Shape's
 *   first 8 bytes: its vptr now holds ASCII text, 0x4141414141414141 ("AAAAAAAA").
 *   Nothing happens yet: the write itself is to ordinary stack memory. Calls made
 *   directly on the object `s` still work (the compiler knows its exact type and
 *   does not consult the vptr); the first call that really dispatches through the
 *   vptr, via a Shape pointer, loads from that garbage address: SIGSEGV. The crash
 *   is in the caller of the broken data, lines after the bug.
 *
 * HOW IT RUNS
 *   crashcourse run vptr-overwrite                 # plain, -O0
 *   crashcourse run vptr-overwrite --lens asan     # ASan stops at the overrun itself
 *   crashcourse run vptr-overwrite --lens gdb      # the crash is a call through the vptr
 *
 * WHAT MUST APPEAR
 *   plain : SIGSEGV at the virtual call in draw_all(), after "area ... (direct)"
 *   asan  : stack-buffer-overflow, WRITE of size 1, in set_tag()
 *   Which stack slot lies above the buffer is the compiler's choice: this layout is
 *   what gcc 12 -O0 produces on x86-64 (see case.toml), not a guarantee.
 */
#include <cstdint>
#include <cstdio>

struct Shape {
    virtual ~Shape() {}
    virtual double area() const { return 0.0; }
    double side = 3.0;
};

struct Square : Shape {
    double area() const override { return side * side; }
};

/* Copies a tag into an 8-byte field, one byte at a time, up to its NUL. */
static void set_tag(char *dst, const char *src)
{
    for (int i = 0; src[i] != '\0'; i++)
        dst[i] = src[i];                       // BUG: no bound: writes past the 8-byte buffer
}

/* Dispatch through the vptr: the way every other part of a program would use s. */
static void draw(const Shape *p)
{
    std::printf("area %.1f (virtual)\n", p->area());
}

extern "C" int cc_main(void)
{
    Square s;
    char tag[8];
    /* Where did the compiler put them? (8 at gcc -O0: s sits right above tag.) */
    std::printf("square starts %ld bytes above tag[0]\n",
                (long)((std::uintptr_t)&s - (std::uintptr_t)tag));

    set_tag(tag, "AAAAAAAAAAAAAAAA");          /* 16 bytes into tag[8] */

    std::printf("area %.1f (direct)\n", s.area());   /* static type known: no vptr use */
    draw(&s);                                  /* loads the vptr: SIGSEGV */
    return 0;
}

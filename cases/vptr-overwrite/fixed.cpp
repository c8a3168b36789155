/* vptr-overwrite / fixed.cpp -- the tag copy is bounded by the buffer's size.
 *
 * WHAT IT SHOWS
 *   set_tag() is told how big the destination is and never writes past it:
 *   at most size-1 bytes of the tag, then a NUL. The Shape above the buffer keeps
 *   its vptr, and the virtual call in draw() dispatches to Square::area.
 *
 * HOW IT RUNS
 *   crashcourse run vptr-overwrite                 # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   "area 9.0 (virtual)" and exit status 0 under every lens.
 */
#include <cstddef>
#include <cstdio>

struct Shape {
    virtual ~Shape() {}
    virtual double area() const { return 0.0; }
    double side = 3.0;
};

struct Square : Shape {
    double area() const override { return side * side; }
};

/* Copies at most size-1 bytes of src and always terminates dst. */
static void set_tag(char *dst, std::size_t size, const char *src)
{
    std::size_t i = 0;
    for (; i + 1 < size && src[i] != '\0'; i++)   // FIX: stop one byte before the end
        dst[i] = src[i];
    dst[i] = '\0';
}

static void draw(const Shape *p)
{
    std::printf("area %.1f (virtual)\n", p->area());
}

extern "C" int cc_main(void)
{
    Square s;
    char tag[8];

    set_tag(tag, sizeof tag, "AAAAAAAAAAAAAAAA");    // FIX: the callee knows the size
    std::printf("tag \"%s\" (truncated to fit)\n", tag);

    std::printf("area %.1f (direct)\n", s.area());
    draw(&s);
    return 0;
}

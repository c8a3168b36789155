/* tess-vertex-pointer-realloc / repro.cpp -- a pointer into a std::vector kept across push_back.
 *
 * WHAT IT SHOWS
 *   libcitygml issue #76: Tesselator::addContour appended a ring's vertices and indices to
 *   std::vectors, then passed &_indices[pos + i] to gluTessVertex as each vertex's data. GLU
 *   keeps that pointer and calls back with it only at gluTessEndPolygon; by then the next
 *   ring's push_back has reallocated _indices and freed the block the pointers point into,
 *   and the vertex callback reads its index from freed memory. A small deferred tessellator
 *   stands in for GLU: tess_vertex() keeps the pointer, tess_end_polygon() calls back.
 *
 * HOW IT RUNS
 *   crashcourse run tess-vertex-pointer-realloc      # plain, asan, gdb, valgrind
 *   Nothing is forced: the second ring's push_backs always outgrow the capacity (4) that the
 *   first ring left, so the first ring's four pointers always dangle.
 *
 * WHAT MUST APPEAR
 *   plain    : SIGABRT: the callback's assert, "Assertion `index < tess->vertices.size()' failed"
 *              (the freed block's first 16 bytes are now glibc's tcache links)
 *   asan     : heap-use-after-free, READ of size 4 in Tesselator::vertex_cb; freed by
 *              std::vector's reallocation in push_back, from add_contour (line 53)
 *   gdb      : the core's backtrace: __assert_fail < Tesselator::vertex_cb < tess_end_polygon
 *   valgrind : exit 0 and the right output ("tessellated: 0 1 2 3 4 5 6 7"), but an
 *              Invalid read of size 4 inside a block of size 16 free'd by push_back
 */
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <vector>

struct Deferred {                 /* GLU's part: the data pointers, kept until the polygon ends */
    std::vector<void *> data;
    void (*vertex_cb)(void *data, void *user);
    void *user;
};
static void tess_vertex(Deferred &glu, void *data) { glu.data.push_back(data); }
static void tess_end_polygon(Deferred &glu)
{
    for (void *d : glu.data)
        glu.vertex_cb(d, glu.user);
}

struct Tesselator {
    std::vector<double> vertices; /* one coordinate per vertex is enough here */
    std::vector<unsigned> indices;
    std::vector<unsigned> out;    /* the indices the callback collects */
    Deferred glu;

    void add_contour(const double *pts, unsigned len)
    {
        unsigned pos = vertices.size();
        for (unsigned i = 0; i < len; i++) {
            vertices.push_back(pts[i]);
            indices.push_back(pos + i);             // BUG: may reallocate: frees the block that earlier rings' pointers point into
        }
        for (unsigned i = 0; i < len; i++)
            tess_vertex(glu, &indices[pos + i]);    // BUG: a pointer into the vector, kept until the polygon ends
    }
    static void vertex_cb(void *data, void *user)
    {
        Tesselator *tess = static_cast<Tesselator *>(user);
        unsigned index = *static_cast<unsigned *>(data);   // BUG: reads the index from the freed block
        assert(index < tess->vertices.size());
        tess->out.push_back(index);
    }
};

extern "C" int cc_main(void)
{
    const double outer[4] = {0.0, 10.0, 10.0, 0.0}, hole[4] = {2.0, 4.0, 4.0, 2.0};
    Tesselator tess;
    tess.glu.vertex_cb = Tesselator::vertex_cb;
    tess.glu.user = &tess;
    tess.add_contour(outer, 4);
    tess.add_contour(hole, 4);
    std::printf("2 rings, %zu vertices queued\n", tess.vertices.size());
    std::fflush(stdout);
    tess_end_polygon(tess.glu);
    std::printf("tessellated:");
    for (unsigned i : tess.out)
        std::printf(" %u", i);
    std::printf("\n");
    return 0;
}

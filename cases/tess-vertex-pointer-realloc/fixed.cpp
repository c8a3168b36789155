/* tess-vertex-pointer-realloc / fixed.cpp -- hand the tessellator the index, not a pointer to it.
 *
 * WHAT IT SHOWS
 *   The libcitygml fix (PR #77, commit e32cc52): the vertex data given to gluTessVertex is the
 *   index itself, cast to void * (uintptr_t), and the callback casts it back. Nothing points
 *   into the vector any more, so its reallocations cannot leave a dangling pointer behind.
 *
 * HOW IT RUNS
 *   crashcourse run tess-vertex-pointer-realloc      # the fixed twin runs beside the bug
 *
 * WHAT MUST APPEAR
 *   Exit status 0, "tessellated: 0 1 2 3 4 5 6 7", no report under plain, asan, gdb, valgrind.
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
            indices.push_back(pos + i);
        }
        for (unsigned i = 0; i < len; i++)
            tess_vertex(glu, reinterpret_cast<void *>(static_cast<uintptr_t>(indices[pos + i])));  // FIX: the index, by value
    }
    static void vertex_cb(void *data, void *user)
    {
        Tesselator *tess = static_cast<Tesselator *>(user);
        unsigned index = static_cast<unsigned>(reinterpret_cast<uintptr_t>(data));  // FIX: no memory read
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

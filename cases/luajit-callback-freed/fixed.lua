-- luajit-callback-freed / fixed.lua -- the twin: the callback lives as long as the view.
--
-- WHAT IT SHOWS
--   The same view, the same two sorts as repro.lua. The callback belongs to the
--   view: it is freed when the view is torn down, after the struct's pointer is
--   cleared, never while the view may still sort. One slot per view, given back
--   exactly once.
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1 (GC64).
--   crashcourse run luajit-callback-freed --variant fixed
--
-- WHAT MUST APPEAR
--   plain, asan : exit 0; "sorted: 1 2 3 4 5" then "sorted: 0 2 3 4 9".

local ffi = require("ffi")

ffi.cdef[[
typedef int (*cmp_fn)(const void *a, const void *b);
void qsort(void *base, size_t n, size_t size, cmp_fn cmp);
typedef struct {
  int    *rows;
  size_t  n;
  cmp_fn  compare;     /* the view's sort order, called by the "C side" */
} view_t;
]]

local function ascending(a, b)
  local x, y = ffi.cast("const int *", a)[0], ffi.cast("const int *", b)[0]
  return x < y and -1 or (x > y and 1 or 0)
end

local function show(view)
  local out = {}
  for i = 0, tonumber(view.n) - 1 do out[#out + 1] = view.rows[i] end
  io.write("sorted: ", table.concat(out, " "), "\n")
  io.flush()
end

-- C side of the view: re-sort the rows with the stored comparator.
local function view_refresh(view)
  ffi.C.qsort(view.rows, view.n, ffi.sizeof("int"), view.compare)
end

local rows = ffi.new("int[5]", { 5, 3, 1, 4, 2 })
local view = ffi.new("view_t", { rows = rows, n = 5 })

local cb = ffi.cast("cmp_fn", ascending)   -- takes a callback slot
view.compare = cb                           -- the C struct now holds the pointer
view_refresh(view)
show(view)

-- New data arrives; the view re-sorts with the comparator it was given.
rows[0], rows[4] = 9, 0
view_refresh(view)                          -- the callback is still alive
show(view)

-- The view is done: detach the pointer from C first, then give the slot back.
view.compare = nil
cb:free()                                   -- FIX: freed once no C code can call it
return 0

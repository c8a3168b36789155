-- luajit-callback-freed / repro.lua -- an FFI callback freed while C still holds its pointer.
--
-- WHAT IT SHOWS
--   A Lua function passed to C as a function pointer (ffi.cast) occupies one of
--   LuaJIT's callback slots, a scarce resource (a few hundred on x86-64):
--   code that makes one per call runs out ("too many callbacks", as in
--   luajit-request issue 3), so people learn to cb:free() them. Freeing is
--   right only once no C code will call the pointer again. Here a table view
--   keeps its row comparator in a C struct (view_t.compare), the way a C
--   library keeps a registered handler. After the first sort the code frees
--   the callback "to give the slot back", but the struct still holds the
--   pointer, and the next sort calls it: LuaJIT finds the slot empty and
--   raises "bad callback" from inside qsort.
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1 (GC64).
--   crashcourse run luajit-callback-freed               # plain
--   crashcourse run luajit-callback-freed --lens asan   # the same error: no heap memory involved
--
-- WHAT MUST APPEAR
--   plain, asan : exit 1, lupa.luajit21.LuaError "bad callback", with
--                 "[C]: in function 'qsort'" in the Lua traceback; the first
--                 sort's output ("sorted: 1 2 3 4 5") before it.

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

cb:free()                                   -- BUG: frees the slot while view.compare still points at it

-- New data arrives; the view re-sorts with the comparator it was given.
rows[0], rows[4] = 9, 0
view_refresh(view)                          -- BUG: qsort calls the freed callback
show(view)
return 0

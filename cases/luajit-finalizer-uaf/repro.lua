-- luajit-finalizer-uaf / repro.lua -- LuaJIT frees its own cdata finalizer table.
--
-- WHAT IT SHOWS
--   A bug in LuaJIT itself (issue #1168, fixed in 2024), not in the script.
--   The FFI keeps every cdata finalizer in a weak-keyed table. The C side holds
--   a raw pointer to it (CTState->finalizer), but a raw pointer is invisible to
--   the garbage collector: the table stays alive only because it is the
--   environment table of the function ffi.gc. Remove ffi.gc from the module and
--   collect: the table is unreachable, so the GC frees it, while the C side
--   still points at it. When the state is closed, lj_gc_finalize_cdata (called
--   by lua_close to run the remaining finalizers) reads the freed table.
--   Three ordinary-looking lines, one use after free in the VM. In the wild the
--   same thing happened without anyone touching ffi.gc: when the FFI is loaded
--   on demand (e.g. by the parser meeting an imaginary literal like 1i) and a GC
--   step runs before anything holds on to the module.
--
-- HOW IT RUNS
--   NOT on lupa: on a LuaJIT from before the fix, built by
--   native/luajit-old/build.sh (source: the LuaJIT 2.1 bundled in the lupa 2.0
--   sdist from PyPI), run as `luajit repro.lua` in a temporary directory.
--     plain lens : the upstream default build
--     asan lens  : -fsanitize=address, GC64, LUAJIT_USE_SYSMALLOC
--   crashcourse run luajit-finalizer-uaf               # plain: silent
--   crashcourse run luajit-finalizer-uaf --lens asan   # the use-after-free
--   The fixed twin (fixed.lua) runs on lupa's LuaJIT, which has the fix.
--
-- WHAT MUST APPEAR
--   plain : exit 0, no signal. The freed table's memory still looks like a
--           table at exit, so nothing happens (this time).
--   asan  : heap-use-after-free, READ of size 8 (t->node of the freed GCtab),
--           in lj_gc_finalize_cdata <- cpfinalize <- lua_close; freed by
--           lj_tab_free in gc_sweep during collectgarbage(); allocated by
--           ffi_finalizer in luaopen_ffi.

local ffi = require("ffi")   -- creates the finalizer table; ffi.gc's environment holds it

-- Any code that drops the module's last reference to ffi.gc will do: a sandbox
-- that strips "dangerous" functions, a test that stubs it out and resets it to
-- nil, a module table being rebuilt.
ffi.gc = nil                 -- BUG (in LuaJIT): the finalizer table was reachable only through ffi.gc

collectgarbage()             -- a full cycle: the table is white, so it is swept and freed
collectgarbage()

io.write("finalizer table freed; now closing the state\n")
io.flush()
-- The script ends here; the executable then calls lua_close(), which runs
-- lj_gc_finalize_cdata on CTState->finalizer: the freed table.

-- luajit-finalizer-uaf / fixed.lua -- the same script on a LuaJIT with the fix.
--
-- WHAT IT SHOWS
--   The fix is in the VM: LuaJIT now treats the cdata finalizer table as a GC
--   root (two commits of 2024), so it lives as long as the state, whoever
--   holds ffi.gc. The very same lines as repro.lua are now harmless.
--   To show the table really survived, this twin then creates cdata whose type
--   has a __gc metamethod (ffi.metatype): each one is registered in that same
--   finalizer table, and a collection must call all ten finalizers. On the old
--   LuaJIT that registration itself would already write into the freed table.
--   The application-side lesson: upgrade the runtime (a LuaJIT with the 2024
--   commits, or a fork that backported them). Until then, never remove or
--   replace ffi.gc, and keep a reference to the ffi module for the state's
--   whole life.
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1 (GC64), which has the
--   fix; under asan with max_memory=..., so its heap is ASan-tracked.
--   crashcourse run luajit-finalizer-uaf --lens asan
--
-- WHAT MUST APPEAR
--   every lens: exit 0, no report; stdout "finalizers run: 10".

local ffi = require("ffi")

ffi.gc = nil                 -- FIX (in LuaJIT): the finalizer table is a GC root, this no longer frees it
collectgarbage()
collectgarbage()

-- Proof that the table is still alive: register ten finalizers in it.
ffi.cdef[[ typedef struct { int fd; } handle_t; ]]
local finalized = 0
local handle_t = ffi.metatype("handle_t", {
  __gc = function(h) finalized = finalized + 1 end,
})
for i = 1, 10 do
  local h = handle_t(i)      -- goes into the finalizer table, then becomes garbage
end
collectgarbage()
collectgarbage()

io.write("finalizers run: ", finalized, "\n")
io.flush()
return finalized == 10 and 0 or 1

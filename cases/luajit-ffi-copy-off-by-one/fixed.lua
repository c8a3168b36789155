-- luajit-ffi-copy-off-by-one / fixed.lua -- the twin: room for the NUL.
--
-- WHAT IT SHOWS
--   The same copy as repro.lua, done correctly. ffi.copy(dst, str) copies
--   #str + 1 bytes (the string and its '\0'), so either allocate #str + 1
--   bytes, or use the three-argument form, which copies exactly len bytes
--   and behaves like memcpy. Both are shown.
--
-- HOW IT RUNS
--   crashcourse run luajit-ffi-copy-off-by-one               # plain
--   crashcourse run luajit-ffi-copy-off-by-one --lens asan   # asan
--
-- WHAT MUST APPEAR
--   every lens: exit 0, no report; stdout "copied: a string value" twice.

local ffi = require("ffi")

local src = "a string value"

-- Fix 1: the buffer is a C string, so it needs room for the terminator.
local cstr = ffi.new("char[?]", #src + 1)     -- FIX: #src + 1 bytes
ffi.copy(cstr, src)                           -- copies 15 bytes into 15
io.write("copied: ", ffi.string(cstr), "\n")  -- NUL-terminated: no length needed

-- Fix 2: the buffer holds raw bytes, so copy exactly #src of them.
local raw = ffi.new("char[?]", #src)
ffi.copy(raw, src, #src)                      -- FIX: explicit length, memcpy semantics
io.write("copied: ", ffi.string(raw, #src), "\n")

io.flush()
return 0

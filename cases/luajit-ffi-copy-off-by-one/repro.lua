-- luajit-ffi-copy-off-by-one / repro.lua -- ffi.copy(dst, str) writes #str+1 bytes.
--
-- WHAT IT SHOWS
--   The two-argument form ffi.copy(dst, str) is documented to copy the whole
--   Lua string PLUS its terminating '\0': #str + 1 bytes. A buffer sized with
--   ffi.new("char[?]", #str) has room for #str bytes only, so the NUL lands one
--   byte past the end. This is the bug that kept crashing an OpenResty
--   "privileged agent" process (seed 000).
--   The write is a plain memcpy inside lj_cf_ffi_copy. With this 14-byte string
--   the extra byte falls into the padding the allocator added when it rounded
--   the block up, so a normal run sees nothing at all: exit 0, and the program
--   prints the right text. Only an exact-size allocator (AddressSanitizer) sees
--   that the last byte does not belong to the buffer.
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1 (GC64).
--   crashcourse run luajit-ffi-copy-off-by-one               # plain: silent
--   crashcourse run luajit-ffi-copy-off-by-one --lens asan   # the overflow
--   Under asan the runtime allocates through libc (max_memory=...), so the
--   cdata buffer is an ASan-tracked heap block.
--
-- WHAT MUST APPEAR
--   plain : exit 0, no signal; stdout "copied: a string value"
--   asan  : heap-buffer-overflow, WRITE of size 15 (14 chars + the NUL), from
--           memcpy, "0 bytes to the right of" the cdata's block.

local ffi = require("ffi")

-- The value came from a request in the real incident; any string will do.
local src = "a string value"          -- 14 bytes, #src == 14

-- Size the buffer by the string's length, as one would for a memcpy...
local dst = ffi.new("char[?]", #src)  -- room for exactly 14 bytes

-- ...but the two-argument ffi.copy is strcpy-like, not memcpy-like.
ffi.copy(dst, src)                    -- BUG: copies #src+1 = 15 bytes into 14

-- Nothing looks wrong from here: the 14 bytes we wanted are all there.
io.write("copied: ", ffi.string(dst, #src), "\n")
io.flush()
return 0

-- luajit-string-pointer-kept / repro.lua -- C keeps a pointer into a Lua string.
--
-- WHAT IT SHOWS
--   The shape of koreader-base's KOPTContext language bug (PR 1257, PR 1613):
--   an OCR context is a C struct, and its language is a `const char *` field.
--   setLanguage() assigns a Lua string to it. The FFI converts a Lua string to
--   `const char *` by handing out a pointer to the string's own bytes, inside
--   the GC-managed string object: no copy. The struct does not keep the string
--   alive (the GC never looks inside cdata), so once the caller's last reference
--   is gone the string is collected, and the C side later reads freed memory
--   when it builds the path of the language's data file.
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1 (GC64).
--   collectgarbage() stands for the cycle any allocation may start; it is forced
--   here so the bug shows on every run.
--   crashcourse run luajit-string-pointer-kept               # plain
--   crashcourse run luajit-string-pointer-kept --lens asan   # the use after free
--
-- WHAT MUST APPEAR
--   plain : exit 0, no signal; the data file path printed is built from
--           whatever now sits where the string was, not from "eng+fra".
--   asan  : heap-use-after-free READ in snprintf's interceptor (the "%s" of
--           ctx.language), with the free and the allocation of the string.
--           Under asan the harness makes LuaJIT allocate through libc
--           (LuaRuntime(max_memory=...)), so ASan sees Lua strings.

local ffi = require("ffi")

ffi.cdef[[
typedef struct {
  int dpi;
  const char *language;   /* e.g. "eng+fra": the OCR languages */
} ocr_ctx;
int snprintf(char *buf, size_t n, const char *fmt, ...);
]]

local ctx = ffi.new("ocr_ctx")
ctx.dpi = 300

-- The setter, as a binding would write it: the language comes from the
-- reader's settings, built at run time.
local function set_language(primary, secondary)
  local lang = primary .. "+" .. secondary    -- a new string object
  ctx.language = lang                         -- BUG: stores a pointer into the Lua string; nothing keeps the string alive
end

set_language("eng", "fra")

collectgarbage()        -- the string has no Lua reference left: it is freed

-- The rest of the program goes on allocating strings; they reuse the memory.
local words = {}
for i = 1, 200 do words[i] = ("word%04d"):format(i) end

-- Later, the OCR library opens the language's data file. It only has the pointer.
local path = ffi.new("char[128]")
ffi.C.snprintf(path, 128, "tessdata/%s.traineddata", ctx.language)   -- BUG: reads the freed string
io.write("data file: ", (ffi.string(path):gsub("[^%w/.+_-]", "?")), "\n")
io.flush()
return 0

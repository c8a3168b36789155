-- luajit-string-pointer-kept / fixed.lua -- the twin: C gets its own copy of the string.
--
-- WHAT IT SHOWS
--   The same context, the same GC cycle and the same string churn as
--   repro.lua. set_language() gives the struct a C copy of the string
--   (strdup), owned by the context and freed when it is replaced or the
--   context is done: koreader-base's fix ("As `self` is a struct, and
--   `self.language` a `char *`, we need to make a C copy of the language
--   string"). The Lua string may be collected at any time; the copy is not
--   managed by the GC at all.
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1 (GC64).
--   collectgarbage() stands for the cycle any allocation may start; it is forced
--   here so the bug shows on every run.
--   crashcourse run luajit-string-pointer-kept --variant fixed
--
-- WHAT MUST APPEAR
--   plain, asan : exit 0, no report; "data file: tessdata/eng+fra.traineddata".

local ffi = require("ffi")

ffi.cdef[[
typedef struct {
  int dpi;
  const char *language;   /* e.g. "eng+fra": the OCR languages */
} ocr_ctx;
int snprintf(char *buf, size_t n, const char *fmt, ...);
char *strdup(const char *s);
void free(void *p);
]]

local ctx = ffi.new("ocr_ctx")
ctx.dpi = 300

-- The setter, as a binding would write it: the language comes from the
-- reader's settings, built at run time.
local function set_language(primary, secondary)
  local lang = primary .. "+" .. secondary    -- a new string object
  if ctx.language ~= nil then ffi.C.free(ffi.cast("void *", ctx.language)) end
  ctx.language = ffi.C.strdup(lang)           -- FIX: a C copy, owned by ctx, outside the GC's reach
end

set_language("eng", "fra")

collectgarbage()        -- the Lua string is freed; ctx.language points at the C copy

-- The rest of the program goes on allocating strings; they reuse the memory.
local words = {}
for i = 1, 200 do words[i] = ("word%04d"):format(i) end

-- Later, the OCR library opens the language's data file. It only has the pointer.
local path = ffi.new("char[128]")
ffi.C.snprintf(path, 128, "tessdata/%s.traineddata", ctx.language)   -- reads the live copy
io.write("data file: ", (ffi.string(path):gsub("[^%w/.+_-]", "?")), "\n")
io.flush()
ffi.C.free(ffi.cast("void *", ctx.language))   -- the context is done: free its copy
ctx.language = nil
return 0

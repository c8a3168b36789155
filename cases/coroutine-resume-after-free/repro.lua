-- coroutine-resume-after-free / repro.lua -- a coroutine resumed after its filter was freed.
--
-- WHAT IT SHOWS
--   The shape of Envoy's CVE-2023-27492 (seed 004), shrunk to one Lua file.
--   A C++ host (here: a few Lua functions standing in for it) owns a "filter"
--   object in C memory. A Lua script runs inside a coroutine and keeps a
--   pointer to that filter. The script starts an asynchronous call and yields.
--   While it waits, the stream is reset: the host destroys the filter. When the
--   async response arrives the host resumes the coroutine anyway, and the
--   script writes the response body through its stale pointer into freed
--   memory. The coroutine cannot know: nothing in its own stack changed.
--   The filter is allocated with the C library's malloc (ffi.C.malloc) so that
--   ASan tracks it, and the fatal write is ffi.copy, i.e. memcpy: ASan checks
--   memcpy, while stores compiled by LuaJIT itself (p.field = x) are not
--   instrumented and would go unnoticed.
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1 (GC64).
--   crashcourse run coroutine-resume-after-free               # plain: silent
--   crashcourse run coroutine-resume-after-free --lens asan   # the use-after-free
--
-- WHAT MUST APPEAR
--   plain : exit 0, no signal. The write lands in a freed malloc chunk, past the
--           allocator's own free-list words, so nobody notices (this time).
--   asan  : heap-use-after-free, WRITE of size 11 ("hello world"), from memcpy;
--           ASan also shows where the block was freed and allocated.

local ffi = require("ffi")

ffi.cdef[[
void *malloc(size_t size);
void free(void *ptr);

/* The C side's per-stream filter. The first 16 bytes are a header, which also
   keeps the body clear of the words glibc writes into a freed chunk. */
typedef struct {
  uint64_t stream_id;
  uint32_t state;
  uint32_t body_len;
  char     body[48];
} filter_t;
]]

-- ---- the "host": creates, resets and resumes, like Envoy's Lua filter ------

local host = {}

function host.new_filter(id)
  local f = ffi.cast("filter_t *", ffi.C.malloc(ffi.sizeof("filter_t")))
  ffi.fill(f, ffi.sizeof("filter_t"))
  f.stream_id = id
  return f
end

-- The downstream connection went away (or a local reply was sent): the host
-- tears the filter down. The script's coroutine is still parked in a yield.
function host.on_reset(stream)
  ffi.C.free(stream.filter)                  -- BUG: frees the filter the parked coroutine still holds
end

-- The async HTTP call completes later: deliver its body to the script.
function host.on_http_response(stream, body)
  return coroutine.resume(stream.co, body)   -- BUG: resumes without asking whether the stream was reset
end

-- ---- the "script": what a user wrote in envoy_on_request -----------------

local function script(filter)
  -- httpCall(): the script yields until the response arrives.
  local body = coroutine.yield("http_call")
  -- Write the response into the filter's buffer. `filter` is the pointer the
  -- coroutine captured when it started: by now it points into freed memory.
  local n = math.min(#body, ffi.sizeof(filter.body))
  ffi.copy(filter.body, body, n)             -- BUG: the use after free (memcpy)
  filter.body_len = n                        -- BUG: also after free, but ASan cannot see LuaJIT's own stores
end

-- ---- the sequence of events ---------------------------------------------

local stream = { filter = host.new_filter(42) }
stream.co = coroutine.create(script)
assert(coroutine.resume(stream.co, stream.filter))  -- runs up to the yield
host.on_reset(stream)                               -- filter destroyed while waiting
local ok, err = host.on_http_response(stream, "hello world")
if not ok then error(err) end
io.write("response delivered\n")
io.flush()
return 0

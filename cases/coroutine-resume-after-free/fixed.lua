-- coroutine-resume-after-free / fixed.lua -- the twin: a reset stream is never resumed.
--
-- WHAT IT SHOWS
--   Envoy's fix for CVE-2023-27492: when the filter is reset the owner records
--   it (on_reset_called_), and the code that would resume the Lua coroutine
--   checks that flag first. A reset stream's coroutine is simply dropped; the
--   script never runs again, so its stale pointer is never used.
--   The owner also forgets the pointer it freed, so a later mistake would be a
--   clean nil error rather than a silent write into freed memory.
--
-- HOW IT RUNS
--   crashcourse run coroutine-resume-after-free               # plain
--   crashcourse run coroutine-resume-after-free --lens asan   # asan
--
-- WHAT MUST APPEAR
--   every lens: exit 0, no report; stdout "response dropped: stream was reset".

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
  stream.reset_called = true                 -- FIX: remember that the owner is gone
  ffi.C.free(stream.filter)
  stream.filter = nil                        -- and forget the dangling pointer
end

-- The async HTTP call completes later: deliver its body to the script.
function host.on_http_response(stream, body)
  if stream.reset_called then                -- FIX: never resume a coroutine whose filter was destroyed
    return false, "stream was reset"
  end
  return coroutine.resume(stream.co, body)
end

-- ---- the "script": what a user wrote in envoy_on_request -----------------

local function script(filter)
  -- httpCall(): the script yields until the response arrives.
  local body = coroutine.yield("http_call")
  -- Write the response into the filter's buffer. `filter` is the pointer the
  -- coroutine captured when it started; with the fix this only runs while
  -- the filter is alive.
  local n = math.min(#body, ffi.sizeof(filter.body))
  ffi.copy(filter.body, body, n)
  filter.body_len = n
end

-- ---- the sequence of events ---------------------------------------------

local stream = { filter = host.new_filter(42) }
stream.co = coroutine.create(script)
assert(coroutine.resume(stream.co, stream.filter))  -- runs up to the yield
host.on_reset(stream)                               -- filter destroyed while waiting
local ok, err = host.on_http_response(stream, "hello world")
if ok then
  io.write("response delivered\n")
else
  io.write("response dropped: ", err, "\n")
end
io.flush()
return 0

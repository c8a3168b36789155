-- luajit-cdata-missing-anchor / fixed.lua -- the twin: the request anchors its buffers.
--
-- WHAT IT SHOWS
--   The same shipper, the same GC cycle and the same next batch as repro.lua.
--   build_request() returns a Lua table that holds the iovec array *and* every
--   buffer it points at (the "anchor"). As long as the caller keeps the request,
--   the GC sees the header buffer as reachable, and writev() reads it intact.
--   Mike Pall's advice in LuaJIT issue 554: cdata referenced from other cdata
--   needs a reference from a Lua table (or one co-located allocation).
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1 (GC64).
--   collectgarbage() stands for the cycle that any allocation may start; it is
--   forced here so the bug shows on every run.
--   crashcourse run luajit-cdata-missing-anchor --variant fixed
--
-- WHAT MUST APPEAR
--   plain, asan : exit 0, no report; stdout "header on the wire: POST /ingest HTT...".

local ffi = require("ffi")

ffi.cdef[[
struct iovec { void *iov_base; size_t iov_len; };
typedef long ssize_t;
ssize_t writev(int fd, const struct iovec *iov, int iovcnt);
int open(const char *path, int flags, int mode);
int close(int fd);
]]
local O_WRONLY_CREAT_TRUNC, MODE_0644 = 1 + 64 + 512, 420

-- Build the request: a header buffer and the body, gathered by an iovec array.
local function build_request(body)
  local head = "POST /ingest HTTP/1.1\r\nHost: logs\r\nContent-Length: " .. #body .. "\r\n\r\n"
  local hbuf = ffi.new("char[?]", #head)
  ffi.copy(hbuf, head, #head)
  local iov = ffi.new("struct iovec[2]")
  iov[0].iov_base = hbuf
  iov[0].iov_len = #head
  iov[1].iov_base = ffi.cast("void *", body)   -- the body string is kept alive by the caller
  iov[1].iov_len = #body
  return { iov = iov, n = 2, anchors = { hbuf, body } }  -- FIX: the request keeps what iov points at
end

local body = string.rep("x", 40)
local req = build_request(body)

collectgarbage()        -- a GC cycle: hbuf is reachable through req.anchors, and survives

-- Meanwhile the next batch is being prepared: its records (of all sizes) reuse
-- the freed memory.
local next_batch = {}
for i = 1, 100 do
  next_batch[i] = ffi.new("char[?]", 20 + i)
  ffi.fill(next_batch[i], 20 + i, string.byte("A"))
end

-- Send. The "socket" is a file in the working directory, read back to see the wire.
local fd = ffi.C.open("wire.out", O_WRONLY_CREAT_TRUNC, MODE_0644)
ffi.C.writev(fd, req.iov, req.n)               -- hbuf is alive: the header goes out intact
ffi.C.close(fd)

local f = assert(io.open("wire.out", "rb"))
local wire = f:read("*a")
f:close()
io.write("header on the wire: ", (wire:sub(1, 16):gsub("[^%w /.]", "?")), "...\n")
io.flush()
req = nil               -- done: iovec and buffers can go together
return 0

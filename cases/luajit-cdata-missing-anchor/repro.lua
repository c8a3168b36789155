-- luajit-cdata-missing-anchor / repro.lua -- a C struct is the only thing pointing at a cdata.
--
-- WHAT IT SHOWS
--   A log shipper sends each batch as one HTTP request with writev(): an iovec
--   array whose first entry points at a header buffer made with ffi.new, the
--   second at the body. build_request() returns only the iovec array. The
--   header buffer's one remaining reference is the pointer stored in
--   iov[0].iov_base, and LuaJIT's GC does not look inside cdata: a pointer in a
--   C struct is not a reference. The next GC cycle frees the header; the next
--   batch's buffers reuse its memory; writev() sends whatever is there now.
--   "FFI cdata is not traversed by the GC" (Mike Pall, LuaJIT issue 554).
--
-- HOW IT RUNS
--   A Python child runs this file in lupa's LuaJIT 2.1 (GC64).
--   collectgarbage() stands for the cycle that any allocation may start; it is
--   forced here so the bug shows on every run.
--   crashcourse run luajit-cdata-missing-anchor               # plain
--   crashcourse run luajit-cdata-missing-anchor --lens asan   # the use after free
--
-- WHAT MUST APPEAR
--   plain : exit 0, no signal; stdout "header on the wire: AAAAAAAAAAAAAAAA...":
--           the next batch's bytes went out as this request's header.
--   asan  : heap-use-after-free READ of size 57 (the header) in writev's
--           interceptor (read_iovec), with the free and the allocation.
--           Under asan the harness makes LuaJIT allocate through libc
--           (LuaRuntime(max_memory=...)), so ASan sees cdata blocks.

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
  iov[0].iov_base = hbuf                       -- BUG: only a C pointer refers to hbuf from here on
  iov[0].iov_len = #head
  iov[1].iov_base = ffi.cast("void *", body)   -- the body string is kept alive by the caller
  iov[1].iov_len = #body
  return iov                                   -- BUG: hbuf's last Lua reference dies with this frame
end

local body = string.rep("x", 40)
local iov = build_request(body)

collectgarbage()        -- a GC cycle: hbuf is unreachable as far as LuaJIT knows, and is freed

-- Meanwhile the next batch is being prepared: its records (of all sizes) reuse
-- the freed memory.
local next_batch = {}
for i = 1, 100 do
  next_batch[i] = ffi.new("char[?]", 20 + i)
  ffi.fill(next_batch[i], 20 + i, string.byte("A"))
end

-- Send. The "socket" is a file in the working directory, read back to see the wire.
local fd = ffi.C.open("wire.out", O_WRONLY_CREAT_TRUNC, MODE_0644)
ffi.C.writev(fd, iov, 2)                       -- BUG: reads iov[0].iov_base: freed memory
ffi.C.close(fd)

local f = assert(io.open("wire.out", "rb"))
local wire = f:read("*a")
f:close()
io.write("header on the wire: ", (wire:sub(1, 16):gsub("[^%w /.]", "?")), "...\n")
io.flush()
return 0

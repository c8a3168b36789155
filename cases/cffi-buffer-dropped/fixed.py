"""cffi-buffer-dropped / fixed.py -- the twin: each buffer has a name that outlives the call.

WHAT IT SHOWS
  The same binding and the same C library as repro.py. Each ffi.new() buffer is bound to
  a local name before its address goes into the struct, so the owning cdata object lives
  until describe() returns, after the C call that reads it. That is what pygit2's fixes
  did, and what cffi's documentation asks: keep the object returned by ffi.new() alive
  for as long as C may use its memory.

HOW IT RUNS
  A Python child runs this file; _clib.py compiles describe.c with gcc -shared into the
  child's temporary directory (-fsanitize=address under the asan lens, with libasan
  preloaded into the child by the harness).
  crashcourse run cffi-buffer-dropped --variant fixed

WHAT MUST APPEAR
  plain, asan : exit 0, no report; stdout "describe: v1.1-3-g1a2b3c4-dirty".
"""

from pathlib import Path

import cffi

import _clib

ffi = cffi.FFI()
ffi.cdef("""
struct describe_options { unsigned max_candidates; const char *pattern; };
struct describe_format_options { unsigned abbreviated_size; const char *dirty_suffix; };
int describe(const struct describe_options *opts, const struct describe_format_options *fmt,
             char *out, size_t outlen);
""")
lib = _clib.load(ffi, Path(__file__).with_name("describe.c"))


def describe(pattern, dirty_suffix="-dirty"):
    opts = ffi.new("struct describe_options *")
    opts.max_candidates = 10
    pattern_buf = ffi.new("char[]", pattern.encode())  # FIX: the owner has a name ...
    opts.pattern = pattern_buf
    fmt = ffi.new("struct describe_format_options *")
    fmt.abbreviated_size = 7
    suffix_buf = ffi.new("char[]", dirty_suffix.encode())  # FIX: ... and so does this one
    fmt.dirty_suffix = suffix_buf
    out = ffi.new("char[64]")
    if lib.describe(opts, fmt, out, len(out)) != 0:  # both buffers are alive during the call
        raise LookupError(f"no tag matches {pattern!r}")
    return ffi.string(out).decode()  # pattern_buf and suffix_buf die here, after C is done


print("describe:", describe("v1.*"))

"""cffi-buffer-dropped / repro.py -- an ffi.new() buffer freed while a C struct still points at it.

WHAT IT SHOWS
  pygit2's Repository.describe(), shrunk (pygit2 PR 599 and PR 706). The C library takes
  an options struct whose string fields it only borrows. The binding fills them with
  `opts.pattern = ffi.new("char[]", ...)`. In cffi, the memory of ffi.new() belongs to the
  cdata object it returns, and is freed when *that* object dies. Storing its address in a
  struct field does not keep it alive: the temporary is released at the end of the
  statement, CPython frees it at once (reference counting), and the struct keeps a
  dangling pointer. The next ffi.new() of a similar size gets the same block.
  The C library is describe.c, built when the case starts (see _clib.py).

HOW IT RUNS
  A Python child runs this file; _clib.py compiles describe.c with gcc -shared into the
  child's temporary directory (-fsanitize=address under the asan lens, with libasan
  preloaded into the child by the harness).
  crashcourse run cffi-buffer-dropped               # plain: wrong answer
  crashcourse run cffi-buffer-dropped --lens asan   # the use after free, in C

WHAT MUST APPEAR
  plain : exit 1, LookupError "no tag matches 'v1.*'": the pattern's freed block now
          holds the dirty suffix, so the C side matched tags against "-dirty".
  asan  : heap-use-after-free READ of size 1 in glob_match (describe.c), called by
          describe; freed by cffi's cdata_dealloc, allocated by allocate_owning_object.
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
    opts.pattern = ffi.new("char[]", pattern.encode())  # BUG: the char[] owner dies at the end of this line
    fmt = ffi.new("struct describe_format_options *")
    fmt.abbreviated_size = 7
    fmt.dirty_suffix = ffi.new("char[]", dirty_suffix.encode())  # BUG: same: the struct keeps only the address
    out = ffi.new("char[64]")
    if lib.describe(opts, fmt, out, len(out)) != 0:  # BUG: C reads both freed strings
        raise LookupError(f"no tag matches {pattern!r}")
    return ffi.string(out).decode()


print("describe:", describe("v1.*"))

"""recursion-limit-c-stack / repro.py -- a raised recursion limit lets C code overflow the stack.

WHAT IT SHOWS
  CPython issue 109456, as reported on 3.11: a program builds a deeply nested document with
  a recursive Python function, raises sys.setrecursionlimit so the recursion is allowed,
  then serialises the document with json.dumps. Since 3.11, a Python-to-Python call does
  not use the C stack, so the builder is fine at any depth the limit allows. json.dumps is
  C (the _json accelerator): it recurses on the C stack once per nesting level, and the
  only guard it has is the same recursion limit, now far beyond what an 8 MiB stack holds.
  The process dies with SIGSEGV instead of a RecursionError.

HOW IT RUNS
  A Python child runs this file (the main thread's stack: the default 8 MiB).
  crashcourse run recursion-limit-c-stack               # plain: SIGSEGV
  crashcourse run recursion-limit-c-stack --lens asan   # ASan: stack-overflow

WHAT MUST APPEAR
  plain : SIGSEGV; faulthandler's "Fatal Python error: Segmentation fault" with the
          Python stack of the json.dumps call; "built 200000 levels" printed before it.
  asan  : AddressSanitizer: stack-overflow (libasan preloaded into the child).
"""

import json
import sys

DEPTH = 200_000

sys.setrecursionlimit(10_000_000)  # BUG: removes the guard that turns C recursion into RecursionError


def build(n):
    """One level of the document per call: {"a": {"a": ... {"b": 3}}}."""
    return {"b": 3} if n == 0 else {"a": build(n - 1)}


doc = build(DEPTH)  # fine in 3.11: Python-to-Python calls use no C stack
print(f"built {DEPTH} levels", flush=True)
text = json.dumps(doc)  # BUG: C recursion, one C frame chain per level, no limit in reach
print(f"serialised {len(text)} bytes")

"""recursion-limit-c-stack / fixed.py -- the twin: a stack as deep as the limit allows.

WHAT IT SHOWS
  The same document and the same json.dumps as repro.py. The recursion limit is raised
  only as far as the data needs, and the work runs in a thread whose C stack is sized for
  that depth (threading.stack_size, set before the thread starts). The C recursion of
  json.dumps then fits, and the limit still stands guard above it: a deeper document would
  raise RecursionError, not crash. (Python 3.12 added a separate C recursion limit; on
  3.11 the stack must be made to match.)

HOW IT RUNS
  crashcourse run recursion-limit-c-stack --variant fixed

WHAT MUST APPEAR
  plain, asan : exit 0; stdout "built 200000 levels" and "serialised 1400008 bytes".
"""

import json
import sys
import threading

DEPTH = 200_000

sys.setrecursionlimit(DEPTH + 1_000)  # FIX: as deep as the data needs, not "unlimited"
threading.stack_size(256 << 20)  # FIX: a C stack big enough for that depth (the main thread's is 8 MiB)


def build(n):
    """One level of the document per call: {"a": {"a": ... {"b": 3}}}."""
    return {"b": 3} if n == 0 else {"a": build(n - 1)}


def main():
    doc = build(DEPTH)
    print(f"built {DEPTH} levels", flush=True)
    text = json.dumps(doc)  # the same C recursion, on a stack that holds it
    print(f"serialised {len(text)} bytes")


worker = threading.Thread(target=main)
worker.start()
worker.join()

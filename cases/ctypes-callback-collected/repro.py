"""ctypes-callback-collected / repro.py -- a ctypes callback collected while C keeps its pointer.

WHAT IT SHOWS
  TDLib's Python example, shrunk (tdlib/td PR 3652): the binding registers a log callback
  with the C library, passing the CFUNCTYPE object straight into the call. ctypes makes a
  C function pointer (a libffi closure) that stays valid only while that Python object is
  alive, and the C library keeps the pointer for later. Nothing in Python references the
  object after the call returns, so CPython frees it and its closure at once. The next time
  the library logs, it calls into freed memory. The ctypes documentation warns about
  exactly this: "Make sure you keep references to CFUNCTYPE() objects as long as they are
  used from C code."
  The C library is client.c, built when the case starts (see _clib.py).

HOW IT RUNS
  A Python child runs this file; _clib.py compiles client.c with gcc -shared into the
  child's temporary directory (-fsanitize=address under the asan lens, with libasan
  preloaded into the child by the harness).
  crashcourse run ctypes-callback-collected               # plain: SIGSEGV
  crashcourse run ctypes-callback-collected --lens asan   # ASan's SEGV report

WHAT MUST APPEAR
  plain : SIGSEGV; faulthandler's "Fatal Python error: Segmentation fault" with the
          Python line that called client_send; "logging configured" printed before it.
  asan  : AddressSanitizer: SEGV on unknown address, a READ, in libffi (the closure's
          freed data), exit 1.
"""

import ctypes
import json
from pathlib import Path

import _clib

lib = ctypes.CDLL(_clib.build(Path(__file__).with_name("client.c")))
LogCallback = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p)
lib.set_log_message_callback.argtypes = [ctypes.c_int, LogCallback]
lib.client_send.argtypes = [ctypes.c_char_p]


def on_log(verbosity, message):
    print(f"[client {verbosity}] {message.decode()}", flush=True)


def setup_logging():
    lib.set_log_message_callback(2, LogCallback(on_log))  # BUG: the CFUNCTYPE object dies when the call returns


setup_logging()
print("logging configured", flush=True)

# The application goes on: it queues its first requests (Python objects of many sizes,
# allocated where the freed callback object used to be).
queue = [json.dumps({"@type": "getChat", "chat_id": i, "@extra": "x" * (i % 300)}) for i in range(300)]

sent = lib.client_send(queue[0].encode())  # BUG: the library calls the freed closure
print(f"sent {sent} bytes")

"""ctypes-callback-collected / fixed.py -- the twin: the callback object lives as long as C may call it.

WHAT IT SHOWS
  The same library and the same registration as repro.py. The CFUNCTYPE object is kept in
  a module-level variable for as long as the library may call it, which is what TDLib's
  example does after its fix, and what the ctypes documentation asks for. The closure
  stays valid; every log line arrives.

HOW IT RUNS
  A Python child runs this file; _clib.py compiles client.c with gcc -shared into the
  child's temporary directory (-fsanitize=address under the asan lens, with libasan
  preloaded into the child by the harness).
  crashcourse run ctypes-callback-collected --variant fixed

WHAT MUST APPEAR
  plain, asan : exit 0; stdout "[client 1] sending request", "[client 2] request sent",
                "sent 48 bytes".
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


_log_callback = None  # the registered callback: alive while the library may call it


def setup_logging():
    global _log_callback
    _log_callback = LogCallback(on_log)  # FIX: keep a reference for as long as C holds the pointer
    lib.set_log_message_callback(2, _log_callback)


setup_logging()
print("logging configured", flush=True)

# The application goes on: it queues its first requests (Python objects of many sizes,
# allocated where the freed callback object used to be).
queue = [json.dumps({"@type": "getChat", "chat_id": i, "@extra": "x" * (i % 300)}) for i in range(300)]

sent = lib.client_send(queue[0].encode())  # the closure is alive: the calls arrive
print(f"sent {sent} bytes")

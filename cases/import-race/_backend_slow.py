# A stand-in for a backend module such as anyio._backends._asyncio.
#
# A real backend body runs for a while (it imports asyncio, defines dozens of
# classes). Here the body stops at its first line, while the module object is
# already in sys.modules but has none of its names yet, and lets the other thread
# have its look. `_interleave` only decides WHEN things happen; it does not change
# WHAT the loader does.
import _interleave

_interleave.pause_inside_module_body(__name__)

# Everything below is what the other thread expects to find.
import time  # noqa: E402


def current_time() -> float:
    return time.monotonic()


class backend_class:  # anyio 4 looks up `backend_class`; anyio 3 looked up functions
    current_time = staticmethod(current_time)

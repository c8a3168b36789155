# The buggy backend loader, shaped like anyio 3.x `anyio._core._eventloop.get_asynclib`.
#
# `get_asynclib()` is called on every anyio operation ("hot" code), so it takes a
# shortcut: if the backend module is already in sys.modules, use it. The shortcut is
# wrong in a threaded program: the import system puts a module into sys.modules
# BEFORE it runs the module's body, so another thread can pick up a module whose
# body is still executing and whose names do not exist yet.
import sys
from importlib import import_module

BACKEND_PREFIX = "_backend_"


def get_asynclib(name: str):
    modulename = BACKEND_PREFIX + name
    if modulename in sys.modules:  # BUG: "in sys.modules" does not mean "fully imported"
        return sys.modules[modulename]
    return import_module(modulename)  # BUG: the other side: puts the module in sys.modules, then runs its body


def current_time(name: str) -> float:
    # Every public operation goes through the loader, as in anyio:
    # `return get_asynclib().current_time()`.
    return get_asynclib(name).current_time()

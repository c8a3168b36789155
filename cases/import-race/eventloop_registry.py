# The fixed backend loader: the shape of anyio's fix for issue 425 (PR 714).
#
# The fast path reads a private dict that is filled only AFTER import_module has
# returned, i.e. after the module body has run to the end. A thread that misses the
# dict calls import_module, which finds the half-initialised module in sys.modules,
# sees that it is still initialising and waits on its module lock until the
# importing thread is done. The fast path stays one dict lookup, with no lock.
from importlib import import_module

BACKEND_PREFIX = "_backend_"

_loaded_backends: dict = {}


def get_asynclib(name: str):
    try:
        return _loaded_backends[name]  # FIX: only fully imported modules are ever put here
    except KeyError:
        module = import_module(BACKEND_PREFIX + name)  # waits on the module lock if needed
        _loaded_backends[name] = module
        return module


def current_time(name: str) -> float:
    return get_asynclib(name).current_time()

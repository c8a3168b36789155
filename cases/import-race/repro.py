# import-race: a thread uses a module that another thread is still importing.
# WHAT IT SHOWS
#   anyio issue 425. anyio looked its backend module up in sys.modules and used it; under
#   threads it sometimes got the module while another thread was still running its body,
#   and died with "AttributeError: partially initialized module ...".
# HOW IT RUNS
#   `crashcourse run import-race` (lens plain, profile cpython), or `python3 repro.py` from
#   this folder. Helpers beside it: eventloop_sysmodules.py (the loader, with the bug), _backend_slow.py
#   (the module being imported), _interleave.py (forces the interleaving every run).
# WHAT MUST APPEAR
#   the main thread dies with an uncaught AttributeError: partially initialized module
#   '_backend_slow' has no attribute 'current_time' (most likely due to a circular import),
#   the last frame in eventloop.current_time. There is no circular import: Python guesses
#   one because that is the usual cause.
#
# The bug: eventloop_sysmodules.py, the line marked `# BUG:`; its twin is fixed.py.
import threading

import _interleave
import eventloop_sysmodules as eventloop  # BUG: this loader trusts sys.modules (see the BUG line there)


def thread_a_first_user() -> None:
    # The first anyio call in the process: the loader misses and imports the backend.
    # The module body pauses halfway (see _backend_slow.py).
    eventloop.current_time("slow")


def main() -> None:
    _interleave.looker_ident = threading.get_ident()  # the main thread is thread B

    a = threading.Thread(target=thread_a_first_user, name="A-importer")
    a.start()
    _interleave.forcing.append(_interleave.inside_body.wait())  # A is now inside the module body

    try:
        # Thread B: any anyio call. The loader finds the module in sys.modules and
        # returns it; the attribute it needs has not been defined yet.
        print("B: current_time =", eventloop.current_time("slow"))
    finally:
        _interleave.looked.set()  # let A finish its import
        a.join()


if __name__ == "__main__":
    main()
    print(f"CRASHCOURSE_METRIC forcing_reached={len(_interleave.forcing)}")

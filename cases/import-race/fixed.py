# import-race, fixed twin: the loader only trusts modules it has seen fully imported.
# WHAT IT SHOWS
#   anyio's fix for issue 425 (PR 714): a private dict of loaded backends, filled after
#   import_module returns. A thread that misses the dict calls import_module, which waits
#   on the module lock until the importing thread has finished the module body.
# HOW IT RUNS
#   `crashcourse run import-race` (the fixed variant), or `python3 fixed.py`.
# WHAT MUST APPEAR
#   exit 0; both threads print a time. Same scaffolding as repro.py: thread A pauses inside
#   the module body exactly as before; the only change is the loader (eventloop_registry.py, the line marked `# FIX:`).
import threading

import _interleave
import eventloop_registry as eventloop  # FIX: the loader fills its own dict only after a complete import


def thread_a_first_user() -> None:
    print("A: current_time =", eventloop.current_time("slow"))


def main() -> None:
    _interleave.looker_ident = threading.get_ident()  # the main thread is thread B

    a = threading.Thread(target=thread_a_first_user, name="A-importer")
    a.start()
    _interleave.forcing.append(_interleave.inside_body.wait())  # A is now inside the module body

    try:
        # Thread B misses the private dict, calls import_module, and waits there on the
        # module lock until A's import is complete; then the attribute exists.
        print("B: current_time =", eventloop.current_time("slow"))
    finally:
        _interleave.looked.set()
        a.join()


if __name__ == "__main__":
    main()
    print(f"CRASHCOURSE_METRIC forcing_reached={len(_interleave.forcing)}")

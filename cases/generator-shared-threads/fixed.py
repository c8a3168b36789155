# generator-shared-threads (fixed twin): next() on the shared generator under a lock.
#
# WHAT IT SHOWS
#   googleapis/python-ndb issue 715: Cloud NDB handed out context ids with
#   `id = next(_context_ids)`, a module-level generator. An App Engine app serving requests
#   from several threads got "ValueError: generator already executing" several times an
#   hour: a generator is not thread-safe. While one thread runs the generator's body (between
#   two yields), a next() from another thread cannot wait its turn: it raises at once.
# HOW IT RUNS
#   crashcourse run generator-shared-threads              # lens plain, forced
#   crashcourse run generator-shared-threads --natural --repeat 200   # no forcing: hit rate
#   python3 repro.py                                      # CRASHCOURSE_NATURAL=1 drops the forcing
#   Forced: request-1 pauses inside the generator's body until request-2 has called next().
#   Natural: 4 threads x 50000 ids each, no pausing.
# WHAT MUST APPEAR
#   plain: "Exception in thread request-2" with the traceback of new_context ->
#          ValueError: generator already executing. The thread dies; the process goes on and
#          exits 0 (a thread's exception does not change the exit status): in a server, one
#          failed request (a 500) per collision.
# The fix: the line marked `# FIX:`. The forcing then waits its 1 s out: request-2 waits
# for the lock instead of raising.
import os
import threading

NATURAL = os.environ.get("CRASHCOURSE_NATURAL") == "1"
PER_THREAD = 50000 if NATURAL else 1
THREADS = 4 if NATURAL else 2
inside = threading.Event()  # request-1 is running the generator's body
tried = threading.Event()  # request-2 has called next() (and returned or raised)
forcing: list = []  # each forcing step, as it runs: reported at exit (CRASHCOURSE_METRIC forcing_reached)

def window() -> None:
    """Forcing, in the generator's body: stay here until the other thread has called next().
    (Up to 1 s: where a lock serializes next(), the other thread is waiting for the lock.)"""
    if not NATURAL and threading.current_thread().name == "request-1" and not inside.is_set():
        inside.set()
        forcing.append(tried.wait(timeout=1.0))


def _ids():
    n = 0
    while True:
        n += 1
        window()
        yield n  # one generator frame for every thread: the lock lets one thread at a time resume it


_context_ids = _ids()
_ids_lock = threading.Lock()


def new_context() -> int:
    with _ids_lock:  # FIX: one thread at a time inside the generator
        return next(_context_ids)


def serve(results: list) -> None:
    if not NATURAL and threading.current_thread().name == "request-2":
        forcing.append(inside.wait())  # forcing: call next() while request-1 is inside the generator
        try:
            results.append(new_context())
        finally:
            tried.set()
        return
    for _ in range(PER_THREAD):
        results.append(new_context())


if __name__ == "__main__":
    results: list[int] = []
    threads = [threading.Thread(target=serve, args=(results,), name=f"request-{i + 1}") for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"context ids handed out: {len(results)} of {THREADS * PER_THREAD}")
    print(f"CRASHCOURSE_METRIC failed_requests={THREADS * PER_THREAD - len(results)}")
    print(f"CRASHCOURSE_METRIC forcing_reached={len(forcing)}")

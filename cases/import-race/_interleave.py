# Scaffolding that forces the unlucky interleaving on every run.
#
# Thread A (the importer) runs the backend's module body and calls
# pause_inside_module_body(): it announces "I am in sys.modules, half done" and waits
# until thread B (the looker) has made its move. B's move is over when either
#   * B has come back from the loader (the buggy fast path returns at once), or
#   * B is inside the import machinery (`<frozen importlib._bootstrap>`), where the
#     fixed loader sends it to wait on the module lock. A must not wait for B then,
#     or the two would wait on each other.
# A reads B's Python stack with sys._current_frames(), the same information that
# faulthandler and py-spy print.
import sys
import threading

inside_body = threading.Event()  # A: the module is in sys.modules, body not finished
looked = threading.Event()       # B: back from the loader (success or exception)
looker_ident = None              # B's thread id, set by the repro
forcing: list = []               # each forcing step, as it runs: reported at exit (CRASHCOURSE_METRIC forcing_reached)

SAFETY_TIMEOUT_S = 5.0           # never hang forever, even if the repro is misused


def _looker_is_in_import_machinery() -> bool:
    frame = sys._current_frames().get(looker_ident)
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib._bootstrap"):
            return True
        frame = frame.f_back
    return False


def pause_inside_module_body(modulename: str) -> None:
    assert modulename in sys.modules, "the import system registers a module before running it"
    forcing.append(modulename)
    inside_body.set()
    waited = 0.0
    while not looked.wait(0.005):
        waited += 0.005
        if _looker_is_in_import_machinery() or waited > SAFETY_TIMEOUT_S:
            return

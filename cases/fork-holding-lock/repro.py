# fork-holding-lock: os.fork() while another thread holds a lock; the child waits forever.
#
# WHAT IT SHOWS
#   DataDog/dd-trace-py PR 18900 ("avoid fork child periodic thread deadlocks"): a logging
#   lock was held by another thread at fork time. fork() copies the memory (the lock, in its
#   locked state) but only the thread that called fork(); the thread that would release the
#   lock does not exist in the child. The child's first log call waits forever; the parent,
#   waiting for the child, hangs with it. CPython reinitialises the logging module's own locks
#   in the child (os.register_at_fork); a lock of your own (here: a log sink's) gets nothing.
# HOW IT RUNS
#   crashcourse run fork-holding-lock            # lens plain, forced
#   crashcourse run fork-holding-lock --natural --repeat 50 --variant bug
#   python3 repro.py                             # CRASHCOURSE_NATURAL=1 drops the forcing
#   Forced: the flusher thread holds sink_lock and waits until the main thread has forked.
#   Natural: the flusher writes in a loop while the main thread forks 30 workers.
# WHAT MUST APPEAR
#   plain: a hang with ~0 CPU (deadlock). The parent waits in os.waitpid for the child (line
#          marked BLOCKS); the child, not in the dump, is stuck in sink.write on sink_lock.
# The bug: the lines marked `# BUG:`; fixed.py registers at-fork handlers for the lock.
import os
import threading
import time

NATURAL = os.environ.get("CRASHCOURSE_NATURAL") == "1"
holding = threading.Event()  # the flusher holds sink_lock
forked = threading.Event()  # the main thread has forked
forcing: list = []  # each forcing step, as it runs: reported at exit (CRASHCOURSE_METRIC forcing_reached)

class Sink:
    """A log sink with its own lock (a file, a socket to an agent)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def write(self, line: str) -> None:
        with self.lock:  # BUG: in a forked child this lock may be a copy, locked, with no owner
            os.write(1, (line + "\n").encode())


sink = Sink()
# (no at-fork handlers: whatever state sink.lock is in at fork() is the child's state)


def flusher() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    for _ in range(10**9 if NATURAL else 1):
        with sink.lock:  # BUG: the other side: a thread that holds the lock at fork time
            os.write(devnull, b"buffered log line\n" * 20000)  # the flush: I/O with the lock held
            if not NATURAL:  # forcing: hold the lock across the fork (at most 1 s)
                holding.set()
                forcing.append(forked.wait(timeout=1.0))
        if NATURAL:
            if stop.is_set():
                return
            time.sleep(0.001)  # a periodic flusher: flush, pause, flush


stop = threading.Event()

if __name__ == "__main__":
    threading.Thread(target=flusher, name="flusher", daemon=True).start()
    if not NATURAL:
        forcing.append(holding.wait())
    for worker in range(30 if NATURAL else 1):
        pid = os.fork()  # BUG: copies every lock, and only this thread
        if pid == 0:
            sink.write(f"worker {worker}: started")  # the child's first log line
            os._exit(0)
        forked.set()
        os.waitpid(pid, 0)  # BLOCKS: the child never exits
    stop.set()
    sink.write("all workers done")
    os.write(2, f"CRASHCOURSE_METRIC forcing_reached={len(forcing)}\n".encode())

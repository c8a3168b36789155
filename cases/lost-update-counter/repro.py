# lost-update-counter: `count += 1` from two threads loses increments.
#
# WHAT IT SHOWS
#   forseti-security PR 3080 ("Added locking before incrementing object count. += is not
#   threadsafe"): Forseti's inventory crawler counted the resources it found with `+=` from
#   several threads. `self.count += 1` is three steps: read the attribute, add one, store it.
#   Two threads that both read 41 both store 42: one increment is lost, silently.
# HOW IT RUNS
#   crashcourse run lost-update-counter                   # lens plain, forced
#   crashcourse run lost-update-counter --natural --repeat 200   # no forcing: hit rate
#   python3 repro.py                                      # CRASHCOURSE_NATURAL=1 drops the forcing
#   Forced: one increment per thread; each thread, between its read and its write, waits
#   until the other thread has read too. Natural: 200000 increments per thread, no waiting.
# WHAT MUST APPEAR
#   plain: AssertionError "lost updates: counted 1 of 2 resources" (exit 1); the traceback
#          ends in main's check, far from the two lines that lost the update.
# The bug: the two lines marked `# BUG:`; fixed.py holds a lock across read and write.
import os
import threading

NATURAL = os.environ.get("CRASHCOURSE_NATURAL") == "1"
PER_THREAD = 200000 if NATURAL else 1
has_read = {"crawler-1": threading.Event(), "crawler-2": threading.Event()}
forcing: list = []  # each forcing step, as it runs: reported at exit (CRASHCOURSE_METRIC forcing_reached)

def window() -> None:
    """Forcing: I have read the counter; wait until the other thread has read it too.
    (Up to 1 s: where a lock makes read-and-write one step, the other cannot read now.)"""
    if NATURAL:
        return
    me = threading.current_thread().name
    other = "crawler-2" if me == "crawler-1" else "crawler-1"
    has_read[me].set()
    forcing.append(has_read[other].wait(timeout=1.0))


class Crawler:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def found(self) -> None:
        # `self.count += 1`, its three steps spelled out so that the forcing can stand
        # between the read and the write (the bytecode of `+=` has the same gap).
        current = self.count  # BUG: read; the other thread may read the same value now
        window()
        self.count = current + 1  # BUG: write; overwrites the other thread's increment


def crawl(crawler: Crawler) -> None:
    for _ in range(PER_THREAD):
        crawler.found()


if __name__ == "__main__":
    crawler = Crawler()
    threads = [threading.Thread(target=crawl, args=(crawler,), name=f"crawler-{i}") for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = 2 * PER_THREAD
    print(f"CRASHCOURSE_METRIC lost_updates={expected - crawler.count}")
    print(f"CRASHCOURSE_METRIC forcing_reached={len(forcing)}")
    assert crawler.count == expected, f"lost updates: counted {crawler.count} of {expected} resources"
    print(f"counted {crawler.count} resources")

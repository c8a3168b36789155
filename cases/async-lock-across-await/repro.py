# async-lock-across-await: a threading.Lock held across an await freezes the event loop.
# WHAT IT SHOWS
#   the pattern of dashmap issue 79 (Rust, tokio): a task keeps a lock guard alive across
#   an `.await`; another task on the same thread then blocks on that lock. A blocking
#   acquire does not yield to the event loop, so the loop thread stops; the task holding the
#   lock can never resume to release it. Every task is frozen: a deadlock with one thread.
# HOW IT RUNS
#   `crashcourse run async-lock-across-await`: lens plain, profiles asyncio and trio (anyio
#   runs the same code on both). Directly: `python3 repro.py trio`.
# WHAT MUST APPEAR
#   a hang with no CPU use: the watchdog (run.timeout_s) asks the child for its stacks
#   (SIGUSR1 -> faulthandler, all threads) and kills it. The main thread's stack ends in
#   `writer`, on `with cache_lock:` (an acquire that never returns), under the event
#   loop's run loop; the reader task is parked in anyio.sleep. Diagnosis: deadlock.
#
# The bug: the line marked `# BUG:`; its twin fixed.py uses anyio.Lock.
import sys
import threading

import anyio

BACKEND = sys.argv[1] if len(sys.argv) > 1 else "asyncio"

cache = {"config": "v1"}
cache_lock = threading.Lock()  # a lock for THREADS: acquiring it blocks the whole thread


def step(what: str) -> None:  # the forced interleaving, step by step (drawn as lanes on the case page)
    print("CRASHCOURSE_STEP", what, flush=True)


async def reader(holding: anyio.Event) -> None:
    with cache_lock:  # BUG: a thread lock held across the await below
        step("reader holds cache_lock")
        value = cache["config"]
        holding.set()
        step("reader waits loop-thread -- suspended in sleep(0.1): to resume it needs the loop's thread")
        # Some I/O while the entry is "borrowed" (dashmap: a Ref kept across
        # tokio::time::delay_for(...).await). The task suspends here and gives the
        # thread back to the event loop, still holding cache_lock.
        await anyio.sleep(0.1)  # BUG: suspends while still holding cache_lock
        print("reader: used", value)


async def writer(holding: anyio.Event) -> None:
    await holding.wait()  # make the unlucky order certain: the reader holds the lock now
    print("writer: acquiring cache_lock ...", flush=True)
    step("writer holds loop-thread -- a blocking acquire never gives the thread back")
    step("writer waits cache_lock")
    with cache_lock:  # BUG: HANGS HERE: a blocking acquire on the event loop's only thread
        cache["config"] = "v2"
    print("writer: updated")


async def main() -> None:
    holding = anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(reader, holding)
        tg.start_soon(writer, holding)
    print("done:", cache)


if __name__ == "__main__":
    anyio.run(main, backend=BACKEND)

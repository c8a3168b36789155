# async-lock-across-await, fixed twin: an anyio.Lock, whose acquire is an await.
# WHAT IT SHOWS
#   the fix for the dashmap issue 79 pattern. A task that cannot take an async lock suspends
#   and lets the loop run the holder until it releases. (The other fix: hold no lock across
#   an await; copy what you need, release, then await.)
# HOW IT RUNS
#   `crashcourse run async-lock-across-await` (fixed variant, asyncio and trio), or `python3 fixed.py trio`.
# WHAT MUST APPEAR
#   exit 0 in about 0.1 s of event-loop time; the writer updates the cache after the reader
#   has released the lock.
# The fix: the lines marked `# FIX:`.
import sys

import anyio

BACKEND = sys.argv[1] if len(sys.argv) > 1 else "asyncio"

cache = {"config": "v1"}


def step(what: str) -> None:  # the same steps as repro.py: here no lane keeps what another waits for
    print("CRASHCOURSE_STEP", what, flush=True)


async def reader(cache_lock: anyio.Lock, holding: anyio.Event) -> None:
    async with cache_lock:  # FIX: an async lock may be held across an await
        step("reader holds cache_lock")
        value = cache["config"]
        holding.set()
        await anyio.sleep(0.1)  # suspends; the loop's thread stays free for the writer
        print("reader: used", value)
    step("reader releases cache_lock")


async def writer(cache_lock: anyio.Lock, holding: anyio.Event) -> None:
    await holding.wait()
    print("writer: acquiring cache_lock ...", flush=True)
    step("writer waits cache_lock -- an await: the loop's thread runs the reader meanwhile")
    async with cache_lock:  # FIX: waiting for it suspends this task, the loop keeps running
        step("writer holds cache_lock")
        cache["config"] = "v2"
    print("writer: updated")


async def main() -> None:
    cache_lock = anyio.Lock()  # created inside the loop, owned by this run
    holding = anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(reader, cache_lock, holding)
        tg.start_soon(writer, cache_lock, holding)
    print("done:", cache)


if __name__ == "__main__":
    anyio.run(main, backend=BACKEND)

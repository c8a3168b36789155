# asyncgen-yield-in-cancel-scope (fixed twin): the timeout never spans a yield.
#
# WHAT IT SHOWS
#   python-trio/trio issue 264 and PEP 789: a cancel scope (a timeout, a nursery, a task
#   group) that stays open across a `yield` of an async generator belongs to the generator's
#   frame, but it acts on whatever task code runs while the generator is suspended: the
#   consumer's. When the generator's deadline passes while the consumer is busy, the
#   consumer's own await is cancelled, and no scope of the consumer is there to catch it: the
#   cancellation escapes, "the wrong task is canceled" (PEP 789's words).
# HOW IT RUNS
#   crashcourse run asyncgen-yield-in-cancel-scope   # lens plain, profiles asyncio and trio
#   python3 repro.py trio
#   Nothing is forced: the 1.5 s window ends mid-way (0.5 s from either edge) through the consumer's 2nd 1 s of work.
# WHAT MUST APPEAR
#   plain: exit 1 on both backends: an uncaught cancellation raised in main's own
#          anyio.sleep (trio.Cancelled "cancelled due to deadline"; asyncio's CancelledError
#          "Cancelled via cancel scope ...; reason: deadline exceeded"); "sampling window
#          over" is never printed.
# The fix: the line marked `# FIX:`: each read has the remaining time; the yield is outside.
import sys

import anyio

BACKEND = sys.argv[1] if len(sys.argv) > 1 else "asyncio"


async def read_sensor(i: int) -> int:
    await anyio.sleep(0.01)
    return i


async def sensor_values(window_s: float):
    """Yield readings for window_s seconds."""
    i = 0
    deadline = anyio.current_time() + window_s
    while True:
        with anyio.move_on_after(deadline - anyio.current_time()) as scope:  # FIX: closed before yield
            value = await read_sensor(i)
        if scope.cancelled_caught or anyio.current_time() >= deadline:
            return
        yield value  # no scope of this generator is open here
        i += 1


async def main() -> None:
    async for value in sensor_values(1.5):
        print(f"processing reading {value}", flush=True)
        await anyio.sleep(1.0)  # the consumer's own work
    print("sampling window over")


if __name__ == "__main__":
    anyio.run(main, backend=BACKEND)

# blocking-call-in-coroutine: time.sleep() inside `async def` stalls every task on the loop.
#
# WHAT IT SHOWS
#   hotosm/tasking-manager issue 7303: `_push_messages`, an `async def`, throttled itself
#   with `time.sleep(0.5)` after every 10 notifications. time.sleep is a blocking call: it
#   puts the event loop's only thread to sleep, so for half a second no other coroutine
#   (HTTP requests, health checks) runs at all. Here a heartbeat task that should tick
#   every 50 ms stands for "everything else the server does".
# HOW IT RUNS
#   crashcourse run blocking-call-in-coroutine         # lenses plain and asyncio-debug
#   python3 repro.py                                   # directly; PYTHONASYNCIODEBUG=1 -X dev for the warning
#   Nothing is forced: the stall is the program's own behaviour, every run.
# WHAT MUST APPEAR
#   plain:         exit 0; CRASHCOURSE_METRIC max_stall_ms ~500 (the heartbeat's longest gap,
#                  against 50 ms in the fixed twin). No error anywhere: only the numbers show it.
#   asyncio-debug: kind slow-callback: asyncio's own warning "Executing <Task ...
#                  coro=<_push_messages() running at repro.py:LINE> ...> took 0.50 seconds",
#                  naming the coroutine whose step blocked the loop.
# The bug: the line marked `# BUG:`; fixed.py awaits asyncio.sleep instead.
import asyncio
import time

THROTTLE_EVERY = 10
THROTTLE_S = 0.5
TICK_S = 0.05


async def send_notification(i: int) -> None:
    await asyncio.sleep(0)  # the real code posts to a chat webhook here


async def _push_messages(messages: list[int]) -> None:
    for i, msg in enumerate(messages):
        await send_notification(msg)
        if (i + 1) % THROTTLE_EVERY == 0:
            time.sleep(THROTTLE_S)  # BUG: a blocking sleep on the event loop's thread


def waited_for_cpu() -> float:
    """Seconds this thread has spent runnable but off a CPU: a loaded machine's share of any gap."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):  # not Linux: every gap counts in full
        return 0.0


async def heartbeat(stop: asyncio.Event, gaps: list[float]) -> None:
    last, waited = time.monotonic(), waited_for_cpu()
    while not stop.is_set():
        await asyncio.sleep(TICK_S)
        now, now_waited = time.monotonic(), waited_for_cpu()
        gaps.append(now - last - (now_waited - waited))  # the loop's own stall, not the machine's
        last, waited = now, now_waited


async def main() -> None:
    stop, gaps = asyncio.Event(), []
    beat = asyncio.create_task(heartbeat(stop, gaps))
    await asyncio.sleep(TICK_S * 2)  # the server is up and ticking
    # Each request is served by its own task (as in any async web framework).
    await asyncio.create_task(_push_messages(list(range(20))), name="push_messages")
    stop.set()
    await beat
    print("pushed 20 messages")
    print(f"CRASHCOURSE_METRIC heartbeat_ticks={len(gaps)}")  # how many ticks got through: timing
    print(f"CRASHCOURSE_METRIC max_stall_ms={round(max(gaps) * 1000)}")


if __name__ == "__main__":
    asyncio.run(main())

# loop-call-from-thread: a worker thread touches the event loop without call_soon_threadsafe.
#
# WHAT IT SHOWS
#   nolar/kopf PR 1303 ("Improve thread safety in debug mode of event loops"): kopf runs sync
#   handlers in a thread pool; kopf.event() from such a handler did `queue.put_nowait(event)` on
#   an asyncio.Queue directly from the worker thread. asyncio.Queue is not thread-safe:
#   put_nowait wakes the waiting consumer with loop.call_soon, which queues a callback but does
#   not wake a loop that sleeps in select(). The event is delivered only when something else
#   wakes the loop. In debug mode, asyncio refuses: "RuntimeError: Non-thread-safe operation
#   invoked on an event loop other than the current one".
# HOW IT RUNS
#   crashcourse run loop-call-from-thread           # lenses plain and asyncio-debug
#   crashcourse run loop-call-from-thread --natural --repeat 50 --variant bug
#   python3 repro.py                                # python3 -X dev repro.py: the RuntimeError
#   Forced: the handler waits 0.3 s before posting, so that the loop is asleep in select()
#   (it gets there in microseconds). Natural: it posts at once.
# WHAT MUST APPEAR
#   plain:         exit 0, but the consumer sees the event ~1 s late (delivery_ms ~1000): only
#                  when the handler's completion wakes the loop. Nothing else says anything.
#   asyncio-debug: RuntimeError: Non-thread-safe operation ... (kind non-thread-safe-call),
#                  raised in the worker thread from put_nowait -> call_soon -> _check_thread.
# The bug: the line marked `# BUG:`; fixed.py posts through loop.call_soon_threadsafe.
import asyncio
import os
import time
import traceback

NATURAL = os.environ.get("CRASHCOURSE_NATURAL") == "1"
forcing: list = []  # each forcing step, as it runs: reported at exit (CRASHCOURSE_METRIC forcing_reached)

def sync_handler(loop: asyncio.AbstractEventLoop, events: asyncio.Queue) -> None:
    """A user's sync handler, run in the executor's worker thread."""
    if not NATURAL:
        forcing.append(time.sleep(0.3))  # forcing: the loop is asleep in select() by now
    posted = time.monotonic()
    events.put_nowait(("Normal", "Handler started", posted))  # BUG: not thread-safe: the loop is not woken
    time.sleep(1.0)  # the handler's own work goes on


async def consume(events: asyncio.Queue) -> None:
    kind, message, posted = await events.get()  # BUG: the other side: the loop thread waits on the queue
    delay_ms = round((time.monotonic() - posted) * 1000)
    print(f"consumer: got event {message!r}")
    print(f"CRASHCOURSE_METRIC delivery_ms={delay_ms}")


async def main() -> None:
    loop = asyncio.get_running_loop()
    events: asyncio.Queue = asyncio.Queue()
    consumer = asyncio.create_task(consume(events))
    await asyncio.sleep(0)  # the consumer waits in events.get()
    try:
        await loop.run_in_executor(None, sync_handler, loop, events)
    except Exception:
        traceback.print_exc()
        # Exit for a restart: the failed put left the consumer's wakeup half-done, and
        # asyncio.run's cleanup would wait for that task forever.
        print("operator: a handler failed; exiting", flush=True)
        os._exit(1)
    await consumer


if __name__ == "__main__":
    asyncio.run(main())
    print(f"CRASHCOURSE_METRIC forcing_reached={len(forcing)}")

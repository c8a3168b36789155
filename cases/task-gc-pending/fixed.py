# task-gc-pending (fixed twin): every background task is kept in a set until it is done.
#
# WHAT IT SHOWS
#   BerriAI/litellm PR 7741 ("fix: dangling async tasks"): litellm called
#   asyncio.create_task() in many places without keeping the returned task. The event loop
#   keeps only weak references to tasks; a waiting task that nothing else references can be
#   collected mid-execution: "Task was destroyed but it is pending!", and its work silently
#   never finishes (see also python/cpython issue 91887). Here an RPC client starts a task that
#   waits for a reply future, registered in a WeakValueDictionary of pending requests; a
#   garbage collection comes by before the reply does.
# HOW IT RUNS
#   crashcourse run task-gc-pending        # lenses plain and asyncio-debug
#   python3 repro.py
#   Forced: gc.collect() between starting the waiter and the reply (in production: whenever
#   the collector runs).
# WHAT MUST APPEAR
#   plain:         exit 0; "Task was destroyed but it is pending!" naming wait_reply (kind
#                  task-destroyed-pending); the reply finds nobody waiting.
#   asyncio-debug: the same, plus "source_traceback: Object created at": call -> main.
# The fix: the line marked `# FIX:`.
import asyncio
import gc
import weakref

pending: "weakref.WeakValueDictionary[int, asyncio.Future]" = weakref.WeakValueDictionary()
background: set[asyncio.Task] = set()
forcing: list = []  # each forcing step, as it runs: reported at exit (CRASHCOURSE_METRIC forcing_reached)

async def wait_reply(req_id: int) -> None:
    fut = asyncio.get_running_loop().create_future()
    pending[req_id] = fut  # the registry does not keep it alive: the task does
    reply = await fut
    print(f"request {req_id}: got reply {reply!r}")


def call(req_id: int) -> None:
    task = asyncio.create_task(wait_reply(req_id))
    background.add(task)  # FIX: a strong reference until the task is done (the asyncio docs' idiom)
    task.add_done_callback(background.discard)


async def main() -> None:
    call(1)
    await asyncio.sleep(0)  # the task starts and waits for its reply
    forcing.append(gc.collect())  # a collection happens to run now
    fut = pending.get(1)
    if fut is None:
        print("reply for request 1 arrived: nobody is waiting for it")
    else:
        fut.set_result("ok")
    await asyncio.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(main())
    print(f"CRASHCOURSE_METRIC forcing_reached={len(forcing)}")

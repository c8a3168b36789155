# task-leak, fixed twin: when no receiver will ever run, close the stream.
# WHAT IT SHOWS
#   the shape of containerd's fix for CVE-2022-23471 (1.6.12 / 1.5.16): the resize sender
#   also stops when the exec request is over, instead of waiting forever on the channel.
#   Here the handler closes the receive side when the process fails to start; the blocked
#   `send()` then raises anyio.BrokenResourceError and the sender ends.
# HOW IT RUNS
#   `crashcourse run task-leak` (fixed variant; asyncio, taskgroup, trio), or `python3 fixed.py taskgroup`.
# WHAT MUST APPEAR
#   exit 0 on every profile, no hang; stuck_senders=0 and tasks_alive back to the floor
#   (1 on asyncio; 3 on trio, whose runner keeps two system tasks).
# The fix: the lines marked `# FIX:`.
import gc
import sys
import tracemalloc

import anyio

PROFILE = sys.argv[1] if len(sys.argv) > 1 else "asyncio"
N_REQUESTS = 100


class ExecError(Exception):
    pass


async def handle_resize_events(client_sizes, send) -> None:
    # containerd: handleResizeEvents, the SENDER. It forwards the terminal sizes that
    # the client sends (kubectl sends the current size right away).
    async with send:
        for size in client_sizes:
            try:
                await send.send(size)  # zero buffer: waits until a receiver takes the item
            except anyio.BrokenResourceError:  # FIX: the receiving side is closed: stop
                return


async def handle_resizing(receive, process) -> None:
    # containerd: handleResizing, the RECEIVER. Started only once the process runs.
    async with receive:
        async for width, height in receive:
            process.resize(width, height)


async def start_process(cmd: list[str]):
    await anyio.sleep(0)
    raise ExecError(f'exec: "{cmd[0]}": executable file not found in $PATH')


async def exec_with_tty(cmd: list[str], client_sizes, spawn) -> str:
    send, receive = anyio.create_memory_object_stream(0)  # make(chan TerminalSize)
    spawn(handle_resize_events, client_sizes, send)  # go handleResizeEvents(...)
    try:
        process = await start_process(cmd)
    except ExecError as exc:
        receive.close()  # FIX: no receiver will ever run: close its end, the sender is woken up
        return f"error: {exc}"
    spawn(handle_resizing, receive, process)
    return "ok"


async def serve(spawn) -> None:
    gc.collect()
    tracemalloc.start()  # started late: tracing the imports would take seconds
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(N_REQUESTS):
        reply = await exec_with_tty(["no-such-command"], [(80, 24)], spawn)
    await anyio.sleep(0.05)  # let every other task run as far as it can
    gc.collect()
    growth = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    print("last reply:", reply)
    print(f"CRASHCOURSE_METRIC requests={N_REQUESTS}")
    tasks = anyio.get_running_tasks()
    print(f"CRASHCOURSE_METRIC tasks_alive={len(tasks)}")
    print(f"CRASHCOURSE_METRIC stuck_senders={sum('handle_resize_events' in t.name for t in tasks)}")
    print(f"CRASHCOURSE_METRIC heap_growth_kib={growth // 1024}", flush=True)


async def main_bare_tasks() -> None:
    import asyncio

    background: set = set()

    def spawn(fn, *args):  # fire and forget, keeping a reference as the asyncio docs advise
        task = asyncio.get_running_loop().create_task(fn(*args), name=f"{__name__}.{fn.__name__}")
        background.add(task)
        task.add_done_callback(background.discard)

    await serve(spawn)


async def main_task_group() -> None:
    async with anyio.create_task_group() as tg:
        await serve(tg.start_soon)
        print("leaving the task group: it waits for every child ...", flush=True)
    print("task group done: every child has finished")


if __name__ == "__main__":
    if PROFILE == "asyncio":
        anyio.run(main_bare_tasks, backend="asyncio")
    else:
        anyio.run(main_task_group, backend="trio" if PROFILE == "trio" else "asyncio")

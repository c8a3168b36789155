# task-leak: a sender blocked forever on a channel whose receiver never started.
# WHAT IT SHOWS
#   containerd CVE-2022-23471 (GHSA-2qjp-425j-52j9). For an exec with a TTY the CRI stream
#   server started a goroutine that sends terminal-resize events on an unbuffered channel;
#   the goroutine that receives them was started only after the process had launched. When
#   the launch failed (a command that does not exist), nobody ever received: one goroutine
#   stuck on `channel <- size` per failed exec, and the daemon's memory grew with every
#   request. Here: an anyio memory object stream with a zero buffer is the unbuffered
#   channel, a task is the goroutine.
# HOW IT RUNS
#   `crashcourse run task-leak`: lens plain, three profiles.
#     asyncio   - senders are bare asyncio tasks kept in a set (the usual idiom): the leak
#                 is silent. The run ends, exit 0, no error; only the numbers show it.
#     taskgroup - senders run in an anyio task group on asyncio: the task group cannot
#                 end while a child is stuck, so the same bug is a hang.
#     trio      - the same task group on trio: the same hang.
#   Directly: `python3 repro.py asyncio` (or taskgroup, trio).
# WHAT MUST APPEAR
#   asyncio: exit 0, nothing on stderr; CRASHCOURSE_METRIC tasks_alive=101 and
#   stuck_senders=100 (one per failed request), heap_growth_kib ~500. taskgroup, trio: the
#   same metrics, then a hang with no CPU use (deadlock); trio's task dump shows each sender
#   waiting in send() (line marked BLOCKS).
# The bug: the line marked `# BUG:`; its twin fixed.py closes the stream.
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
            await send.send(size)  # BUG: BLOCKS: zero buffer, waits until a receiver takes the item


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
        return f"error: {exc}"  # BUG: the receiver is never started and the sender is never told
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
    # Returning from main: asyncio.run cancels the stuck tasks without a word.


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

"""Installed in every Python child: on SIGUSR1, print every thread's stack and every task's stack.

faulthandler prints the C-level view of every thread at once, even when a thread is stuck inside a
C call; then, when the main thread next runs Python code (a blocked Lock.acquire is interrupted by
the signal and retried afterwards), the asyncio tasks and trio tasks of the running loop are printed.
"""

import faulthandler
import signal
import sys

END = "CRASHCOURSE_STACKS_END"


def _asyncio_tasks(out) -> None:
    try:
        import asyncio

        loop = asyncio._get_running_loop()
        if loop is None:
            return
        for task in asyncio.all_tasks(loop):
            print(f"--- asyncio task {task.get_name()} ---", file=out)
            task.print_stack(file=out)
    except Exception as exc:  # diagnostics must never crash the child
        print(f"(asyncio task dump failed: {exc!r})", file=out)


def _trio_tasks(out) -> None:
    if "trio" not in sys.modules:
        return
    try:
        import trio

        root = trio.lowlevel.current_root_task()
    except Exception:
        return
    todo = [root]
    while todo:
        task = todo.pop()
        print(f"--- trio task {task.name} ---", file=out)
        try:
            for frame, lineno in task.iter_await_frames():
                code = frame.f_code
                print(f'  File "{code.co_filename}", line {lineno}, in {code.co_name}', file=out)
        except Exception as exc:
            print(f"  (frames unavailable: {exc!r})", file=out)
        for nursery in task.child_nurseries:
            todo.extend(nursery.child_tasks)


def _on_usr1(signum, frame) -> None:
    out = sys.stderr
    print("CRASHCOURSE_STACKS_BEGIN tasks", file=out)
    _asyncio_tasks(out)
    _trio_tasks(out)
    print(END, file=out, flush=True)


def install() -> None:
    signal.signal(signal.SIGUSR1, _on_usr1)
    # chain=True: after faulthandler's immediate thread dump, the Python handler above runs too.
    faulthandler.register(signal.SIGUSR1, all_threads=True, chain=True)

"""Installed in every Python child: on SIGUSR1, print every thread's stack and every task's stack.

faulthandler prints the C-level view of every thread at once, even when a thread is stuck inside a
C call; then, when the main thread next runs Python code (a blocked Lock.acquire is interrupted by
the signal and retried afterwards), the asyncio tasks and trio tasks of the running loop are printed.
"""

import faulthandler
import signal
import sys

END = "CRASHCOURSE_STACKS_END"


def _await_chain(coro) -> list[tuple[str, int, str]]:
    """(file, line, function) from a coroutine down its cr_await chain, outermost first."""
    chain = []
    seen = 0
    while coro is not None and seen < 200:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            chain.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        seen += 1
    return chain


def _print_chain(title: str, chain, out) -> None:
    print(f"--- {title} (most recent call first) ---", file=out)
    for filename, lineno, name in reversed(chain):
        print(f'  File "{filename}", line {lineno} in {name}', file=out)


def _asyncio_tasks(out) -> None:
    try:
        import asyncio

        loop = asyncio._get_running_loop()
        if loop is None:
            return
        # Task.print_stack() shows only the outermost frame of a wrapped coroutine (anyio's
        # _run_coro); following cr_await shows where the task really waits.
        tasks = [(task.get_name(), _await_chain(task.get_coro())) for task in asyncio.all_tasks(loop)]
        for name, chain in sorted(tasks):  # a set: sorted by name and stack, the same dump every run
            _print_chain(f"asyncio task {name}", chain, out)
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
    def chain_of(task):
        try:
            return [(f.f_code.co_filename, lineno, f.f_code.co_name) for f, lineno in task.iter_await_frames()], None
        except Exception as exc:
            return [], exc

    # parents before their children (the root task first), siblings sorted by name and stack: a nursery's
    # child_tasks is a set, whose order is the memory layout's; sorted, the dump is the same every run
    todo = [(root, *chain_of(root))]
    while todo:
        task, chain, exc = todo.pop()
        if exc is not None:
            print(f"--- trio task {task.name}: frames unavailable: {exc!r}", file=out)
        else:
            _print_chain(f"trio task {task.name}", chain, out)
        kids = [(t, *chain_of(t)) for nursery in task.child_nurseries for t in nursery.child_tasks]
        kids.sort(key=lambda k: (k[0].name, k[1]), reverse=True)  # reversed: pop() takes the first
        todo.extend(kids)


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

"""asyncio's own warnings (debug mode: PYTHONASYNCIODEBUG=1 / -X dev; some are printed in every mode).

    Executing <Task pending name='Task-1' coro=<handler() running at repro.py:31> ...> took 1.002 seconds
    repro.py:40: RuntimeWarning: coroutine 'notify' was never awaited
    Task was destroyed but it is pending!
    Task exception was never retrieved
    RuntimeError: Non-thread-safe operation invoked on an event loop other than the current one

Each becomes a kind (`slow-callback`, `never-awaited`, `task-destroyed-pending`,
`exception-never-retrieved`, `non-thread-safe-call`), a one-line message, and frames innermost first:
the coroutine the warning is about (from `coro=<name() ...>`), then the traceback that debug mode
attaches (where the task or coroutine was created, or where the exception was raised). The warning
that comes first in the output wins. Pure functions over text; never raise.
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report

SLOW_RE = re.compile(r"^Executing (<.*>) took (\d+(?:\.\d+)?) seconds$", re.M)
NEVER_AWAITED_RE = re.compile(r"^(?:(\S+?):(\d+): )?RuntimeWarning: coroutine '([^']+)' was never awaited$", re.M)
DESTROYED_RE = re.compile(r"^Task was destroyed but it is pending!$", re.M)
NOT_RETRIEVED_RE = re.compile(r"^Task exception was never retrieved$", re.M)
THREAD_RE = re.compile(r"^RuntimeError: (Non-thread-safe operation invoked on an event loop other than the current one)$", re.M)

CORO_RE = re.compile(r"coro=<([\w.<>]+)\(\) (?:running at|done, defined at) ([^:>\s]+):(\d+)>")
TB_FRAME_RE = re.compile(r'^\s+File "[^"]*", line \d+, in (\S+)$')
EXC_LINE_RE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?([A-Z]\w*)(?:: (.*))?$")
TASK_REPR_RE = re.compile(r"^(?:task|future): (<.*>)$", re.M)
BLOCK_LINES = 200


def _block(text: str, start: int) -> list[str]:
    """The lines of one warning: its headline, and what follows it until the next unindented line that is
    not one of the warning's own parts (a task repr, a source traceback, the exception's traceback)."""
    lines = text[start:].splitlines()[:BLOCK_LINES]
    out = lines[:1]
    in_tb = False
    for line in lines[1:]:
        if line.startswith((" ", "\t")) or not line:
            out.append(line)
            continue
        if line.startswith(("task: ", "future: ", "source_traceback: ", "Coroutine created at", "handle: ")):
            out.append(line)
            continue
        if line.startswith("Traceback (most recent call last):"):
            in_tb = True
            out.append(line)
            continue
        if in_tb:  # the exception line ends the traceback, and the warning
            out.append(line)
        break
    return out


def _frames(lines: list[str]) -> list[str]:
    """Traceback frames of a block, innermost first; asyncio's own machinery kept (it shows the loop)."""
    names = [m.group(1) for m in map(TB_FRAME_RE.match, lines) if m]
    return list(reversed(names))


def _coro(text: str) -> tuple[str, str] | None:
    m = CORO_RE.search(text)
    return (m.group(1), f"{m.group(2).rsplit('/', 1)[-1]}:{m.group(3)}") if m else None


def _slow(text: str, m: re.Match) -> Report:
    coro = _coro(m.group(1))
    where = f"{coro[0]}() at {coro[1]}" if coro else m.group(1)[:120]
    msg = f"slow callback: {where} held the event loop for {m.group(2)} seconds (asyncio debug)"
    return Report("asyncio", "slow-callback", msg, frames=[coro[0]] if coro else [])


def _never_awaited(text: str, m: re.Match) -> Report:
    lines = _block(text, m.start())
    where = f" ({m.group(1).rsplit('/', 1)[-1]}:{m.group(2)})" if m.group(1) else ""
    msg = f"coroutine '{m.group(3)}' was never awaited{where}"
    return Report("asyncio", "never-awaited", msg, frames=_frames(lines))


def _destroyed(text: str, m: re.Match) -> Report:
    lines = _block(text, m.start())
    task = TASK_REPR_RE.search("\n".join(lines))
    coro = _coro(task.group(1)) if task else None
    frames = ([coro[0]] if coro else []) + _frames(lines)
    msg = "Task was destroyed but it is pending!" + (f" ({coro[0]}() at {coro[1]})" if coro else "")
    return Report("asyncio", "task-destroyed-pending", msg, frames=frames)


def _not_retrieved(text: str, m: re.Match) -> Report:
    lines = _block(text, m.start())
    exc = None
    if "Traceback (most recent call last):" in lines:
        tb = lines[lines.index("Traceback (most recent call last):"):]
        frames = _frames(tb)
        last = tb[-1].strip() if len(tb) > 1 else ""
        em = EXC_LINE_RE.match(last)
        exc = last if em else None
    else:
        frames = _frames(lines)
    task = TASK_REPR_RE.search("\n".join(lines))
    if exc is None and task:
        em = re.search(r"exception=(\w+\(.*?\))(?: created at|>)", task.group(1))
        exc = em.group(1) if em else None
    msg = "Task exception was never retrieved" + (f": {exc}" if exc else "")
    return Report("asyncio", "exception-never-retrieved", msg, frames=frames)


def _thread(text: str, m: re.Match) -> Report:
    # the traceback that ends in this RuntimeError: from its last "Traceback" header before the match
    tb_start = text.rfind("Traceback (most recent call last):", 0, m.start())
    lines = text[tb_start:m.end()].splitlines() if tb_start >= 0 else []
    return Report("asyncio", "non-thread-safe-call", m.group(1), frames=_frames(lines))


PATTERNS = (
    (SLOW_RE, "slow-callback", _slow),
    (NEVER_AWAITED_RE, "never-awaited", _never_awaited),
    (DESTROYED_RE, "task-destroyed-pending", _destroyed),
    (NOT_RETRIEVED_RE, "exception-never-retrieved", _not_retrieved),
    (THREAD_RE, "non-thread-safe-call", _thread),
)


def parse(text: str) -> Report | None:
    """The first asyncio warning in the output, or None."""
    found = []
    for rx, kind, build in PATTERNS:
        m = rx.search(text)
        if m:
            found.append((m.start(), kind, m, build))
    if not found:
        return None
    _, kind, m, build = min(found, key=lambda f: f[0])
    try:
        return build(text, m)
    except Exception:  # a parser never raises; an odd report still names its kind
        return Report("asyncio", kind, m.group(0)[:200])

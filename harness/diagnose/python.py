"""Python tracebacks and faulthandler dumps.

A traceback's frames are given innermost first, like every other report here. A faulthandler
'Fatal Python error' that names a signal ('Segmentation fault', 'Aborted', ...) has no kind of its
own: the signal says it; its frames are the crashing ('Current') thread's. 'Cannot recover from stack
overflow' is python-stack-overflow; any other fatal error is fatal-python-error.

A faulthandler dump of the threads with no fatal error before it is what a hung process gives
(faulthandler.dump_traceback_later's 'Timeout (0:05:00)!', pytest's faulthandler_timeout, a
faulthandler.register'ed signal, the corpus's own watchdog): with that 'Timeout' header, or with two
threads or more, it reads as a hang, kind deadlock (the watchdog's word for a hang whose threads all
wait). pytest-timeout's dump ('+++++ Timeout +++++', then '~~~ Stack of <thread> (<id>) ~~~' and
traceback-style frames) reads the same way. The frames of a hang are the waiting ones: each thread's
innermost frame, in the dump's order; the message names where each thread waits.
"""

from __future__ import annotations

import re

from harness.diagnose.common import SIGNAL_WORDS, Report

TB_START_RE = re.compile(r"^([ \t]*)Traceback \(most recent call last\):", re.M)
TB_FRAME_RE = re.compile(r'^\s+File "([^"]*)", line \d+, in (\S+)')
EXC_RE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Group|Error\w*)|[A-Z]\w*)(?:: (.*))?$")
FH_FRAME_RE = re.compile(r'^\s*File "([^"]*)", line (\d+) in (\S+)')  # a paste may have lost the indentation
FATAL_RE = re.compile(r"^\s*Fatal Python error: (.+)$", re.M)
THREAD_RE = re.compile(r"^\s*(Current thread|Thread) (0x[0-9a-fA-F]+) \(most recent call first\):\s*$")
TIMEOUT_RE = re.compile(r"^\s*Timeout \((\d+:\d\d:\d\d(?:\.\d+)?)\)!\s*$", re.M)
# pytest-timeout: '+++++ Timeout +++++', '~~~~ Stack of Thread-6 (139742417913600) ~~~~'
PT_TIMEOUT_RE = re.compile(r"^\s*\+{3,} Timeout \+{3,}\s*$", re.M)
PT_STACK_RE = re.compile(r"^\s*~{3,} Stack of (.+?) \(\d+\) ~{3,}\s*$")


def parse(text: str) -> Report | None:
    starts = list(TB_START_RE.finditer(text))
    if starts:
        start = starts[-1]
        indent = len(start.group(1).expandtabs())
        frames: list[str] = []
        lines = text[start.end():].splitlines()
        for i, line in enumerate(lines):
            fm = TB_FRAME_RE.match(line)
            if fm:
                frames.append(fm.group(2))
                continue
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                em = EXC_RE.match(line.strip())
                if em and i > 0:
                    name = em.group(1).rsplit(".", 1)[-1]
                    return Report("python", name, line.strip(), frames=list(reversed(frames)))
        if FATAL_RE.search(text) is None:
            return hang(text)
    fm = FATAL_RE.search(text)
    if fm:
        what = fm.group(1).strip()
        signal = SIGNAL_WORDS.get(what.lower().rstrip("."))
        if signal:
            kind = None
        elif "Cannot recover from stack overflow" in what:
            kind = "python-stack-overflow"
        else:
            kind = "fatal-python-error"
        rest = text[fm.end():]
        current = [t for t in threads(rest) if t[0] == "Current thread"]
        frames = [fn for _, _, fn in current[0][2]] if current else faulthandler_frames(rest)
        return Report("python", kind, "Fatal Python error: " + what, frames=frames, signal=signal)
    return hang(text)


def threads(text: str) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """faulthandler's thread blocks: (header word, thread id, [(file, line, function), ...] innermost first)."""
    out: list[tuple[str, str, list[tuple[str, str, str]]]] = []
    for line in text.splitlines():
        tm = THREAD_RE.match(line)
        if tm:
            out.append((tm.group(1), tm.group(2), []))
            continue
        fm = FH_FRAME_RE.match(line)
        if fm and out:
            out[-1][2].append((fm.group(1), fm.group(2), fm.group(3)))
    return out


def _pytest_timeout_stacks(text: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """pytest-timeout's stacks after its '+++ Timeout +++' line: (thread name, frames innermost first)."""
    m = PT_TIMEOUT_RE.search(text)
    out: list[tuple[str, list[tuple[str, str, str]]]] = []
    for line in text[m.end():].splitlines() if m else []:
        sm = PT_STACK_RE.match(line)
        if sm:
            out.append((sm.group(1), []))
            continue
        fm = re.match(r'^\s*File "([^"]*)", line (\d+), in (\S+)', line)
        if fm and out:
            out[-1][1].insert(0, (fm.group(1), fm.group(2), fm.group(3)))  # most recent call last
    return [s for s in out if s[1]]


def hang(text: str) -> Report | None:
    """A dump of every thread of a process that did not crash: a hang, with the frame each thread waits in."""
    blocks = [(f"{word.lower()} {tid}", frames) for word, tid, frames in threads(text) if frames]
    tm = TIMEOUT_RE.search(text)
    how = f"faulthandler dump after a timeout of {tm.group(1)}" if tm else "faulthandler dump"
    if not (blocks and (tm or len(blocks) >= 2)):
        blocks = _pytest_timeout_stacks(text)
        how = "pytest-timeout dump"
        if not blocks:
            return None
    waits = [(name, *frames[0]) for name, frames in blocks]  # (thread, file, line, function) of each innermost frame
    where = "; ".join(f"{name}: {fn} ({path.replace(chr(92), '/').rsplit('/', 1)[-1]}:{line})" for name, path, line, fn in waits)
    message = f"{how} of {len(blocks)} thread{'s' if len(blocks) > 1 else ''}, none crashed: a hang; waiting in {where}"
    return Report("python", "deadlock", message, frames=[fn for *_, fn in waits])


def faulthandler_frames(text: str) -> list[str]:
    """Function names from faulthandler dumps ('File "x", line 3 in f') and task dumps (with a comma)."""
    out = []
    for line in text.splitlines():
        m = FH_FRAME_RE.match(line)
        if m:
            out.append(m.group(3))
            continue
        m = TB_FRAME_RE.match(line)
        if m:
            out.append(m.group(2))
    return out

"""gdb backtraces: '#1  0x000055555555513d in foo (n=1) at repro.c:12' or '#0  foo (n=1) at repro.c:12'.

The kernel's signal frame, '#6  <signal handler called>', is kept as a frame of that name: it is
where a handler's stack meets the stack of the code the signal interrupted.
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, strip_params

SIGNAL_FRAME = "<signal handler called>"
FRAME_RE = re.compile(r"^[ \t]*#(\d+)\s+(?:(<signal handler called>)\s*$|(?:0x[0-9a-fA-F]+ in )?(.+?)\s+\(.*$)", re.M)
STOP_RE = re.compile(r"^(?:Program|Thread \d+ \"[^\"]*\") (?:received|terminated with) signal (SIG\w+), (.+?)\.?\s*$", re.M)
CORE_RE = re.compile(r"^Program terminated with signal (SIG\w+), (.+?)\.?\s*$", re.M)


def frames(text: str) -> list[str]:
    """Function names of every '#N' line, in order (innermost first within each backtrace)."""
    out = []
    for m in FRAME_RE.finditer(text):
        out.append(_name(m))
    return out


def _name(m: re.Match) -> str:
    return m.group(2) or m.group(3).strip()


def parse(text: str) -> Report | None:
    """A pasted gdb session: the signal gdb saw and the first backtrace (no kind: the signal says it)."""
    sm = STOP_RE.search(text) or CORE_RE.search(text)
    start = sm.end() if sm else 0
    first: list[str] = []
    for m in FRAME_RE.finditer(text, start):
        if first and m.group(1) == "0":
            break
        first.append(strip_params(_name(m)) if not m.group(2) else m.group(2))
    if not sm and (len(first) < 2 or not re.search(r"^\s*#\d+\s+(?:0x[0-9a-fA-F]+ in \S|\S+ \(.*\) at \S+:\d+)", text, re.M)):
        return None
    message = f"gdb: {sm.group(1)}, {sm.group(2)}" if sm else "gdb backtrace"
    return Report("gdb", None, message, frames=first, signal=sm.group(1) if sm else None)

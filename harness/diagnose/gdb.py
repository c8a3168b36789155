"""gdb backtraces: '#1  0x000055555555513d in foo (n=1) at repro.c:12' or '#0  foo (n=1) at repro.c:12'.

The kernel's signal frame, '#6  <signal handler called>', is kept as a frame of that name: it is
where a handler's stack meets the stack of the code the signal interrupted.
"""

from __future__ import annotations

import re

SIGNAL_FRAME = "<signal handler called>"
FRAME_RE = re.compile(r"^#(\d+)\s+(?:(<signal handler called>)\s*$|(?:0x[0-9a-fA-F]+ in )?(.+?)\s+\(.*$)", re.M)


def frames(text: str) -> list[str]:
    """Function names of every '#N' line, in order (innermost first within each backtrace)."""
    out = []
    for m in FRAME_RE.finditer(text):
        out.append(_name(m))
    return out


def _name(m: re.Match) -> str:
    return m.group(2) or m.group(3).strip()

"""ThreadSanitizer reports.

    WARNING: ThreadSanitizer: data race (pid=4242)
      Write of size 8 at 0x7b0400000010 by thread T2:
        #0 assign repro.c:20 (repro+0x1234)
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, strip_params

WARN_RE = re.compile(r"^WARNING: ThreadSanitizer: (.+?)(?: \(pid=\d+\))?\s*$", re.M)
ACCESS_RE = re.compile(r"^\s*(?:Previous )?(?:atomic )?(Read|Write) of size (\d+) at ", re.M | re.I)
FRAME_RE = re.compile(r"^\s*#\d+\s+(?:0x[0-9a-fA-F]+\s+)?(?:in\s+)?(.+?)\s+(?:\S+:\d+(?::\d+)?\s+)?\((?:[^()]*\+0x[0-9a-fA-F]+|BuildId[^)]*)\)\s*$")


def parse(text: str) -> Report | None:
    m = WARN_RE.search(text)
    if not m:
        return None
    headline = m.group(1)
    kind = re.sub(r"\s*\(.*\)\s*$", "", headline).strip().replace(" ", "-") or "unknown"
    rest = text[m.end():]
    access = size = None
    am = ACCESS_RE.search(rest[:3000])
    if am:
        access, size = am.group(1).upper(), int(am.group(2))
    frames: list[str] = []
    for line in rest.splitlines():
        fm = FRAME_RE.match(line)
        if fm:
            frames.append(strip_params(fm.group(1)))
        elif frames and not line.strip():
            break
    return Report("tsan", kind, "ThreadSanitizer: " + headline, access, size, frames)

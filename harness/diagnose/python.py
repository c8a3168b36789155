"""Python tracebacks and faulthandler dumps.

A traceback's frames are given innermost first, like every other report here.
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report

TB_START = "Traceback (most recent call last):"
TB_FRAME_RE = re.compile(r'^\s+File "([^"]*)", line \d+, in (\S+)')
EXC_RE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Group|Error\w*)|[A-Z]\w*)(?:: (.*))?$")
FH_FRAME_RE = re.compile(r'^\s+File "([^"]*)", line \d+ in (\S+)')
FATAL_RE = re.compile(r"^Fatal Python error: (.+)$", re.M)


def parse(text: str) -> Report | None:
    idx = text.rfind(TB_START)
    if idx >= 0:
        frames: list[str] = []
        lines = text[idx + len(TB_START):].splitlines()
        for i, line in enumerate(lines):
            fm = TB_FRAME_RE.match(line)
            if fm:
                frames.append(fm.group(2))
                continue
            if line and not line[0].isspace():
                em = EXC_RE.match(line.strip())
                if em and i > 0:
                    name = em.group(1).rsplit(".", 1)[-1]
                    return Report("python", name, line.strip(), frames=list(reversed(frames)))
        return None
    fm = FATAL_RE.search(text)
    if fm:
        return Report("python", None, "Fatal Python error: " + fm.group(1).strip(), frames=faulthandler_frames(text[fm.end():]))
    return None


def faulthandler_frames(text: str) -> list[str]:
    """Function names from faulthandler dumps ('File "x", line 3 in f') and task dumps (with a comma)."""
    out = []
    for line in text.splitlines():
        m = FH_FRAME_RE.match(line) or TB_FRAME_RE.match(line)
        if m:
            out.append(m.group(2))
    return out

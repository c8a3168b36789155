"""Python tracebacks and faulthandler dumps.

A traceback's frames are given innermost first, like every other report here. A faulthandler
'Fatal Python error' that names a signal ('Segmentation fault', 'Aborted', ...) has no kind of its
own: the signal says it. 'Cannot recover from stack overflow' is python-stack-overflow; any other
fatal error is fatal-python-error.
"""

from __future__ import annotations

import re

from harness.diagnose.common import SIGNAL_WORDS, Report

TB_START_RE = re.compile(r"^([ \t]*)Traceback \(most recent call last\):", re.M)
TB_FRAME_RE = re.compile(r'^\s+File "([^"]*)", line \d+, in (\S+)')
EXC_RE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Group|Error\w*)|[A-Z]\w*)(?:: (.*))?$")
FH_FRAME_RE = re.compile(r'^\s+File "([^"]*)", line \d+ in (\S+)')
FATAL_RE = re.compile(r"^\s*Fatal Python error: (.+)$", re.M)


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
            return None
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
        return Report("python", kind, "Fatal Python error: " + what, frames=faulthandler_frames(text[fm.end():]), signal=signal)
    return None


def faulthandler_frames(text: str) -> list[str]:
    """Function names from faulthandler dumps ('File "x", line 3 in f') and task dumps (with a comma)."""
    out = []
    for line in text.splitlines():
        m = FH_FRAME_RE.match(line) or TB_FRAME_RE.match(line)
        if m:
            out.append(m.group(2))
    return out

"""MemorySanitizer reports (clang only).

    ==4242==WARNING: MemorySanitizer: use-of-uninitialized-value
        #0 0x55... in use /x/ms.c:4:28
        #1 0x55... in main /x/ms.c:5:132

      Uninitialized value was created by an allocation of 's' in the stack frame
        #0 0x55... in main /x/ms.c:5:35

    SUMMARY: MemorySanitizer: use-of-uninitialized-value /x/ms.c:4:28 in use

The kind is MSan's word (use-of-uninitialized-value); the message adds the origin when the build
tracked it (-fsanitize-memory-track-origins): where the uninitialized value was created.
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, san_frames, san_function

HEAD_RE = re.compile(r"^(?:==\d+==\s*)?(?:WARNING|ERROR): MemorySanitizer: (\S.*?)\s*$", re.M)
SUMMARY_RE = re.compile(r"^SUMMARY: MemorySanitizer: ([\w-]+)(.*)$", re.M)
ORIGIN_RE = re.compile(r"^\s*(Uninitialized value was (?:created|stored to memory) .*?|Memory was marked as uninitialized)\s*$", re.M)


def parse(text: str) -> Report | None:
    m = HEAD_RE.search(text)
    sm = SUMMARY_RE.search(text)
    if not m and not sm:
        return None
    if m:
        headline = m.group(1)
        kind = headline.split()[0].rstrip(":") if headline.split() else "unknown"
        rest = text[m.end():]
        frames = san_frames(rest.splitlines())
    else:
        headline = (sm.group(1) + sm.group(2)).strip()
        kind = sm.group(1)
        rest = text
        frames = san_frames(text[: sm.start()].splitlines())
        if not frames:
            fm = re.search(r"\sin (\S.*?)\s*$", sm.group(2))
            frames = [san_function(fm.group(1))] if fm else []
    message = "MemorySanitizer: " + headline
    origins = [o for o in ORIGIN_RE.findall(rest) if not o.startswith("Uninitialized value was stored")]
    if origins:
        message += "; " + origins[0][0].lower() + origins[0][1:]
    return Report("msan", kind, message, frames=frames)

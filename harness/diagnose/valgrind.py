"""Valgrind memcheck reports.

    ==4242== Invalid write of size 1
    ==4242==    at 0x10916E: cc_main (repro.c:12)
    ==4242==    by 0x109189: main (main.c:16)
    ==4242==  Address 0x4a8f04a is 0 bytes after a block of size 10 alloc'd
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, strip_params

LINE_PREFIX = re.compile(r"^==\d+== ?", re.M)
ERRORS: list[tuple[re.Pattern, str, str | None]] = [
    (re.compile(r"^Invalid read of size (\d+)"), "invalid-read", "READ"),
    (re.compile(r"^Invalid write of size (\d+)"), "invalid-write", "WRITE"),
    (re.compile(r"^Invalid free\(\) / delete / delete\[\] / realloc\(\)"), "invalid-free", None),
    (re.compile(r"^Mismatched free\(\) / delete / delete ?\[\]"), "mismatched-free", None),
    (re.compile(r"^Conditional jump or move depends on uninitialised value"), "uninitialised-value", None),
    (re.compile(r"^Use of uninitialised value of size (\d+)"), "uninitialised-value", None),
    (re.compile(r"^Syscall param .* points to (?:unaddressable|uninitialised) byte"), "syscall-param", None),
    (re.compile(r"^Source and destination overlap in "), "overlap", None),
    (re.compile(r"^Invalid (?:read|write|free)"), "invalid-access", None),
    (re.compile(r"^Jump to the invalid address stated on the next line"), "invalid-jump", None),
    (re.compile(r"^Process terminating with default action of signal \d+ \((SIG\w+)\)"), "signal", None),
]
FRAME_RE = re.compile(r"^\s+(?:at|by) 0x[0-9A-Fa-f]+: (.+?)(?: \((?:in )?[^()]*\))?\s*$")


def parse(text: str) -> Report | None:
    if not re.search(r"^==\d+== Memcheck, a memory error detector", text, re.M):
        return None
    lines = [LINE_PREFIX.sub("", ln) for ln in text.splitlines() if LINE_PREFIX.match(ln)]
    for i, line in enumerate(lines):
        for pattern, kind, access in ERRORS:
            m = pattern.match(line)
            if not m:
                continue
            if kind == "signal":
                # No memcheck error came first: the crash itself. The signal field names it; keep its
                # one-line description ("Integer divide by zero at address ...") and its stack.
                rest = lines[i + 1:]
                desc = rest[0].strip() if rest and not FRAME_RE.match(rest[0]) else ""
                frames = []
                for fl in rest[1 if desc else 0:]:
                    fm = FRAME_RE.match(fl)
                    if not fm:
                        break
                    frames.append(strip_params(fm.group(1)))
                return Report("valgrind", None, desc or line.strip(), frames=frames)
            size = int(m.group(1)) if m.groups() and m.group(1) and m.group(1).isdigit() else None
            frames = []
            for fl in lines[i + 1:]:
                fm = FRAME_RE.match(fl)
                if not fm:
                    break
                frames.append(strip_params(fm.group(1)))
            detail = next((ln.strip() for ln in lines[i + 1:i + 40] if ln.strip().startswith("Address ")), "")
            msg = line.strip() + (f"; {detail}" if detail else "")
            return Report("valgrind", kind, msg, access, size if access else None, frames)
    return None

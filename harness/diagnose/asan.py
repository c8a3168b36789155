"""AddressSanitizer reports.

    ==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000 at pc ... bp ... sp ...
    WRITE of size 15 at 0x60200000001e thread T0
        #0 0x7f... in __interceptor_memcpy ../../../../src/libsanitizer/...
        #1 0x7f... in lj_cf_ffi_copy (/.../lupa/luajit21.so+0x...)
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, strip_params

ERROR_RE = re.compile(r"^==\d+==ERROR: AddressSanitizer: (.+?)\s*$", re.M)
ACCESS_RE = re.compile(r"^(READ|WRITE) of size (\d+) at ", re.M)
SIGNAL_ACCESS_RE = re.compile(r"The signal is caused by a (READ|WRITE) memory access")
FRAME_RE = re.compile(r"^\s*#(\d+)\s+0x[0-9a-fA-F]+(?:\s+in\s+(.*?)|\s+\(.*\))?\s*$")
# what follows the function name: 'file.c:12', 'file.c:12:5', '(module+0x1f)', '(BuildId: ...)'
LOCATION_RE = re.compile(r"\s+(?:\S+:\d+(?::\d+)?|\([^()]*\+0x[0-9a-fA-F]+\)|\(BuildId: [0-9a-f]+\))$")


def function_of(text: str | None) -> str:
    """The function name of an ASan/LSan frame's 'in ...' part, without its location or parameters."""
    if not text:
        return "??"
    prev = None
    while prev != text:  # a frame may carry both '(module+0x..)' and 'file:line'
        prev, text = text, LOCATION_RE.sub("", text)
    return strip_params(text) or "??"

SPECIAL = (
    ("attempting double-free", "double-free"),
    ("attempting free on address which was not malloc()-ed", "bad-free"),
    ("alloc-dealloc-mismatch", "alloc-dealloc-mismatch"),
    ("requested allocation size", "allocation-size-too-big"),
    ("allocator is out of memory", "out-of-memory"),
)


def kind_of(headline: str) -> str:
    for prefix, kind in SPECIAL:
        if headline.startswith(prefix):
            return kind
    return headline.split()[0] if headline.split() else "unknown"


def stack_frames(lines: list[str]) -> list[str]:
    """Function names of the first stack in lines (until the first blank line after it began)."""
    frames: list[str] = []
    for line in lines:
        m = FRAME_RE.match(line)
        if m:
            frames.append(function_of(m.group(2)))
        elif frames and not line.strip():
            break
    return frames


def parse(text: str) -> Report | None:
    m = ERROR_RE.search(text)
    if not m:
        return None
    headline = m.group(1)
    rest = text[m.end():]
    access = size = None
    am = ACCESS_RE.search(rest[:2000])
    if am:
        access, size = am.group(1), int(am.group(2))
    else:
        sm = SIGNAL_ACCESS_RE.search(rest[:2000])
        if sm:
            access = sm.group(1)
    return Report("asan", kind_of(headline), "AddressSanitizer: " + headline, access, size, stack_frames(rest.splitlines()))

"""Memory map: the block (or stack frame) as the tool described it, and the bad access drawn over it.

Read from the report, never guessed: ASan's "located N bytes to the right of M-byte region",
"... global variable 'g' ... of size M", "located in stack of thread T0 at offset O in frame" with its
object list; valgrind's "Address ... is N bytes after a block of size M alloc'd" and "N bytes below
stack pointer". A plain run that prints `CRASHCOURSE_METRIC usable_size=N` adds the allocator's slack:
the bytes past the request that malloc handed out anyway, which is why the plain run sees nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harness.teaching.pictures import svg as S
from harness.teaching.pictures.model import (
    TEXT_WIDTH,
    Picture,
    RunView,
    hanging,
    stack_after,
    user_frame,
    where,
)

ACCESS = re.compile(r"\b(?P<access>READ|WRITE) of size (?P<size>\d+)")
HEAP = re.compile(r"is located (?P<off>\d+) bytes? (?P<dir>to the right of|to the left of) (?P<len>\d+)-byte region")
GLOBAL = re.compile(
    r"is located (?P<off>\d+) bytes? (?P<dir>to the right of|to the left of) global variable '(?P<name>[^']+)'"
    r".*?of size (?P<len>\d+)"
)
STACK = re.compile(r"is located in stack of thread \S+ at offset (?P<off>\d+) in frame")
STACK_OBJ = re.compile(r"^\s*\[(?P<start>\d+), (?P<end>\d+)\) '(?P<name>[^']+)'")
VG_ACCESS = re.compile(r"Invalid (?P<access>read|write) of size (?P<size>\d+)")
VG_BLOCK = re.compile(r"Address \S+ is (?P<off>\d+) bytes (?P<dir>after|before) a block of size (?P<len>[\d,]+) alloc'd")
VG_BELOW = re.compile(r"(?P<below>\d+) bytes below stack pointer")
UBSAN_INDEX = re.compile(r"runtime error: index (?P<idx>-?\d+) out of bounds for type '(?P<type>[^'\[]+?) ?\[(?P<n>\d+)\]'")
USABLE = re.compile(r"CRASHCOURSE_METRIC usable_size=(?P<n>\d+)")
ALLOCATED = re.compile(r"^\s*(?:==\w+==\s+)?(?:allocated by thread|Block was alloc'd at)")


@dataclass
class MemoryMap:
    source: str
    tool: str
    what: str  # "38-byte heap region", "global variable 'table' (40 bytes)", "stack frame of f"
    length: int  # bytes of the object (or of the frame's span)
    access: str
    size: int
    first_bad: int  # offset of the first bad byte from the object's start (negative: before it)
    start: int  # where the access is drawn from
    range_access: bool = False  # a range (memcpy...) whose start the report does not give
    direction: str = ""  # "right" | "left" | "below-sp"
    distance: int = 0  # the report's N bytes
    objects: list[tuple[int, int, str]] = field(default_factory=list)  # stack objects [start, end) name
    allocated_at: str = ""
    slack_usable: int | None = None  # malloc_usable_size from a plain run
    slack_source: str = ""
    unit: str = "bytes"  # "elements" for an array index (UBSan names the index, not the byte)


def _slack(views: list[RunView]) -> tuple[int | None, str]:
    for v in views:
        m = USABLE.search(v.text)
        if m:
            return int(m["n"]), v.id
    return None, ""


def _from_asan(v: RunView) -> MemoryMap | None:
    text = v.stderr
    acc = ACCESS.search(text)
    if not acc:
        return None
    access, size = acc["access"], int(acc["size"])
    top = stack_after(text, re.compile(r"\b(?:READ|WRITE) of size \d+"))
    ranged = bool(top) and bool(re.match(r"__interceptor_(mem|str|wcs)|(mem|str)\w*$", top[0][0]))
    alloc_at = where(user_frame(stack_after(text, ALLOCATED)))
    for rx, what in ((GLOBAL, "global"), (HEAP, "heap")):
        m = rx.search(text)
        if not m:
            continue
        length, off = int(m["len"]), int(m["off"])
        right = m["dir"] == "to the right of"
        first_bad = length + off if right else -off
        start = first_bad + 1 - size if (ranged and right) else first_bad  # a range ends at/after its first bad byte
        desc = f"global variable '{m['name']}' ({length} bytes)" if what == "global" else f"{length}-byte heap region"
        return MemoryMap(v.id, "asan", desc, length, access, size, first_bad, max(start, 0) if right else start,
                         ranged, "right" if right else "left", off, allocated_at=alloc_at if what == "heap" else "")  # fmt: skip
    m = STACK.search(text)
    if m:
        off = int(m["off"])
        frame = stack_after(text, STACK)
        objs = []
        for ln in text[m.end():].splitlines():
            o = STACK_OBJ.match(ln)
            if o:
                objs.append((int(o["start"]), int(o["end"]), o["name"]))
        if not objs:
            return None
        span = max(max(e for _, e, _ in objs) + 16, off + size + 8)
        fname = frame[0][0] if frame else "?"
        start = off
        if ranged:  # a range starts in the object it overflows (the report marks it "<== ... overflows")
            before = [a for a, b, _ in objs if b <= off]
            start = max(before) if before else off + 1 - size
        return MemoryMap(v.id, "asan", f"stack frame of {fname}", span, access, size, off, start, ranged, "", 0, objs)
    return None


def _from_valgrind(v: RunView) -> MemoryMap | None:
    text = v.stderr
    acc = VG_ACCESS.search(text)
    if not acc:
        return None
    access, size = acc["access"].upper(), int(acc["size"])
    m = VG_BLOCK.search(text)
    if m:
        length, off = int(m["len"].replace(",", "")), int(m["off"])
        right = m["dir"] == "after"
        first_bad = length + off if right else -off
        alloc_at = where(user_frame(stack_after(text, re.compile(r"a block of size [\d,]+ alloc'd"))))
        return MemoryMap(v.id, "valgrind", f"{length}-byte heap block", length, access, size, first_bad, first_bad,
                         False, "right" if right else "left", off, allocated_at=alloc_at)  # fmt: skip
    m = VG_BELOW.search(text)
    if m:
        below = int(m["below"])
        return MemoryMap(v.id, "valgrind", "the thread's stack", 0, access, size, -below, -below, False, "below-sp", below)
    return None


def _from_ubsan(v: RunView) -> MemoryMap | None:
    m = UBSAN_INDEX.search(v.stderr)
    if not m:
        return None
    idx, n = int(m["idx"]), int(m["n"])
    what = f"array {m['type'].strip()} [{n}]"
    return MemoryMap(v.id, "ubsan", what, n, "index", 1, idx, idx, False, "right" if idx >= n else "left",
                     idx - n if idx >= n else -idx, unit="elements")  # fmt: skip


def extract(views: list[RunView]) -> MemoryMap | None:
    spatial = [v for v in views if v.lens in ("asan", "valgrind", "ubsan")]
    mm = None
    for v in spatial:
        mm = {"asan": _from_asan, "valgrind": _from_valgrind, "ubsan": _from_ubsan}[v.lens](v)
        if mm:
            break
    if mm is None:
        return None
    if mm.direction == "right" and mm.what.endswith(("heap region", "heap block")):
        usable, src = _slack(views)
        if usable is not None and usable >= mm.length:
            mm.slack_usable, mm.slack_source = usable, src
    return mm


def pictures(case, views: list[RunView]) -> list[Picture]:
    mm = extract(views)
    return [draw(mm)] if mm else []


def _sentence(mm: MemoryMap) -> str:
    if mm.unit == "elements":
        return (f"Index {mm.first_bad} of an {mm.what}: valid indexes are 0 to {mm.length - 1}, so the access is "
                f"{'one' if mm.first_bad == mm.length else mm.first_bad - mm.length + 1} past the end ({mm.tool}).")  # fmt: skip
    if mm.direction == "below-sp":
        return f"A {mm.access} of size {mm.size} lands {mm.distance} bytes below the stack pointer ({mm.tool})."
    if mm.objects:
        names = ", ".join(f"'{n}' [{a}, {b})" for a, b, n in mm.objects)
        return (f"In the {mm.what} ({names}), a {mm.access} of size {mm.size} touches offset {mm.first_bad}, "
                f"outside every object ({mm.tool}).")  # fmt: skip
    where = f"{mm.distance} bytes to the {'right' if mm.direction == 'right' else 'left'} of"
    s = f"A {mm.access} of size {mm.size}; its first bad byte is {where} a {mm.what}"
    if mm.allocated_at:
        s += f" allocated in {mm.allocated_at}"
    s += f" ({mm.tool})."
    if mm.slack_usable is not None:
        s += (f" malloc really handed out {mm.slack_usable} bytes (malloc_usable_size, from {mm.slack_source}): "
              f"the bad byte falls in that slack, so a plain run sees nothing.") if mm.first_bad < mm.slack_usable else (
              f" malloc_usable_size is {mm.slack_usable}: the access goes past even the slack.")  # fmt: skip
    return s


def draw(mm: MemoryMap) -> Picture:
    W, left, right = 760, 30, 30
    if mm.direction == "below-sp":
        lo, hi = mm.start - 16, 64
    else:
        lo = min(0, mm.start, mm.first_bad) - 8
        hi = max(mm.length, mm.start + mm.size, mm.first_bad + 1, mm.slack_usable or 0) + 8
    span = max(hi - lo, 1)

    def X(b: float) -> float:
        return left + (b - lo) * (W - left - right) / span

    body: list[str] = [S.text(left, 18, f"memory map · {mm.source}", "cc-title")]
    y = 40
    if mm.direction == "below-sp":
        body.append(S.rect(X(0), y, X(hi) - X(0), 34, "cc-ok"))
        body.append(S.text(X(0) + 4, y + 21, "stack in use (above the stack pointer)"))
        body.append(S.line(X(0), y - 6, X(0), y + 80, "cc-badline"))
        body.append(S.text(X(0) + 4, y + 52, "stack pointer", "cc-dim"))
    elif mm.objects:
        body.append(S.rect(X(0), y, X(mm.length) - X(0), 34, "cc-warn"))
        for a, b, name in mm.objects:
            body.append(S.rect(X(a), y, X(b) - X(a), 34, "cc-ok"))
            body.append(S.text((X(a) + X(b)) / 2, y + 21, f"'{name}' [{a},{b})", anchor="middle"))
        body.append(S.text(X(0), y - 6, f"{mm.what}: objects (green) and redzones (orange)", "cc-dim"))
    else:
        body.append(S.rect(X(0), y, X(mm.length) - X(0), 34, "cc-ok"))
        body.append(S.text((X(0) + X(mm.length)) / 2, y + 21, mm.what, anchor="middle"))
        if mm.slack_usable is not None and mm.slack_usable > mm.length:
            body.append(S.rect(X(mm.length), y, X(mm.slack_usable) - X(mm.length), 34, "cc-info"))
            body.append(S.text(X(mm.length) + 3, y - 6, f"slack to usable_size {mm.slack_usable}", "cc-blue"))
            rz_from = mm.slack_usable
        else:
            rz_from = mm.length
        if mm.tool == "asan":
            body.append(S.rect(X(rz_from), y, X(hi) - X(rz_from), 34, "cc-warn"))
            body.append(S.rect(X(lo), y, X(0) - X(lo), 34, "cc-warn"))
            body.append(S.text(X(hi) - 4, y + 50, "redzone", "cc-orange", "end"))
        for b in sorted({0, mm.length}):
            body.append(S.text(X(b), y + 50, str(b), "cc-dim", "middle"))
    # the access
    ay = y + 66
    a0, a1 = X(mm.start), X(mm.start + mm.size)
    body.append(S.rect(a0, ay, max(a1 - a0, 3), 22, "cc-bad"))
    label = f"index {mm.first_bad}" if mm.unit == "elements" else f"{mm.access} of size {mm.size}"
    body.append(S.text(a1 + 6 if a1 < W - 200 else a0 - 6, ay + 15, label, "cc-red", "start" if a1 < W - 200 else "end"))
    bx = X(mm.first_bad)
    body.append(S.line(bx, ay + 26, bx, ay + 40, "cc-badline"))
    if mm.unit == "elements":
        note = f"element {mm.first_bad}: valid are 0..{mm.length - 1}"
    elif mm.direction == "below-sp":
        note = f"{mm.distance} bytes below stack pointer"
    elif mm.objects:
        note = f"first bad byte: frame offset {mm.first_bad}"
    else:
        side = "right" if mm.direction == "right" else "left"
        note = f"first bad byte: {mm.distance} bytes to the {side} (offset {mm.first_bad})"
    body.append(S.text(bx, ay + 54, note, "cc-red", "middle" if 120 < bx < W - 120 else ("start" if bx <= 120 else "end")))
    if mm.range_access:
        how = "drawn from the start of the object it overflows" if mm.objects else "drawn ending at its first bad byte"
        body.append(S.text(left, ay + 74, f"a range access (memcpy, strcpy...): the report names its size and first bad byte, not its start: {how}", "cc-dim"))
    alt = _sentence(mm)
    svg = S.document(W, ay + 84, body, f"Memory map: {mm.what}", alt, "cc-memory-map")
    return Picture("memory-map", f"Memory map: {mm.what}", mm.source, alt, svg, _terminal(mm))


def _terminal(mm: MemoryMap) -> list[str]:
    labels = (f"  {mm.access} of size {mm.size}", f"  first bad byte, offset {mm.first_bad}")
    cols = max(30, min(60, TEXT_WIDTH - 3 - max(map(len, labels))))  # the drawing and its labels fit in 80 columns
    if mm.direction == "below-sp":
        return [f"  stack pointer ▼{' ' * 10}", f"  {'█' * 20}  stack in use",
                f"  ▲ {mm.access} {mm.size} B, {mm.distance} bytes below the stack pointer"]  # fmt: skip
    lo = min(0, mm.start, mm.first_bad)
    hi = max(mm.length, mm.start + mm.size, mm.first_bad + 1, mm.slack_usable or 0)
    span = max(hi - lo, 1)

    def c(b: int) -> int:
        return round((b - lo) * cols / span)

    row = [" "] * (cols + 1)
    for i in range(c(0), c(mm.length)):
        row[i] = "█"
    if mm.slack_usable:
        for i in range(c(mm.length), c(mm.slack_usable)):
            row[i] = "▒"
    for a, b, _n in mm.objects:
        for i in range(c(a), c(b)):
            row[i] = "█"
    acc = [" "] * (cols + 1)
    for i in range(c(mm.start), max(c(mm.start + mm.size), c(mm.start) + 1) if mm.size > 1 else c(mm.start) + 1):
        acc[min(i, cols)] = "▀"
    bad = [" "] * (cols + 1)
    bad[min(c(mm.first_bad), cols)] = "^"
    legend = hanging("  █ ", mm.what)
    if mm.slack_usable:
        legend += hanging("  ▒ ", f"malloc slack (usable_size {mm.slack_usable})")
    return [("  " + "".join(row)).rstrip(), "  " + "".join(acc) + labels[0],
            "  " + "".join(bad) + labels[1], *legend]  # fmt: skip

"""Lifetime: allocated -> freed -> used (or freed again), each point from one of the report's stacks.

ASan prints three stacks for a temporal error (the bad access or second free, "freed by thread T0
here:", "previously allocated by thread T0 here:"); valgrind prints the same three ("Invalid read",
"... free'd", "Block was alloc'd at"). For a stack object (use after return or scope) the frame and
the object come from "located in stack of thread T0 at offset O in frame".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.teaching.pictures import svg as S
from harness.teaching.pictures.model import (
    TEXT_WIDTH,
    Picture,
    RunView,
    hanging,
    parse_frames,
    short_loc,
    stack_after,
    user_frame,
)

TEMPORAL = {"heap-use-after-free", "double-free", "stack-use-after-return", "stack-use-after-scope",
            "use-after-poison", "invalid-free"}  # fmt: skip
ACCESS_HEAD = re.compile(
    r"\b(?:READ|WRITE) of size \d+ at|attempting double-free|Invalid (?:read|write) of size|Invalid free\(\)"
)
FREED_HEAD = re.compile(r"freed by thread \S+ here:|a block of size [\d,]+ free'd")
ALLOC_HEAD = re.compile(r"allocated by thread \S+ here:|Block was alloc'd at")
REGION = re.compile(r"located (\d+) bytes inside of (\d+)-byte region|(\d+) bytes inside a block of size ([\d,]+) free'd")
STACK_OBJ = re.compile(r"\[(\d+), (\d+)\) '([^']+)'")
ACCESS = re.compile(r"\b(READ|WRITE) of size (\d+)|Invalid (read|write) of size (\d+)")


@dataclass
class Point:
    label: str  # "allocated", "freed", "used after free", "freed again"
    func: str
    loc: str


@dataclass
class Lifetime:
    source: str
    tool: str
    kind: str
    obj: str  # "32-byte block", "stack object 'x' of f"
    points: list[Point]


# A bug inside a runtime (LuaJIT's own GC) has no frame of the case: then the allocator's layer under
# malloc/free (LuaJIT's mem_alloc, lj_mem_free, lj_mem_newgco) is plumbing, and so, for where a block
# was allocated, is its type's constructor (newtab, lj_tab_new): the point names who wanted the block
# (ffi_finalizer) and what freed it (lj_tab_free), as the report is read.
ALLOCATOR_LAYER = re.compile(r"(?:^|_)mem(?:_|$)")
CONSTRUCTOR = re.compile(r"^new|_new(?:_|$)")
ALLOCATING = re.compile(f"{ALLOCATOR_LAYER.pattern}|{CONSTRUCTOR.pattern}")


def _where(frames: list[tuple[str, str]], skip: re.Pattern | None = ALLOCATOR_LAYER) -> tuple[str, str]:
    func, loc = user_frame(frames, skip)
    if func == "??":
        module = re.sub(r"\+0x\w+$", "", loc.rsplit("/", 1)[-1]) if loc else "a library"
        return f"?? (no symbol: inside {module})", ""
    return func, short_loc(loc)


def extract(views: list[RunView]) -> Lifetime | None:
    for v in views:
        kind = v.kind
        if v.lens not in ("asan", "valgrind") or kind not in TEMPORAL:
            continue
        text = v.stderr
        use = _where(stack_after(text, ACCESS_HEAD))
        acc = ACCESS.search(text)
        if kind == "double-free" or (kind == "invalid-free" and "free'd" in text):
            last = "freed again"
        else:
            a = (acc.group(1) or acc.group(3) or "").upper() if acc else ""
            size = (acc.group(2) or acc.group(4)) if acc else ""
            last = f"used after free: {a} of size {size}" if a else "used after free"
        if kind.startswith("stack-use-after"):
            m = STACK_OBJ.search(text)
            frame = stack_after(text, re.compile(r"is located in stack of thread"))
            fname = frame[0][0] if frame else "?"
            obj = f"stack object '{m.group(3)}' of {fname}" if m else f"a stack object of {fname}"
            end = "returned" if kind.endswith("return") else "left the object's scope"
            a = acc.group(1) if acc else ""
            pts = [Point("lives in the frame", fname, frame[0][1] if frame else ""),
                   Point(end, fname, ""), Point(f"used after: {a} of size {acc.group(2)}" if acc else "used", *use)]  # fmt: skip
            return Lifetime(v.id, v.lens, kind, obj, pts)
        freed = _where(stack_after(text, FREED_HEAD))
        alloc = _where(stack_after(text, ALLOC_HEAD), ALLOCATING)
        m = REGION.search(text)
        obj = f"{(m.group(2) or m.group(4)).replace(',', '')}-byte block" if m else "the block"
        if kind == "invalid-free" and "free'd" not in text:
            continue
        pts = [Point("allocated", *alloc), Point("freed", *freed), Point(last, *use)]
        return Lifetime(v.id, v.lens, kind, obj, pts)
    return None


def pictures(case, views: list[RunView]) -> list[Picture]:
    lt = extract(views)
    if lt:
        return [draw(lt)]
    for v in views:  # freed by the wrong API (ASan's mismatch reports, memcheck's "Mismatched free()")
        if v.lens in ("asan", "valgrind") and v.kind in ("alloc-dealloc-mismatch", "new-delete-type-mismatch", "mismatched-free"):
            lt = _mismatch(v)
            if lt:
                return [draw(lt)]
    for v in views:  # asyncio's warnings name where the coroutine or task was created (-X dev)
        lt = _asyncio(v)
        if lt:
            return [draw(lt)]
    for v in views:  # a leak: allocated, then lost (LSan, valgrind --leak-check=full)
        if v.lens in ("lsan", "asan", "valgrind") and v.kind.endswith("leak"):
            leaks = _leaks(v)
            if leaks:
                return [draw_leaks(v.id, v.lens, leaks)]
    for v in views:  # an uninitialised value: created, never written, read (MSan, memcheck)
        if v.lens in ("msan", "valgrind") and v.kind in ("use-of-uninitialized-value", "uninitialised-value", "syscall-param-uninitialised"):
            lt = _uninit(v)
            if lt:
                return [draw(lt)]
    return []


def draw(lt: Lifetime) -> Picture:
    W = 760
    n = len(lt.points)
    xs = [60 + i * (W - 120) / max(n - 1, 1) for i in range(n)]
    y = 70
    body = [S.text(20, 18, f"lifetime of the {lt.obj} · {lt.source}", "cc-title")]
    body.append(S.line(xs[0], y, xs[-2], y, "cc-line"))
    body.append(S.rect(xs[0], y - 9, xs[1] - xs[0], 18, "cc-ok"))
    body.append(S.text((xs[0] + xs[1]) / 2, y - 14, "alive", "cc-green", "middle"))
    body.append(S.line(xs[-2], y, xs[-1], y, "cc-badline", "cc-arrow-bad"))
    body.append(S.text((xs[-2] + xs[-1]) / 2, y - 14, "gone", "cc-red", "middle"))
    for i, (x, p) in enumerate(zip(xs, lt.points, strict=True)):
        bad = i == n - 1
        body.append(f'<circle cx="{x:.1f}" cy="{y}" r="7" class="{"cc-bad" if bad else "cc-info"}"/>')
        body.append(S.text(x, y + 28, p.label, "cc-red" if bad else "cc-fg", "middle"))
        if p.func:
            body.append(S.text(x, y + 46, S.clip(p.func, 34), "cc-fg", "middle"))
        if p.loc:
            body.append(S.text(x, y + 62, S.clip(p.loc, 34), "cc-dim", "middle"))
    alt = f"Lifetime of the {lt.obj} ({lt.tool}, {lt.kind}): " + "; then ".join(
        p.label + (f" in {p.func}" if p.func else "") + (f" at {p.loc}" if p.loc else "") for p in lt.points) + "."  # fmt: skip
    svg = S.document(W, y + 76, body, f"Lifetime: {lt.kind}", alt, "cc-lifetime")
    return Picture("lifetime", f"Lifetime: {lt.kind}", lt.source, alt, svg, _text(lt))


def _text(lt: Lifetime) -> list[str]:
    """The points in a row (going on under the arrow when the row is too long), then one a line."""
    lines, row = [], "  " + lt.points[0].label
    for p in lt.points[1:]:
        if len(row) + 7 + len(p.label) > TEXT_WIDTH:
            lines.append(row)
            row = "    "
        row += ("  ──▶  " if row.strip() else "──▶  ") + p.label
    lines.append(row)
    lab = min(max(len(p.label) for p in lt.points), 32)
    for i, p in enumerate(lt.points):
        first = f"  {i + 1}. {p.label:<{lab}} "
        if len(first) > 6 + lab and p.func:  # a long label: the place on the next line
            lines.append(first.rstrip())
            first = " " * (6 + lab)
        lines += hanging(first, p.func + (f"  ({p.loc})" if p.loc else ""), indent=6)
    return lines


# ---- leaks: allocated, then no pointer left, never freed ------------------------------------------

LSAN_LEAK = re.compile(r"^(?P<kind>Direct|Indirect) leak of (?P<bytes>\d+) byte\(s\) in (?P<n>\d+) object\(s\) allocated from:")
VG_LEAK = re.compile(
    r"(?P<bytes>[\d,]+) (?:\([\d,]+ direct, [\d,]+ indirect\) )?bytes in (?P<n>[\d,]+) blocks are "
    r"(?P<kind>definitely|indirectly) lost in loss record"
)


@dataclass
class Leak:
    kind: str  # "direct" | "indirect"
    nbytes: int
    objects: int
    func: str
    loc: str


def _leaks(v: RunView) -> list[Leak]:
    lines = v.stderr.splitlines()
    out = []
    for i, ln in enumerate(lines):
        m = LSAN_LEAK.search(ln) or VG_LEAK.search(ln)
        if not m:
            continue
        func, loc = _where(parse_frames(lines[i + 1 : i + 30]))
        kind = "direct" if m["kind"] in ("Direct", "definitely") else "indirect"
        out.append(Leak(kind, int(m["bytes"].replace(",", "")), int(m["n"].replace(",", "")), func, loc))
    return out


def draw_leaks(source: str, tool: str, leaks: list[Leak]) -> Picture:
    W, rowh = 760, 58
    body = [S.text(20, 18, f"lifetime of the leaked blocks · {source}", "cc-title")]
    x0, x1, x2 = 40, 360, 700
    for i, lk in enumerate(leaks[:5]):
        y = 50 + i * rowh
        body.append(f'<circle cx="{x0}" cy="{y}" r="7" class="cc-info"/>')
        body.append(S.rect(x0, y - 8, x1 - x0, 16, "cc-ok"))
        body.append(S.line(x1, y, x2, y, "cc-badline"))
        body.append(S.text(x2 + 8, y + 5, "✘", "cc-red"))
        what = f"{lk.nbytes} bytes in {lk.objects} object{'s' if lk.objects != 1 else ''} ({lk.kind} leak)"
        body.append(S.text(x0 + 12, y - 14, f"allocated in {lk.func}" + (f" ({lk.loc})" if lk.loc else ""), "cc-fg"))
        gone = "no pointer to it is left" if lk.kind == "direct" else "reachable only from a leaked block"
        body.append(S.text(x1 + 8, y - 14, f"{gone}; never freed", "cc-red"))
        body.append(S.text(x0 + 12, y + 22, what, "cc-dim"))
    h = 50 + rowh * min(len(leaks), 5)
    alt = "Leaks: " + "; ".join(f"{lk.nbytes} bytes in {lk.objects} object(s), {lk.kind}, allocated in {lk.func}"
                                + (f" at {lk.loc}" if lk.loc else "") + ", never freed" for lk in leaks) + f" ({tool})."  # fmt: skip
    svg = S.document(W, h, body, "Lifetime: memory leak", alt, "cc-lifetime")
    lines = [row for lk in leaks for row in hanging("  ", (
        f"allocated in {lk.func} ({lk.loc}) ──▶ {'no pointer left' if lk.kind == 'direct' else 'only a leaked block points here'}"
        f" ──▶ ✘ never freed   [{lk.nbytes} B in {lk.objects}, {lk.kind}]"), indent=6)]  # fmt: skip
    return Picture("lifetime", "Lifetime: memory leak", source, alt, svg, lines)


# ---- uninitialised values: created, never written, then used ----------------------------------------

USE_HEAD = re.compile(r"MemorySanitizer: use-of-uninitialized-value|Conditional jump or move depends on uninitialised|"
                      r"Use of uninitialised value of size|Syscall param \S+ (?:points to|contains) uninitialised")  # fmt: skip
ORIGIN = re.compile(r"Uninitiali[sz]ed value was created by (?P<how>an allocation of '(?P<var>[^']+)' in the stack frame"
                    r"(?: of function '(?P<fn>[^']+)')?|a heap allocation|a stack allocation)")  # fmt: skip


def _uninit(v: RunView) -> Lifetime | None:
    text = v.stderr
    use = _where(stack_after(text, USE_HEAD))
    if use[0].startswith("??") and not USE_HEAD.search(text):
        return None
    m = ORIGIN.search(text)
    origin = _where(stack_after(text, ORIGIN)) if m else ("(origin not reported)", "")
    obj = f"stack object '{m['var']}'" if m and m["var"] else ("heap block" if m and "heap" in m["how"] else "value")
    head = USE_HEAD.search(text)
    how = "a branch on it" if head and "Conditional" in head.group(0) else (
        "a system call reads it" if head and "Syscall" in head.group(0) else "it is used")  # fmt: skip
    pts = [Point("created, not initialised", *origin), Point("some bytes never written", "nothing stores to them", ""),
           Point(f"read: {how}", *use)]  # fmt: skip
    if not m:
        pts[0] = Point("created (origin not tracked by this lens)", "", "")
    return Lifetime(v.id, v.lens, "use-of-uninitialized-value", obj, pts)


# ---- the wrong API frees it: allocated with one family, freed with another --------------------------

MISMATCH_HEAD = re.compile(r"AddressSanitizer: (?P<kind>alloc-dealloc-mismatch|new-delete-type-mismatch)(?: \((?P<how>[^)]*)\))?")
TYPE_SIZES = re.compile(r"size of the allocated type: (?P<a>\d+) bytes;\s*size of the deallocated type: (?P<d>\d+) bytes")
VG_MISMATCH = re.compile(r"Mismatched free\(\) / delete / delete \[\]")


def _mismatch(v: RunView) -> Lifetime | None:
    text = v.stderr
    m = MISMATCH_HEAD.search(text)
    if m:
        freed = _where(stack_after(text, MISMATCH_HEAD))
        alloc = _where(stack_after(text, ALLOC_HEAD))
        first = stack_after(text, ALLOC_HEAD)
        api_a = re.sub(r"\(.*$", "", first[0][0]) if first else "an allocator"
        api_f = re.sub(r"\(.*$", "", (stack_after(text, MISMATCH_HEAD) or [("a deallocator", "")])[0][0])
        sizes = TYPE_SIZES.search(text)
        how = (f"freed as {sizes['d']} bytes of a {sizes['a']}-byte object" if sizes else f"freed by {S.clip(api_f, 40)}")
        region = REGION.search(text)
        obj = f"{region.group(2)}-byte block" if region and region.group(2) else "the block"
        return Lifetime(v.id, v.lens, m["kind"], obj, [
            Point(f"allocated by {S.clip(api_a, 30)}", *alloc), Point("in use", "", ""), Point(how, *freed)])  # fmt: skip
    if VG_MISMATCH.search(text):
        freed = stack_after(text, VG_MISMATCH)
        alloc = stack_after(text, re.compile(r"Block was alloc'd at|alloc'd$"))
        return Lifetime(v.id, v.lens, "mismatched-free", "the block", [
            Point(f"allocated by {alloc[0][0] if alloc else '?'}", *_where(alloc)), Point("in use", "", ""),
            Point(f"freed by {freed[0][0] if freed else '?'}", *_where(freed))])  # fmt: skip
    return None


# ---- asyncio's own lifetimes: a coroutine or task created, then dropped -----------------------------

CREATED = re.compile(r"(?:Object|Coroutine) created at \(most recent call last\)")
PY_CASE_FRAME = re.compile(r'^\s+File "<case>/(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)')
ENDING = {
    "never-awaited": "garbage-collected, never awaited: its code never ran",
    "task-destroyed-pending": "destroyed by the GC while still pending",
    "exception-never-retrieved": "destroyed with its exception never retrieved",
}


def _asyncio(v: RunView) -> Lifetime | None:
    if v.kind not in ENDING:
        return None
    lines = v.stderr.splitlines()
    start = next((i for i, ln in enumerate(lines) if CREATED.search(ln)), None)
    if start is None:
        return None
    created = None
    for ln in lines[start + 1 :]:
        m = PY_CASE_FRAME.match(ln)
        if m:
            created = (m["func"], f"{m['file']}:{m['line']}")  # the innermost case frame: where it was made
        elif not ln.startswith(" "):
            break
    if created is None:
        return None
    what = "coroutine" if v.kind == "never-awaited" else "task"
    msg = v.observed.get("message") or ""
    middle = "nothing awaits it" if what == "coroutine" else "the last strong reference is dropped"
    if v.kind == "exception-never-retrieved":
        middle = "it raises: " + S.clip(msg.split(": ", 1)[-1], 40)
    return Lifetime(v.id, v.lens, v.kind, what, [Point("created", *created), Point(middle, "", ""),
                                                Point(ENDING[v.kind], "", "")])  # fmt: skip

"""Minimal parsers for the reports of the lenses added with issue 9 (ubsan, lsan, msan, helgrind, drd).

Written by the lens work so the lenses name their kinds from day one; the diagnose work (which owns
this package) may fold them into its own per-tool modules. Pure functions over text, never raising.

UBSan (gcc prints no SUMMARY line; clang's SUMMARY names the check: both map to clang's check names):

    repro.c:12:5: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'
        #0 0x5556de56c17d in add /tmp/u.c:3
    SUMMARY: UndefinedBehaviorSanitizer: signed-integer-overflow repro.c:12:5 in

LeakSanitizer:

    ==42==ERROR: LeakSanitizer: detected memory leaks
    Direct leak of 64 byte(s) in 1 object(s) allocated from:
        #0 0x7f... in malloc ...

MemorySanitizer:

    ==42==WARNING: MemorySanitizer: use-of-uninitialized-value
        #0 0x55... in cc_main /x/repro.c:30:9

helgrind / drd (valgrind tools): 'Possible data race during write of size 4 at ...', 'Lock order "..."
violated', 'Conflicting store by thread 2 at ... size 4', ...
"""

from __future__ import annotations

import re

from harness.diagnose.asan import FRAME_RE, function_of, stack_frames
from harness.diagnose.common import Report, strip_params

# ---- UBSan ---------------------------------------------------------------------------------------

UBSAN_RE = re.compile(r"^(?P<loc>\S+?:\d+(?::\d+)?): runtime error: (?P<msg>.+?)\s*$", re.M)
UBSAN_SUMMARY_RE = re.compile(r"^SUMMARY: UndefinedBehaviorSanitizer: (?P<check>[\w-]+)", re.M)
# message -> compiler-rt's check name (ubsan_checks.inc), so gcc's and clang's reports read the same
UBSAN_KINDS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^signed integer overflow"), "signed-integer-overflow"),
    (re.compile(r"^unsigned integer overflow"), "unsigned-integer-overflow"),
    (re.compile(r"^negation of .* cannot be represented"), "signed-integer-overflow"),
    (re.compile(r"^division by zero"), "integer-divide-by-zero"),
    (re.compile(r"^division of .* by -1 cannot be represented"), "signed-integer-overflow"),
    (re.compile(r"^shift exponent "), "invalid-shift-exponent"),
    (re.compile(r"^left shift of "), "invalid-shift-base"),
    (re.compile(r"^(?:load|store) of misaligned address|^member access within misaligned address|"
                r"^reference binding to misaligned address|^constructor call on misaligned address"),
     "misaligned-pointer-use"),
    (re.compile(r"^(?:load|store) of null pointer|^member access within null pointer|"
                r"^reference binding to null pointer|^member call on null pointer"), "null-pointer-use"),
    (re.compile(r"^index -?\d+ out of bounds"), "out-of-bounds-index"),
    (re.compile(r"^load of value .* which is not a valid value for type '(?:_Bool|bool)'"), "invalid-bool-load"),
    (re.compile(r"^load of value .* which is not a valid value for type"), "invalid-enum-load"),
    (re.compile(r"is outside the range of representable values"), "float-cast-overflow"),
    (re.compile(r"^applying (?:non-zero )?offset .* to null pointer"), "nullptr-with-offset"),
    (re.compile(r"^applying zero offset to null pointer"), "nullptr-with-offset"),
    (re.compile(r"^pointer index expression with base .* overflowed|^addition of unsigned offset to|"
                r"^subtraction of unsigned offset from"), "pointer-overflow"),
    (re.compile(r"^execution reached an unreachable program point|^execution reached a __builtin_unreachable"),
     "unreachable-call"),
    (re.compile(r"^execution reached the end of a value-returning function"), "missing-return"),
    (re.compile(r"^variable length array bound evaluates to non-positive value"), "non-positive-vla-index"),
    (re.compile(r"^null pointer passed as argument"), "invalid-null-argument"),
    (re.compile(r"^null pointer returned from function"), "invalid-null-return"),
    (re.compile(r"^call to function .* through pointer to incorrect function type"), "function-type-mismatch"),
    (re.compile(r"address .* which does not point to an object of type|downcast of address"), "dynamic-type-mismatch"),
    (re.compile(r"^(?:load|store) of address .* with insufficient space"), "insufficient-object-size"),
    (re.compile(r"^passing zero to (?:ctz|clz)\(\)"), "invalid-builtin-use"),
]


def ubsan_kind(message: str) -> str:
    for pattern, kind in UBSAN_KINDS:
        if pattern.search(message):
            return kind
    return "undefined-behavior"


def parse_ubsan(text: str) -> Report | None:
    m = UBSAN_RE.search(text)
    if not m:
        return None
    summary = UBSAN_SUMMARY_RE.search(text)
    check = summary.group("check") if summary else ""
    kind = check if check and check != "undefined-behavior" else ubsan_kind(m.group("msg"))
    frames = stack_frames(text[m.end():].splitlines()[1:])
    return Report("ubsan", kind, f"{m.group('loc')}: runtime error: {m.group('msg')}", frames=frames)


# ---- LeakSanitizer -----------------------------------------------------------------------------------

LSAN_RE = re.compile(r"^==\d+==ERROR: LeakSanitizer: (.+?)\s*$", re.M)
LEAK_RE = re.compile(r"^(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object\(s\) allocated from:", re.M)


def parse_lsan(text: str) -> Report | None:
    m = LSAN_RE.search(text)
    if not m:
        return None
    leaks = list(LEAK_RE.finditer(text, m.end()))
    if not leaks:
        return Report("lsan", "leak", "LeakSanitizer: " + m.group(1))
    direct = [lm for lm in leaks if lm.group(1) == "Direct"]
    first = (direct or leaks)[0]
    kind = "direct-leak" if direct else "indirect-leak"
    total = sum(int(lm.group(2)) for lm in leaks)
    msg = (f"LeakSanitizer: {first.group(0).rstrip(':')}"
           f" ({len(direct)} direct, {len(leaks) - len(direct)} indirect; {total} bytes in all)")  # fmt: skip
    frames = stack_frames(text[first.end():].splitlines()[1:])
    return Report("lsan", kind, msg, size=int(first.group(2)), frames=frames)


# ---- MemorySanitizer ---------------------------------------------------------------------------------

MSAN_RE = re.compile(r"^==\d+==WARNING: MemorySanitizer: ([\w-]+)(.*?)\s*$", re.M)


def parse_msan(text: str) -> Report | None:
    m = MSAN_RE.search(text)
    if not m:
        return None
    frames = stack_frames(text[m.end():].splitlines()[1:])
    return Report("msan", m.group(1), "MemorySanitizer: " + m.group(1) + m.group(2), frames=frames)


# ---- valgrind thread tools and memcheck leaks ----------------------------------------------------------

VG_PREFIX = re.compile(r"^==\d+== ?", re.M)
VG_FRAME_RE = re.compile(r"^\s+(?:at|by) 0x[0-9A-Fa-f]+: (.+?)(?: \((?:in )?[^()]*\))?\s*$")
THREAD_TOOLS = {
    "helgrind": (re.compile(r"^==\d+== Helgrind, a thread error detector", re.M), [
        (re.compile(r"^Possible data race during (read|write) of size (\d+)"), "data-race"),
        (re.compile(r"^Thread #\d+: lock order \".*\" violated"), "lock-order"),
        (re.compile(r"^Thread #\d+ unlocked a not-locked lock"), "unlock-not-locked"),
        (re.compile(r"^Thread #\d+ unlocked lock at .* currently held by thread"), "unlock-foreign"),
        (re.compile(r"^Thread #\d+: pthread_cond_\w+: "), "condvar-misuse"),
        (re.compile(r"^Thread #\d+: Exiting thread still holds"), "exit-holding-lock"),
        (re.compile(r"^Thread #\d+'s call to pthread_\w+ failed"), "pthread-api-error"),
        (re.compile(r"^Thread #\d+: pthread_mutex_destroy of a locked mutex"), "destroy-locked"),
        (re.compile(r"^Thread #\d+: "), "thread-error"),
    ]),
    "drd": (re.compile(r"^==\d+== drd, a thread error detector", re.M | re.I), [
        (re.compile(r"^Conflicting (load|store) by thread \d+ at 0x[0-9a-fA-F]+ size (\d+)"), "conflicting-access"),
        (re.compile(r"^Mutex not locked by calling thread|^Mutex not locked:"), "unlock-not-locked"),
        (re.compile(r"^Destroying locked mutex"), "destroy-locked"),
        (re.compile(r"^Mutex still locked at thread exit"), "exit-holding-lock"),
        (re.compile(r"^Lock order violated"), "lock-order"),
        (re.compile(r"^Recursive locking not allowed"), "recursive-lock"),
        (re.compile(r"^(?:Acquired at|The object at address)"), None),
    ]),
}


def _vg_lines(text: str) -> list[str]:
    return [VG_PREFIX.sub("", ln) for ln in text.splitlines() if VG_PREFIX.match(ln)]


def _vg_frames(lines: list[str]) -> list[str]:
    frames = []
    for fl in lines:
        fm = VG_FRAME_RE.match(fl)
        if not fm:
            if frames:
                break
            continue
        frames.append(strip_params(fm.group(1)))
    return frames


def parse_thread_tool(text: str) -> Report | None:
    for tool, (banner, errors) in THREAD_TOOLS.items():
        if not banner.search(text):
            continue
        lines = _vg_lines(text)
        for i, line in enumerate(lines):
            for pattern, kind in errors:
                m = pattern.match(line)
                if not m or kind is None:
                    continue
                access = size = None
                if m.groups() and m.group(1) in ("read", "write", "load", "store"):
                    access = "READ" if m.group(1) in ("read", "load") else "WRITE"
                    size = int(m.group(2))
                return Report(tool, kind, line.strip(), access, size, _vg_frames(lines[i + 1:i + 40]))
        return None
    return None


LEAK_VG_RE = re.compile(r"^(\d[\d,]*) (?:\([\d,]+ direct, [\d,]+ indirect\) )?bytes in [\d,]+ blocks? are "
                        r"(definitely|indirectly|possibly) lost in loss record")  # fmt: skip


def parse_memcheck_leak(text: str) -> Report | None:
    """memcheck's --leak-check=full records (only when memcheck reported no other error first)."""
    if not re.search(r"^==\d+== Memcheck, a memory error detector", text, re.M):
        return None
    lines = _vg_lines(text)
    found = [(i, LEAK_VG_RE.match(ln)) for i, ln in enumerate(lines)]
    found = [(i, m) for i, m in found if m]
    if not found:
        return None
    rank = {"definitely": 0, "indirectly": 1, "possibly": 2}
    i, m = min(found, key=lambda im: rank[im[1].group(2)])
    kind = {"definitely": "definite-leak", "indirectly": "indirect-leak", "possibly": "possible-leak"}[m.group(2)]
    return Report("valgrind", kind, lines[i].strip(), size=int(m.group(1).replace(",", "")), frames=_vg_frames(lines[i + 1:i + 40]))


PARSERS = (parse_ubsan, parse_lsan, parse_msan, parse_thread_tool)
__all__ = ["PARSERS", "FRAME_RE", "function_of", "parse_memcheck_leak"]

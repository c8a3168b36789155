"""Valgrind reports: memcheck, helgrind, drd.

    ==4242== Invalid write of size 1
    ==4242==    at 0x10916E: cc_main (repro.c:12)
    ==4242==    by 0x109189: main (main.c:16)
    ==4242==  Address 0x4a8f04a is 0 bytes after a block of size 10 alloc'd

Lines are read with or without their '==pid==' prefix, and with whatever a test runner or a log put
before it on the line ('obj_heap/TEST0 memcheck0.log ==13418== Invalid read ...', '83.OK ==6020== ...',
a first '=' lost in the paste); when several processes' lines interleave, those of the process that
reported first are kept. The first error names the kind:

- memcheck: invalid-read, invalid-write (READ/WRITE and size), invalid-free, mismatched-free,
  uninitialised-value (conditional jump or use of an uninitialised value), syscall-param,
  overlap (source and destination overlap in memcpy/strcpy...), invalid-jump, fishy-value,
  and the leak records of --leak-check=full: definite-leak (any block definitely lost; its record's
  bytes include the blocks only it pointed to), else indirect-leak, else possible-leak; metrics
  leak_definitely_bytes / _blocks, leak_indirectly_..., leak_possibly_... from LEAK SUMMARY.
- helgrind / drd: data-race (helgrind's "Possible data race", READ/WRITE and size),
  conflicting-access (drd's "Conflicting load/store", READ/WRITE and size), lock-order-inversion
  (helgrind's "lock order violated"), unlock-of-unlocked-mutex, use-of-invalid-mutex, destroy-of-locked-mutex, double-lock,
  thread-exits-holding-lock, pthread-api-error, mutex-reinitialization, lock-held-too-long.
- a fatal signal with no error before it: no kind (the signal says it), its description and stack.
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, strip_params

TAG_RE = re.compile(r"==(\d{1,9})== ?")  # the '==pid==' tag anywhere near a line's start
LOST_EQ_RE = re.compile(r"=(\d{1,9})== ?")  # '=77204== 4,096 bytes in ...': a paste that lost the first '='
TAG_WITHIN = 240  # characters of a line searched for the tag
BANNER_RE = re.compile(r"(?:^|==\d{1,9}== ?)(Memcheck|Helgrind|DRD|drd), a (?:memory|thread) error detector", re.M)
TOOLS = {"Memcheck": "valgrind", "Helgrind": "helgrind", "DRD": "drd", "drd": "drd"}

# (pattern, kind, access, tool): access 'group' takes READ/WRITE from the first group
ERRORS: list[tuple[re.Pattern, str, str | None, str]] = [(re.compile(p), k, a, t) for p, k, a, t in [
    (r"^Invalid read of size (\d+)", "invalid-read", "READ", "valgrind"),
    (r"^Invalid write of size (\d+)", "invalid-write", "WRITE", "valgrind"),
    (r"^Invalid free\(\) / delete / delete\[\] / realloc\(\)", "invalid-free", None, "valgrind"),
    (r"^Mismatched free\(\) / delete / delete ?\[\]", "mismatched-free", None, "valgrind"),
    (r"^Conditional jump or move depends on uninitialised value", "uninitialised-value", None, "valgrind"),
    (r"^Use of uninitialised value of size (\d+)", "uninitialised-value", None, "valgrind"),
    (r"^Syscall param .* (?:points to|contains) (?:unaddressable|uninitialised) byte", "syscall-param", None, "valgrind"),
    (r"^Source and destination overlap in ", "overlap", None, "valgrind"),
    (r"^Argument '\w+' of function \w+ has a fishy", "fishy-value", None, "valgrind"),
    (r"^Invalid (?:read|write|free)", "invalid-access", None, "valgrind"),
    (r"^Jump to the invalid address stated on the next line", "invalid-jump", None, "valgrind"),
    # helgrind
    (r"^Possible data race during (read|write) of size (\d+)", "data-race", "group", "helgrind"),
    (r"^Thread #\d+: lock order \".*\" violated", "lock-order-inversion", None, "helgrind"),
    (r"^Thread #\d+ unlocked a not-locked lock", "unlock-of-unlocked-mutex", None, "helgrind"),
    (r"^Thread #\d+ unlocked lock at .* currently held by thread", "unlock-of-unlocked-mutex", None, "helgrind"),
    (r"^Thread #\d+ unlocked an invalid lock", "use-of-invalid-mutex", None, "helgrind"),
    (r"^Thread #\d+: pthread_mutex_destroy of a locked mutex", "destroy-of-locked-mutex", None, "helgrind"),
    (r"^Thread #\d+: Attempt to re-lock a non-recursive lock", "double-lock", None, "helgrind"),
    (r"^Thread #\d+: Exiting thread still holds", "thread-exits-holding-lock", None, "helgrind"),
    (r"^Thread #\d+'s call to \w+ failed", "pthread-api-error", None, "helgrind"),
    (r"^Thread #\d+: pthread_cond_\w+: ", "condvar-misuse", None, "helgrind"),
    (r"^Thread #\d+: pthread_\w+: ", "pthread-api-error", None, "helgrind"),
    # drd
    (r"^Conflicting (load|store) by thread \d+ at 0x[0-9a-fA-F]+ size (\d+)", "conflicting-access", "group", "drd"),
    (r"^The object at address 0x[0-9a-fA-F]+ is not a mutex", "use-of-invalid-mutex", None, "drd"),
    (r"^Mutex not locked(?: by calling thread)?: mutex", "unlock-of-unlocked-mutex", None, "drd"),
    (r"^Destroying locked mutex: mutex", "destroy-of-locked-mutex", None, "drd"),
    (r"^Recursive locking not allowed: mutex", "double-lock", None, "drd"),
    (r"^Mutex reinitialization: mutex", "mutex-reinitialization", None, "drd"),
    (r"^Lock on mutex 0x[0-9a-fA-F]+ was held during", "lock-held-too-long", None, "drd"),
    (r"^Mutex still locked at thread exit", "thread-exits-holding-lock", None, "drd"),
    (r"^Lock order violated", "lock-order-inversion", None, "drd"),
    (r"^Process terminating with default action of signal \d+ \((SIG\w+)\)", "signal", None, "valgrind"),
]]
# A Valgrind tool's own assertion ('drd: drd_malloc_wrappers.c:113 (handle_free): Assertion 'success' failed.'), then its
# 'host stacktrace:' and 'sched status:' with the client stack of the thread that was running: the program drove the
# checker into a state it does not handle (DRD's free() of a block it no longer knows: a double free)
TOOL_ASSERT_RE = re.compile(r"^(?P<tool>valgrind|memcheck|helgrind|drd): \S+\.c:\d+ \([^()]*\): Assertion '.*' failed\.\s*$", re.M)
RUNNING_RE = re.compile(r"^\s*running_tid=(\d+)\s*$")
LEAK_RE = re.compile(
    r"^([\d,]+) (?:\(([\d,]+) direct, ([\d,]+) indirect\) )?bytes in ([\d,]+) blocks are (definitely|indirectly|possibly) lost in loss record"
)
LEAK_SUMMARY_RE = re.compile(r"^\s*(definitely|indirectly|possibly) lost: ([\d,]+) bytes in ([\d,]+) blocks", re.M)
FRAME_RE = re.compile(r"^\s*(?:at|by) 0x[0-9A-Fa-f]+: (.+?)(?: \((?:in )?[^()]*\))?\s*$")
ACCESS = {"read": "READ", "load": "READ", "write": "WRITE", "store": "WRITE"}


def _tag(line: str) -> tuple[str, str] | None:
    """(pid, the rest of the line) of a line carrying valgrind's '==pid==' tag, whatever came before it."""
    m = TAG_RE.search(line, 0, TAG_WITHIN) or LOST_EQ_RE.match(line)
    return (m.group(1), line[m.end():]) if m else None


def _lines(text: str) -> list[str]:
    prefixed = [t for ln in text.splitlines() if (t := _tag(ln))]
    if not prefixed:
        return text.splitlines()
    pid = next((p for p, ln in prefixed if _reported(ln)), None)
    if pid is None:  # no error among the prefixed lines: a paste that lost most prefixes
        return [t[1] if (t := _tag(ln)) else ln for ln in text.splitlines()]
    return [ln for p, ln in prefixed if p == pid]


def _reported(line: str) -> bool:
    line = line.strip()
    return any(pat.match(line) for pat, *_ in ERRORS) or bool(LEAK_RE.match(line))


def _frames(lines: list[str], limit: int = 12) -> list[str]:
    """The first run of 'at/by 0x..: fn (file)' lines, starting within the first `limit` lines."""
    start = next((k for k, ln in enumerate(lines[:limit]) if FRAME_RE.match(ln)), None)
    out: list[str] = []
    for ln in lines[start:] if start is not None else []:
        fm = FRAME_RE.match(ln)
        if not fm:
            break
        name = strip_params(fm.group(1))
        out.append(name)
    return out


def parse(text: str) -> Report | None:
    banner = BANNER_RE.search(text)
    lines = _lines(text)
    for i, line in enumerate(lines):
        stripped = line.strip()
        lm = LEAK_RE.match(stripped)
        if lm:
            return _leaks(text, lines, i)
        for pattern, kind, access, tool in ERRORS:
            m = pattern.match(stripped)
            if not m:
                continue
            if banner and TOOLS[banner.group(1)] != tool and kind != "signal":
                continue  # another tool's words in this tool's output
            rest = lines[i + 1:]
            if kind == "signal":
                # No error came first: the crash itself. The signal field names it; keep its
                # one-line description ("Integer divide by zero at address ...") and its stack.
                desc = rest[0].strip() if rest and not FRAME_RE.match(rest[0]) else ""
                frames = _frames(rest[1 if desc else 0:], 1)
                return Report(TOOLS[banner.group(1)] if banner else "valgrind", None, desc or stripped, frames=frames, signal=m.group(1))
            size = None
            if access == "group":
                access, size = ACCESS[m.group(1)], int(m.group(2))
            elif access:
                size = int(m.group(1))
            frames = _frames(rest, 1 if tool == "valgrind" else 12)
            detail = next((ln.strip() for ln in rest[:40] if ln.strip().startswith("Address ")), "")
            msg = stripped + (f"; {detail}" if detail else "")
            return Report(tool, kind, msg, access, size, frames)
    return _tool_assertion(text, lines, banner)


def _tool_assertion(text: str, lines: list[str], banner: re.Match | None) -> Report | None:
    """The tool's own assertion failed before it reported anything: kind internal-assertion, the frames of the
    thread that was running (its stack in 'sched status')."""
    m = TOOL_ASSERT_RE.search(text)
    if not m:
        return None
    tool = TOOLS[banner.group(1)] if banner else {"memcheck": "valgrind"}.get(m.group("tool"), m.group("tool"))
    frames: list[str] = []
    running = next((rm.group(1) for ln in lines if (rm := RUNNING_RE.match(ln))), None)
    if running is not None:
        head = f"Thread {running}: status = "
        at = next((k for k, ln in enumerate(lines) if ln.strip().startswith(head)), None)
        if at is not None:
            frames = _frames(lines[at + 1:], 3)
    return Report(tool, "internal-assertion", m.group(0).strip(), frames=frames)


def _leaks(text: str, lines: list[str], i: int) -> Report:
    records = [m for ln in lines[i:] if (m := LEAK_RE.match(ln.strip()))]
    num = lambda s: int(s.replace(",", "")) if s else 0  # noqa: E731
    rank = {"definitely": 0, "indirectly": 1, "possibly": 2}
    first = min(records, key=lambda r: rank[r.group(5)])
    kind = {"definitely": "definite-leak", "indirectly": "indirect-leak", "possibly": "possible-leak"}[first.group(5)]
    metrics = {}
    for what, nbytes, blocks in LEAK_SUMMARY_RE.findall("\n".join(lines)):
        metrics[f"leak_{what}_bytes"] = num(nbytes)
        metrics[f"leak_{what}_blocks"] = num(blocks)
    j = next(k for k in range(i, len(lines)) if lines[k].strip() == first.string.strip())
    frames = _frames(lines[j + 1:], 1)
    msg = first.string.strip()
    return Report("valgrind", kind, msg, None, num(first.group(1)), frames, metrics)

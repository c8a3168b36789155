"""ThreadSanitizer reports (gcc's libtsan, clang's compiler-rt).

    WARNING: ThreadSanitizer: data race (pid=4242)
      Write of size 8 at 0x7b0400000010 by thread T2:
        #0 assign repro.c:20 (repro+0x1234)
    ...
    SUMMARY: ThreadSanitizer: data race /x/repro.c:20 in assign

Kinds (TSan's headline, in kebab-case; the parenthesised asides dropped): data-race,
data-race-on-vptr, heap-use-after-free, heap-use-after-free-vptr, lock-order-inversion,
signal-unsafe-call, signal-handler-spoils-errno, unlock-of-unlocked-mutex, destroy-of-locked-mutex,
use-of-invalid-mutex, double-lock, read-lock-of-write-locked-mutex,
read-unlock-of-write-locked-mutex, thread-leak, mutex-held-in-wrong-context, and the fatal signals
TSan reports itself (SEGV, ...). Frames: the first stack after the headline.

Go's race detector is the same engine with Go's own wording; it reads as tool tsan, kind data-race:

    WARNING: DATA RACE
    Read at 0x00c0000a4500 by goroutine 7:
      main.main.func1()
          /home/u/x/main.go:12 +0x3c

    Previous write at 0x00c0000a4500 by goroutine 6:
    ...
    Goroutine 7 (running) created at:

Access: READ or WRITE from the first access line (also Go 1.4's 'Read by goroutine 13:' and 'by main
goroutine'); Go prints no size. Frames: that access's goroutine stack, the function of each frame
without its import path ('github.com/x/y/pkg.(*T).M()' is 'pkg.(*T).M').
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, kebab, san_frames, strip_params

WARN_RE = re.compile(r"^[ \t]*(?:==\d+==\s*)?(?:(?:WARNING|ERROR): )?ThreadSanitizer: (?!reported )(\S.+?)(?: \(pid=\d+\))?\s*$", re.M)
SUMMARY_RE = re.compile(r"^SUMMARY: ThreadSanitizer: (\S.*?)\s*$", re.M)
ACCESS_RE = re.compile(r"^\s*(?:Previous )?(?:atomic )?(Read|Write) of size (\d+) at ", re.M | re.I)
GO_WARN_RE = re.compile(r"^[ \t]*WARNING: DATA RACE[ \t]*$", re.M)
GO_ACCESS_RE = re.compile(r"^[ \t]*(Read|Write)(?: at 0x[0-9a-fA-F]+)? by (?:goroutine \d+|main goroutine):[ \t]*$", re.M)
GO_PREVIOUS_RE = re.compile(r"^[ \t]*Previous (?:read|write)(?: at 0x[0-9a-fA-F]+)? by (?:goroutine \d+|main goroutine):", re.M)
GO_FUNC_RE = re.compile(r"^[ \t]+(\S.*\))[ \t]*$")  # '  main.main.func1()'
GO_LOC_RE = re.compile(r"^[ \t]+\S.*:\d+(?: \+0x[0-9a-fA-F]+)?[ \t]*$")  # '      /x/main.go:12 +0x3c'


def go_frames(lines: list[str]) -> list[str]:
    """Function names of a Go stack (a function line, then its file:line), innermost first."""
    out: list[str] = []
    for i, line in enumerate(lines):
        fm = GO_FUNC_RE.match(line)
        if not fm or i + 1 >= len(lines) or not GO_LOC_RE.match(lines[i + 1]):
            if line.strip() and not GO_LOC_RE.match(line):
                break
            continue
        name = strip_params(fm.group(1)).rsplit("/", 1)[-1]
        out.append(name or "??")
    return out


def parse_go(text: str) -> Report | None:
    """Go's race detector: 'WARNING: DATA RACE', or an excerpt with its access and 'Previous' access lines."""
    wm = GO_WARN_RE.search(text)
    start = wm.end() if wm else 0
    am = GO_ACCESS_RE.search(text, start)
    if not wm and not (am and GO_PREVIOUS_RE.search(text, am.end())):
        return None
    access = am.group(1).upper() if am else None
    frames = go_frames(text[am.end():].split("\n")[1:60]) if am else []
    detail = f": {am.group(0).strip().rstrip(':')}" if am else ""
    return Report("tsan", "data-race", "Go race detector: DATA RACE" + detail, access, None, frames)

KINDS: list[tuple[str, str]] = [
    ("data race on vptr", "data-race-on-vptr"),
    ("data race", "data-race"),
    ("heap-use-after-free (virtual call vs free)", "heap-use-after-free-vptr"),
    ("heap-use-after-free", "heap-use-after-free"),
    ("lock-order-inversion", "lock-order-inversion"),
    ("signal-unsafe call inside of a signal", "signal-unsafe-call"),
    ("signal handler spoils errno", "signal-handler-spoils-errno"),
    ("unlock of an unlocked mutex", "unlock-of-unlocked-mutex"),
    ("destroy of a locked mutex", "destroy-of-locked-mutex"),
    ("use of an invalid mutex", "use-of-invalid-mutex"),
    ("double lock of a mutex", "double-lock"),
    ("read lock of a write locked mutex", "read-lock-of-write-locked-mutex"),
    ("read unlock of a write locked mutex", "read-unlock-of-write-locked-mutex"),
    ("thread leak", "thread-leak"),
    ("mutex held in the wrong context", "mutex-held-in-wrong-context"),
    ("main thread finished with ignores enabled", "main-thread-finished-with-ignores-enabled"),
]


def kind_of(headline: str) -> str:
    for prefix, kind in KINDS:
        if headline.startswith(prefix):
            return kind
    words = headline.split()
    if len(words) > 1 and words[1] == "on" and words[0].isupper():  # 'SEGV on unknown address ...'
        return words[0]
    return kebab(re.sub(r"\s*\(.*$", "", headline))


def parse(text: str) -> Report | None:
    m = WARN_RE.search(text)
    sm = SUMMARY_RE.search(text)
    if m:
        headline, rest = m.group(1), text[m.end():]
    elif sm:
        # an excerpt: the headline is SUMMARY's words before the location
        headline = re.sub(r"\s+\S+:\d+(?::\d+)? in \S.*$|\s+\(\S+\+0x[0-9a-fA-F]+\).*$", "", sm.group(1))
        before = text[: sm.start()]
        rest = before if "#0" in before else ""
    else:
        return parse_go(text)
    access = size = None
    am = ACCESS_RE.search(rest[:3000])
    if am:
        access, size = am.group(1).upper(), int(am.group(2))
    return Report("tsan", kind_of(headline), "ThreadSanitizer: " + headline, access, size, san_frames(rest.splitlines()))

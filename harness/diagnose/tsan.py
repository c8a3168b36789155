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
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, kebab, san_frames

WARN_RE = re.compile(r"^[ \t]*(?:==\d+==\s*)?(?:(?:WARNING|ERROR): )?ThreadSanitizer: (?!reported )(\S.+?)(?: \(pid=\d+\))?\s*$", re.M)
SUMMARY_RE = re.compile(r"^SUMMARY: ThreadSanitizer: (\S.*?)\s*$", re.M)
ACCESS_RE = re.compile(r"^\s*(?:Previous )?(?:atomic )?(Read|Write) of size (\d+) at ", re.M | re.I)

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
        return None
    access = size = None
    am = ACCESS_RE.search(rest[:3000])
    if am:
        access, size = am.group(1).upper(), int(am.group(2))
    return Report("tsan", kind_of(headline), "ThreadSanitizer: " + headline, access, size, san_frames(rest.splitlines()))

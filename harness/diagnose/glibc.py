"""glibc's and libstdc++'s abort messages: the words printed just before a SIGABRT.

Each malloc check keeps its own kind, since each says something different about the heap:
double-free (tcache, and "double free or corruption (fasttop|top|out|!prev)"), free-invalid-pointer,
free-invalid-size, free-invalid-next-size, munmap-chunk-invalid-pointer, realloc-invalid-pointer,
realloc-invalid-size, corrupted-top-size, corrupted-size-vs-prev-size, corrupted-double-linked-list,
malloc-assertion ("Fatal glibc error: malloc.c:N (fn): assertion failed"), heap-corruption (the
other malloc(): / free(): / malloc_consolidate(): checks). Then stack-smashing,
fortify-buffer-overflow (*** buffer overflow detected ***), pure-virtual-call, uncaught-exception,
terminate, assertion-failure (assert(): its function is the frame).

Older glibc wrapped the malloc checks: '*** Error in `./prog': double free or corruption (fasttop):
0x0000000001c3a010 ***' (2.19-2.25), '*** glibc detected *** ./prog: free(): invalid pointer: 0x... ***'
(before 2.19), and stack smashing as '*** stack smashing detected ***: ./prog terminated'; these read as
the same kinds. The '======= Backtrace: =========' block those versions print after the message gives the
frames, innermost first: 'libc.so.6(__fortify_fail+0x37)[0x7f..]' is __fortify_fail, a frame with no
symbol ('./prog[0x40713d]', 'libc.so.6(+0x777e5)[0x7f..]') is '??'.
"""

from __future__ import annotations

import re

from harness.diagnose.common import Lazy, Report, strip_params

# (pattern, kind, needles): the needles are pieces of text every match of the pattern contains (Lazy)
_HEAP = [
    (r"free\(\): double free detected in tcache \d*", "double-free", ("double free detected in tcache",)),
    (r"double free or corruption \(\S+\)", "double-free", ("double free or corruption (",)),
    (r"free\(\): invalid pointer", "free-invalid-pointer", ("free(): invalid pointer",)),
    (r"free\(\): invalid size", "free-invalid-size", ("free(): invalid size",)),
    (r"free\(\): invalid next size \(\w+\)", "free-invalid-next-size", ("free(): invalid next size (",)),
    (r"munmap_chunk\(\): invalid pointer", "munmap-chunk-invalid-pointer", ("munmap_chunk(): invalid pointer",)),
    (r"realloc\(\): invalid pointer", "realloc-invalid-pointer", ("realloc(): invalid pointer",)),
    (r"realloc\(\): invalid (?:old |next )?size", "realloc-invalid-size", ("realloc(): invalid ",)),
    (r"malloc\(\): corrupted top size", "corrupted-top-size", ("malloc(): corrupted top size",)),
    (r"corrupted size vs\. prev_size.*", "corrupted-size-vs-prev-size", ("corrupted size vs. prev_size",)),
    (r"corrupted double-linked list.*", "corrupted-double-linked-list", ("corrupted double-linked list",)),
    # (?>...): the first 'malloc.c:N: ' and 'Assertion ' of the line, never tried again (a line full of them stays linear)
    (r"Fatal glibc error: malloc.*assertion failed.*|malloc\(\): assertion failed.*|(?>.*?malloc\.c:\d+: )(?>.*?Assertion ).* failed\.",
     "malloc-assertion", ("assertion failed", "Assertion ")),
    (r"(?:malloc|free|realloc|malloc_consolidate|_int_malloc|_int_free|tcache_thread_shutdown)\(\): .*", "heap-corruption", ("(): ",)),
]
# (pattern, kind), the earliest match in the text wins; the message is the whole matching line.
PATTERNS: list[tuple[Lazy, str]] = [
    *[(Lazy(r"^(?:\S+: )?(?:" + p + r")\s*$", re.M, n), k) for p, k, n in _HEAP],
    (Lazy(r"^[^\n]*?double free[^\n]*", re.M, ("double free",)), "double-free"),
    # '*** stack smashing detected ***: terminated'; also after program output on the same line, and with the
    # stars a Markdown converter mangled ('*_* stack smashing detected _**:')
    (Lazy(r"^[^\n]{0,200}?\*[*_ ]{0,6}stack smashing detected\b[^\n]*$", re.M, ("stack smashing detected",)), "stack-smashing"),
    (Lazy(r"^[^\n]{0,200}?\*[*_ ]{0,6}buffer overflow detected\b[^\n]*$", re.M, ("buffer overflow detected",)),
     "fortify-buffer-overflow"),
    (Lazy(r"^pure virtual method called\s*$", re.M, ("pure virtual method called",)), "pure-virtual-call"),
    (Lazy(r"^terminate called after throwing an instance of .*$", re.M, ("terminate called after throwing an instance of ",)),
     "uncaught-exception"),
    (Lazy(r"^terminate called without an active exception\s*$", re.M, ("terminate called without an active exception",)),
     "terminate"),
    (Lazy(r"^(?>[^\n]*?: Assertion [`'‘])[^\n]*['’] failed\.[ \t]*$", re.M, (": Assertion ",)), "assertion-failure"),
]
ASSERT_FN_RE = Lazy(r":\d+: (?P<fn>.+?): Assertion ")
# '*** Error in `./prog': <check>: 0x... ***', '*** glibc detected *** ./prog: <check>: 0x... ***'
OLD_RE = Lazy(r"^[*_ ]{0,8}(?:Error in [`'‘][^\n'’]{0,300}['’]|glibc detected[*_ ]{1,8}[^\n:]{0,300}): (?P<what>[^\n]*)$", re.M,
              ("Error in ", "glibc detected"))
ADDRESS_RE = Lazy(r": (?:0x)?[0-9a-fA-F]{4,}$")
OLD_HEAP = [(Lazy(r"(?:" + p + r")\s*$", 0, n), k) for p, k, n in _HEAP]
BACKTRACE_RE = Lazy(r"^=+ Backtrace: =+[ \t]*$", 0, (" Backtrace: ",))
# '/lib/libc.so.6(__fortify_fail+0x37)[0x7fce90765d27]', './pcf[0x40713d]', '[0x6642a045]'
BT_FRAME_RE = Lazy(r"^\s*(?:\S*?(?:\((?P<fn>[^()+\s]*)(?:\+0x[0-9a-fA-F]+)?\))?)?\[0x[0-9a-fA-F]+\]\s*$", 0, ("[0x",))


def _old(text: str) -> tuple[int, str, str] | None:
    """The first pre-2.26 malloc message: (where, kind, line)."""
    for m in OLD_RE.finditer(text):
        what = ADDRESS_RE.sub("", m.group("what").rstrip("*_ ")).rstrip("*_ ")
        for pattern, kind in OLD_HEAP:
            if pattern.match(what):
                return m.start(), kind, m.group(0).strip()
    return None


def backtrace_frames(text: str) -> list[str]:
    """Function names of glibc's old '======= Backtrace: =========' block, innermost first."""
    lines = text.splitlines()
    start = next((i + 1 for i, ln in enumerate(lines[:6]) if BACKTRACE_RE.match(ln)), None)
    out: list[str] = []
    for line in lines[start:] if start is not None else []:
        fm = BT_FRAME_RE.match(line)
        if not fm:
            break
        out.append(fm.group("fn") or "??")
    return out


def parse(text: str) -> Report | None:
    best: tuple[int, str, str] | None = None
    for pattern, kind in PATTERNS:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind, m.group(0).strip())
            if kind == "pure-virtual-call":
                break  # libstdc++ prints it before "terminate called without an active exception"
    old = _old(text)
    if old and (best is None or old[0] <= best[0]):
        best = old
    if best is None:
        return None
    frames = []
    if best[1] == "assertion-failure":
        fm = ASSERT_FN_RE.search(best[2])
        if fm:
            frames = [strip_params(re.sub(r"^.*\s(?=\S+\()", "", fm.group("fn")))]
    else:
        frames = backtrace_frames(text[best[0]:])
    return Report("glibc", best[1], best[2], frames=frames, signal="SIGABRT")

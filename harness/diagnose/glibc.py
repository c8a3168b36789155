"""glibc's and libstdc++'s abort messages: the words printed just before a SIGABRT.

Each malloc check keeps its own kind, since each says something different about the heap:
double-free (tcache, and "double free or corruption (fasttop|top|out|!prev)"), free-invalid-pointer,
free-invalid-size, free-invalid-next-size, munmap-chunk-invalid-pointer, realloc-invalid-pointer,
realloc-invalid-size, corrupted-top-size, corrupted-size-vs-prev-size, corrupted-double-linked-list,
malloc-assertion ("Fatal glibc error: malloc.c:N (fn): assertion failed"), heap-corruption (the
other malloc(): / free(): / malloc_consolidate(): checks). Then stack-smashing,
fortify-buffer-overflow (*** buffer overflow detected ***), pure-virtual-call, uncaught-exception,
terminate, assertion-failure (assert(): its function is the frame).
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, strip_params

_HEAP = [
    (r"free\(\): double free detected in tcache \d*", "double-free"),
    (r"double free or corruption \(\S+\)", "double-free"),
    (r"free\(\): invalid pointer", "free-invalid-pointer"),
    (r"free\(\): invalid size", "free-invalid-size"),
    (r"free\(\): invalid next size \(\w+\)", "free-invalid-next-size"),
    (r"munmap_chunk\(\): invalid pointer", "munmap-chunk-invalid-pointer"),
    (r"realloc\(\): invalid pointer", "realloc-invalid-pointer"),
    (r"realloc\(\): invalid (?:old |next )?size", "realloc-invalid-size"),
    (r"malloc\(\): corrupted top size", "corrupted-top-size"),
    (r"corrupted size vs\. prev_size.*", "corrupted-size-vs-prev-size"),
    (r"corrupted double-linked list.*", "corrupted-double-linked-list"),
    (r"Fatal glibc error: malloc.*assertion failed.*|malloc\(\): assertion failed.*|.*malloc\.c:\d+: .*Assertion .* failed\.", "malloc-assertion"),
    (r"(?:malloc|free|realloc|malloc_consolidate|_int_malloc|_int_free|tcache_thread_shutdown)\(\): .*", "heap-corruption"),
]
# (pattern, kind), the earliest match in the text wins; the message is the whole matching line.
PATTERNS: list[tuple[re.Pattern, str]] = [
    *[(re.compile(r"^(?:\S+: )?" + p + r"\s*$", re.M), k) for p, k in _HEAP],
    (re.compile(r"^[^\n]*?double free[^\n]*", re.M), "double-free"),
    (re.compile(r"^\*\*\* stack smashing detected \*\*\*.*$", re.M), "stack-smashing"),
    (re.compile(r"^\*\*\* buffer overflow detected \*\*\*.*$", re.M), "fortify-buffer-overflow"),
    (re.compile(r"^pure virtual method called\s*$", re.M), "pure-virtual-call"),
    (re.compile(r"^terminate called after throwing an instance of .*$", re.M), "uncaught-exception"),
    (re.compile(r"^terminate called without an active exception\s*$", re.M), "terminate"),
    (re.compile(r"^[^\n]*?: Assertion [`'‘][^\n]*['’] failed\.[ \t]*$", re.M), "assertion-failure"),
]
ASSERT_FN_RE = re.compile(r":\d+: (?P<fn>.+?): Assertion ")


def parse(text: str) -> Report | None:
    best: tuple[int, str, str] | None = None
    for pattern, kind in PATTERNS:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind, m.group(0).strip())
            if kind == "pure-virtual-call":
                break  # libstdc++ prints it before "terminate called without an active exception"
    if best is None:
        return None
    frames = []
    if best[1] == "assertion-failure":
        fm = ASSERT_FN_RE.search(best[2])
        if fm:
            frames = [strip_params(re.sub(r"^.*\s(?=\S+\()", "", fm.group("fn")))]
    return Report("glibc", best[1], best[2], frames=frames, signal="SIGABRT")

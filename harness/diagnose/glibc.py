"""glibc's and libstdc++'s abort messages: the words printed just before a SIGABRT."""

from __future__ import annotations

import re

from harness.diagnose.common import Report

# (pattern, kind), first match wins; the message is the whole matching line.
PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^.*double free.*$", re.M), "double-free"),
    (re.compile(r"^\*\*\* stack smashing detected \*\*\*.*$", re.M), "stack-smashing"),
    (re.compile(r"^\*\*\* buffer overflow detected \*\*\*.*$", re.M), "fortify-buffer-overflow"),
    (re.compile(r"^pure virtual method called\s*$", re.M), "pure-virtual-call"),
    (re.compile(r"^(?:free|realloc|munmap_chunk)\(\): invalid pointer\s*$", re.M), "invalid-pointer"),
    (
        re.compile(
            r"^(?:malloc\(\): .*|free\(\): invalid (?:next )?size.*|corrupted .*|"
            r"malloc_consolidate\(\): .*|free\(\): corrupted .*|realloc\(\): invalid .*|"
            r"double free or corruption.*|free\(\): invalid next size.*|tcache_thread_shutdown\(\): .*)\s*$",
            re.M,
        ),
        "heap-corruption",
    ),
    (re.compile(r"^terminate called after throwing an instance of .*$", re.M), "uncaught-exception"),
    (re.compile(r"^terminate called without an active exception\s*$", re.M), "terminate"),
    (re.compile(r"^.*: Assertion `.*' failed\.\s*$", re.M), "assertion-failure"),
]


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
    return Report("glibc", best[1], best[2])

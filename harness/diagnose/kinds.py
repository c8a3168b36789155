"""The diagnosis vocabulary: every `observed.kind` a parser names, per tool (the run record's `tool`).

This is the list the README's run-record table and docs/writing-a-case.md give, and the list the
kind -> CWE table (harness/scoring/cwe.py) must cover; tests/test_kinds.py holds the docs and every
parser's output against it. Two tools name open families rather than fixed words: Python (an
exception's class name) and gcc (the warning option).
"""

from __future__ import annotations

KINDS: dict[str, tuple[str, ...]] = {
    "asan": (
        "heap-buffer-overflow", "stack-buffer-overflow", "stack-buffer-underflow", "global-buffer-overflow",
        "dynamic-stack-buffer-overflow", "container-overflow", "heap-use-after-free", "stack-use-after-return",
        "stack-use-after-scope", "use-after-poison", "double-free", "bad-free", "alloc-dealloc-mismatch",
        "new-delete-type-mismatch", "memcpy-param-overlap", "strcpy-param-overlap", "strncpy-param-overlap",
        "strcat-param-overlap", "strncat-param-overlap", "negative-size-param", "calloc-overflow",
        "allocation-size-too-big", "out-of-memory", "stack-overflow", "initialization-order-fiasco",
        "odr-violation", "SEGV", "BUS", "FPE", "ILL",
    ),
    "lsan": ("direct-leak", "indirect-leak"),
    "msan": ("use-of-uninitialized-value",),
    "ubsan": (
        "signed-integer-overflow", "unsigned-integer-overflow", "integer-divide-by-zero", "invalid-shift-exponent",
        "invalid-shift-base", "misaligned-pointer-use", "alignment-assumption", "null-pointer-use",
        "out-of-bounds-index", "invalid-bool-load", "invalid-enum-load", "float-cast-overflow", "pointer-overflow",
        "nullptr-with-offset", "insufficient-object-size", "unreachable-call", "missing-return",
        "non-positive-vla-index", "invalid-null-argument", "invalid-null-return", "dynamic-type-mismatch",
        "function-type-mismatch", "cfi-bad-type", "implicit-conversion", "invalid-builtin-use", "undefined-behavior",
    ),
    "tsan": (
        "data-race", "data-race-on-vptr", "heap-use-after-free", "heap-use-after-free-vptr", "lock-order-inversion",
        "signal-unsafe-call", "signal-handler-spoils-errno", "unlock-of-unlocked-mutex", "destroy-of-locked-mutex",
        "use-of-invalid-mutex", "double-lock", "read-lock-of-write-locked-mutex", "read-unlock-of-write-locked-mutex",
        "mutex-held-in-wrong-context", "thread-leak", "main-thread-finished-with-ignores-enabled",
    ),
    "valgrind": (
        "invalid-read", "invalid-write", "invalid-free", "invalid-access", "mismatched-free", "uninitialised-value",
        "syscall-param", "overlap", "fishy-value", "invalid-jump", "definite-leak", "indirect-leak", "possible-leak",
        "internal-assertion",
    ),
    "helgrind": (
        "data-race", "lock-order-inversion", "unlock-of-unlocked-mutex", "use-of-invalid-mutex",
        "destroy-of-locked-mutex", "double-lock", "thread-exits-holding-lock", "condvar-misuse", "pthread-api-error",
        "internal-assertion",
    ),
    "drd": (
        "conflicting-access", "lock-order-inversion", "unlock-of-unlocked-mutex", "use-of-invalid-mutex",
        "destroy-of-locked-mutex", "double-lock", "thread-exits-holding-lock", "condvar-misuse",
        "mutex-reinitialization", "lock-held-too-long", "internal-assertion",
    ),
    "glibc": (
        "double-free", "free-invalid-pointer", "free-invalid-size", "free-invalid-next-size",
        "munmap-chunk-invalid-pointer", "realloc-invalid-pointer", "realloc-invalid-size", "corrupted-top-size",
        "corrupted-size-vs-prev-size", "corrupted-double-linked-list", "malloc-assertion", "heap-corruption",
        "stack-smashing", "fortify-buffer-overflow", "pure-virtual-call", "uncaught-exception", "terminate",
        "assertion-failure",
    ),
    "asyncio": ("slow-callback", "never-awaited", "task-destroyed-pending", "exception-never-retrieved",
                "non-thread-safe-call"),
    "python": ("python-stack-overflow", "fatal-python-error", "deadlock"),  # and an exception's class name
    "watchdog": ("deadlock", "livelock", "fork-bomb"),
    "compiler": ("build-error",),
    "gcc": (),  # the warning option, e.g. -Wanalyzer-double-free
}  # fmt: skip

# Open families: a kind of this tool that is not a fixed word above, described.
FAMILIES: dict[str, str] = {
    "python": "an exception's class name (`AttributeError`, `RecursionError`, `LuaError` from lupa)",
    "gcc": "the warning option (`-Wanalyzer-double-free`, `-Wformat=`)",
}


def in_vocabulary(tool: str | None, kind: str) -> bool:
    """Is `kind` a word this tool's parser may name?"""
    if tool == "python" and kind[:1].isupper() and kind.isidentifier():
        return True
    if tool == "gcc" and kind.startswith("-W"):
        return True
    return kind in KINDS.get(tool or "", ())


def every_kind() -> list[str]:
    """Every fixed word of the vocabulary, once, in order of appearance."""
    return list(dict.fromkeys(k for kinds in KINDS.values() for k in kinds))


def vocabulary_markdown() -> str:
    """The vocabulary as the README's run-record table gives it (a test keeps the README equal)."""
    parts = []
    for tool, kinds in KINDS.items():
        words = ", ".join(f"`{k}`" for k in kinds)
        family = FAMILIES.get(tool)
        parts.append(f"**{tool}**: " + "; ".join(x for x in (words, family and f"{family}") if x))
    return "; ".join(parts)

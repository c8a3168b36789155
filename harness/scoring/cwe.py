"""CWE ids for scoring: which CWE a diagnosis names (a run's kind, a gcc warning), and which CWEs
count as the same mistake. Documented in docs/analyzer-corpus.md."""

from __future__ import annotations

import re
from typing import Any

# ---- CWE equivalences ---------------------------------------------------------------------------------
# A finding's CWE counts for a flaw's CWE when they are equal or in one group here. Each group is a CWE
# and the more specific ids a tool may report for the same mistake (MITRE's ChildOf/PeerOf relations,
# restricted to the ones analyzers actually mix up). Documented in docs/analyzer-corpus.md.
CWE_GROUPS: list[tuple[str, frozenset[int]]] = [
    ("out-of-bounds write", frozenset({787, 119, 120, 121, 122, 124, 193, 786, 788, 805, 806})),
    ("out-of-bounds read", frozenset({125, 119, 126, 127, 193, 786, 788})),
    ("free of a pointer not from malloc", frozenset({590, 761, 763, 762})),
    ("use of a stack frame after return", frozenset({562, 825})),
    ("use after free / expired pointer", frozenset({416, 825, 672})),
    ("double free", frozenset({415, 1341, 672})),
    ("NULL dereference", frozenset({476, 690})),
    ("race condition", frozenset({362, 366, 364, 367, 820, 821})),
    ("deadlock / improper locking", frozenset({833, 667, 764, 1322})),
    ("divide by zero / overflow", frozenset({369, 190, 191, 682})),
    ("leak / missing release", frozenset({401, 772, 404, 400})),
    ("wrong call arguments", frozenset({685, 628, 686, 134})),
    ("uninitialised", frozenset({457, 908, 909})),
    ("signal handler safety", frozenset({479, 364, 828})),
    ("undefined behaviour", frozenset({758, 475})),
]


def cwe_matches(found: int, truth: list[int]) -> bool:
    if found in truth:
        return True
    return any(found in group and any(t in group for t in truth) for _, group in CWE_GROUPS)


# ---- what a run's diagnosis means as a CWE ------------------------------------------------------------
# observed.kind (every lens's parsers: ASan, TSan, UBSan, LSan, MSan, valgrind, helgrind, drd, glibc,
# the watchdog, gcc) -> CWE ids. A kind not listed has no CWE: it still counts at file and line level.
KIND_CWE: dict[str, list[int]] = {
    # memory: spatial
    "heap-buffer-overflow": [122],
    "stack-buffer-overflow": [121],
    "stack-buffer-underflow": [124],
    "global-buffer-overflow": [787],
    "dynamic-stack-buffer-overflow": [121],
    "container-overflow": [787],
    "invalid-read": [125],
    "invalid-write": [787],
    "invalid-access": [119],  # memcheck's 'Invalid read/write' whose direction the paste lost
    "out-of-bounds-index": [119],  # UBSan does not say read or write
    "insufficient-object-size": [119],
    "non-positive-vla-index": [129],
    "stack-smashing": [121],
    "fortify-buffer-overflow": [787],
    # memory: heap metadata found corrupt (glibc's checks): an out-of-bounds write came first
    "corrupted-top-size": [122],
    "corrupted-size-vs-prev-size": [122],
    "corrupted-double-linked-list": [122],
    "free-invalid-next-size": [122],
    "free-invalid-size": [122],
    "realloc-invalid-size": [122],
    "malloc-assertion": [122],
    "heap-corruption": [122],
    # memory: temporal
    "heap-use-after-free": [416],
    "heap-use-after-free-vptr": [416],
    "stack-use-after-return": [562],
    "stack-use-after-scope": [416],
    "use-after-poison": [416],
    "double-free": [415],
    "invalid-free": [415, 590, 761, 763],  # memcheck's 'Invalid free()': a double free or a bad pointer
    # memory: management
    "bad-free": [590],
    "free-invalid-pointer": [590],  # glibc: free(): invalid pointer
    "munmap-chunk-invalid-pointer": [590],  # glibc: munmap_chunk(): invalid pointer
    "realloc-invalid-pointer": [590],
    "alloc-dealloc-mismatch": [762],
    "new-delete-type-mismatch": [762],
    "mismatched-free": [762],
    "memcpy-param-overlap": [475],
    "strcpy-param-overlap": [475],
    "strncpy-param-overlap": [475],
    "strcat-param-overlap": [475],
    "strncat-param-overlap": [475],
    "overlap": [475],
    "negative-size-param": [195],
    "fishy-value": [789],  # memcheck: an allocation size that is 'fishy (possibly negative)'
    "allocation-size-too-big": [789],
    "calloc-overflow": [190],
    # memory: leaks and exhaustion
    "direct-leak": [401],
    "indirect-leak": [401],
    "definite-leak": [401],
    "possible-leak": [401],
    "out-of-memory": [400],
    "MemoryError": [400],
    "LuaMemoryError": [400],
    "fork-bomb": [400],
    "stack-overflow": [674],
    "python-stack-overflow": [674],
    "RecursionError": [674],
    # uninitialised
    "use-of-uninitialized-value": [457],
    "uninitialised-value": [457],
    "syscall-param": [457],  # uninitialised (or unaddressable) bytes handed to a system call
    "initialization-order-fiasco": [457],
    # arithmetic and conversions
    "signed-integer-overflow": [190],
    "unsigned-integer-overflow": [190],
    "integer-divide-by-zero": [369],
    "FPE": [369],
    "invalid-shift-exponent": [1335],
    "invalid-shift-base": [1335],
    "float-cast-overflow": [681],
    "implicit-conversion": [681],
    "pointer-overflow": [823],
    "nullptr-with-offset": [823],
    # types and pointers
    "null-pointer-use": [476],
    "invalid-null-argument": [476],
    "invalid-null-return": [476],
    "misaligned-pointer-use": [704],
    "alignment-assumption": [704],
    "invalid-bool-load": [758, 843],  # a value that is not of the object's type
    "invalid-enum-load": [758, 843],
    "dynamic-type-mismatch": [843],
    "function-type-mismatch": [843],
    "cfi-bad-type": [843],
    "pure-virtual-call": [758],
    "unreachable-call": [758],
    "missing-return": [758],
    "invalid-builtin-use": [758],
    "undefined-behavior": [758],
    "assertion-failure": [617],
    "uncaught-exception": [248],
    # concurrency
    "data-race": [362],
    "data-race-on-vptr": [362],
    "conflicting-access": [362],
    "non-thread-safe-call": [362],  # asyncio: a loop method called from another thread
    "lock-order-inversion": [833],
    "deadlock": [833],
    "livelock": [835],
    "double-lock": [764],
    "unlock-of-unlocked-mutex": [765],
    "read-unlock-of-write-locked-mutex": [765],
    "destroy-of-locked-mutex": [667],
    "use-of-invalid-mutex": [667],
    "thread-exits-holding-lock": [667],
    "read-lock-of-write-locked-mutex": [667],
    "mutex-held-in-wrong-context": [667],
    "mutex-reinitialization": [667],
    "condvar-misuse": [667],
    "pthread-api-error": [667],
    "thread-leak": [404],
    "task-destroyed-pending": [672],
    "never-awaited": [252],  # a coroutine's result (its work) dropped unchecked
    "exception-never-retrieved": [755],
    # signals
    "signal-unsafe-call": [479],
    "signal-handler-spoils-errno": [828],
}

# Kinds that name no weakness by themselves, and why (docs/analyzer-corpus.md prints this beside the table).
NO_CWE: dict[str, str] = {
    "SEGV": "a bare fault: the report does not say what was accessed or why (on the zero page it is 476, below)",
    "BUS": "a bare fault (misaligned or unmapped file-backed access): the report does not say why",
    "ILL": "a bare fault: an illegal instruction is the effect of a jump somewhere wrong, not the mistake",
    "invalid-jump": "a jump to an address with no code: the effect of an earlier corruption (an overwritten return address or function pointer), whose CWE is that corruption's",
    "odr-violation": "a program built from two definitions of one name: a build mistake, not a code weakness",
    "terminate": "std::terminate: the program chose to stop (a thread left joinable, a throw from a destructor); its cause names the weakness",
    "fatal-python-error": "Python's last words name the signal that ended it, not a mistake",
    "slow-callback": "a timing warning (a callback ran longer than asyncio's threshold): a symptom on a loaded machine as often as a blocking call",
    "lock-held-too-long": "a timing report (DRD's lock hold time): no weakness by itself",
    "internal-assertion": "the checker's own failure (a Valgrind tool's assertion): the weakness is what the program did just before it, which the tool did not name",
    "main-thread-finished-with-ignores-enabled": "a misuse of TSan's own annotations, not of the program's",
    "build-error": "the case did not build: not a diagnosis of the program",
}
SIGNAL_CWE = {"SIGFPE": [369]}
# gcc warnings whose JSON carries no CWE metadata
GCC_OPTION_CWE = {
    "-Wanalyzer-use-of-pointer-in-stale-stack-frame": [562],
    "-Wformat-overflow=": [787],
    "-Wstringop-overflow=": [787],
    "-Wformat=": [685],
    "-Wformat-security": [134],
}
ANALYZER_OPTION_RE = re.compile(r"CWE-(\d+)")


def kind_cwe(observed: dict[str, Any], text: str = "") -> list[int]:
    """The CWE ids a run's diagnosis names (gcc says it in the warning: '[CWE-415]')."""
    kind = observed.get("kind") or ""
    if kind in KIND_CWE:
        return list(KIND_CWE[kind])
    if kind.startswith("-W"):
        found = [int(c) for c in ANALYZER_OPTION_RE.findall(text)]
        return found[:1] or list(GCC_OPTION_CWE.get(kind, []))
    if kind == "SEGV" and "zero page" in text:  # ASan: 'Hint: address points to the zero page.'
        return [476]
    return list(SIGNAL_CWE.get(observed.get("signal") or "", []))


def kind_table_markdown() -> str:
    """docs/analyzer-corpus.md's kind -> CWE table, from KIND_CWE and NO_CWE (a test keeps the page equal)."""
    from harness.diagnose.kinds import FAMILIES

    rows = ["| kind | CWE |", "|---|---|"]
    rows += [f"| `{k}` | {', '.join(map(str, v))} |" for k, v in KIND_CWE.items()]
    rows += [f"| `{k}` | none: {why} |" for k, why in NO_CWE.items()]
    rows += [
        "| gcc `-W...` warning | the CWE gcc prints with it (`[CWE-415]`); else " + ", ".join(
            f"`{o}`: {', '.join(map(str, c))}" for o, c in GCC_OPTION_CWE.items()) + " |",
        "| ASan `SEGV` on the zero page | 476 |",
        "| signal `SIGFPE` without a kind | 369 |",
        f"| any other Python exception ({FAMILIES['python']}) | none: an exception names where the program "
        "stopped, not the weakness (the case's `[flaw]` says it) |",
    ]  # fmt: skip
    return "\n".join(rows) + "\n"

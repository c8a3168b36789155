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
    "heap-buffer-overflow": [122],
    "stack-buffer-overflow": [121],
    "stack-buffer-underflow": [124],
    "global-buffer-overflow": [787],
    "dynamic-stack-buffer-overflow": [121],
    "container-overflow": [787],
    "heap-use-after-free": [416],
    "stack-use-after-return": [562],
    "stack-use-after-scope": [416],
    "use-after-poison": [416],
    "double-free": [415],
    "attempting-free-on-address-which-was-not-malloc()-ed": [590],
    "bad-free": [590],
    "alloc-dealloc-mismatch": [762],
    "new-delete-type-mismatch": [762],
    "memory-leak": [401],
    "detected-memory-leaks": [401],
    "definitely-lost": [401],
    "use-of-uninitialized-value": [457],
    "uninitialised-value": [457],
    "conditional-jump-depends-on-uninitialised-value": [457],
    "data-race": [362],
    "conflicting-access": [362],
    "invalid-pointer": [590],  # glibc: free(): invalid pointer / munmap_chunk(): invalid pointer
    "fortify-buffer-overflow": [787],
    "assertion-failure": [617],
    "race": [362],
    "lock-order-inversion": [833],
    "lock-order": [833],
    "deadlock": [833],
    "livelock": [835],
    "invalid-read": [125],
    "invalid-write": [787],
    "invalid-free": [415, 590, 761, 763],  # memcheck's 'Invalid free()': a double free or a bad pointer
    "mismatched-free": [762],
    "stack-smashing": [121],
    "pure-virtual-call": [758],
    "signed-integer-overflow": [190],
    "integer-divide-by-zero": [369],
    "division-by-zero": [369],
    "shift-exponent": [1335],
    "null-pointer-use": [476],
    "misaligned-address": [704],
    "invalid-bool-load": [758, 843],  # a value that is not of the object's type
    "invalid-enum-load": [758, 843],
    "float-cast-overflow": [681],
    "out-of-bounds-index": [119],  # UBSan does not say read or write
    "misaligned-pointer-use": [704],
    "pointer-overflow": [823],
    "invalid-shift-exponent": [1335],
    "invalid-shift-base": [1335],
    "allocation-size-too-big": [789],
    "calloc-overflow": [190],
    "memcpy-param-overlap": [475],
    "strcpy-param-overlap": [475],
    "overlap": [475],
    "negative-size-param": [195],
    "RecursionError": [674],
    "MemoryError": [400],
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

"""Shared pieces of the report parsers: the Report, sanitizer frames, and cleaning pasted text."""

from __future__ import annotations

import re

from harness.corpus.values import Value, field


class Report(Value):
    tool: str
    kind: str | None
    message: str
    access: str | None = None
    size: int | None = None
    frames: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)  # numbers the report gives (leak counts)
    signal: str | None = None  # a signal the text itself names (for pasted reports; a run knows its own)


def strip_params(name: str) -> str:
    """'Base::Base()' -> 'Base::Base'; 'foo(int, char)' -> 'foo'; a plain C name is unchanged."""
    name = re.sub(r"(?:\s+(?:const|volatile)|\s*&&?)+$", "", name.strip())
    if not name.endswith(")") or "(" not in name:
        return name
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        if name[i] == ")":
            depth += 1
        elif name[i] == "(":
            depth -= 1
            if depth == 0:
                head = name[:i].rstrip()
                return head or name
    return name


# ---- sanitizer frames (ASan, LSan, UBSan, MSan, TSan; gcc, clang, macOS) ------------------------------

# '#3 0x55d in main /x/a.c:12:5', '#0 assign /x/a.c:30 (prog+0x1234) (BuildId: ab12)', '#1 0x7f  (/lib/libc.so.6+0x29d8f)',
# '#0 0x10a in main+0x1d (a.out:x86_64+0xf4d)', '#0 pthread_mutex_lock <null> (libtsan.so.0+0x3bd8f)'
SAN_FRAME_RE = re.compile(r"^\s*#(\d+)\s+(?:0x[0-9a-fA-F]+(?=\s|$)\s*)?(?:in\s+)?(.*?)\s*$")
_TRAILERS = [
    re.compile(r"\s*\(BuildId: [0-9a-fA-F]*\)$"),
    re.compile(r"\s*\([^()]*\+0x[0-9a-fA-F]+\)$"),  # (module+0x1f), (a.out:x86_64+0x1f)
    re.compile(r"\s*<null>$"),
    re.compile(r"\s+\S+:\d+(?::\d+)?$"),  # file:line[:col]
    re.compile(r"\s+\(in [^()]*\)$"),
    re.compile(r"\s*\(<unknown module>\)$"),
]


def san_function(text: str | None) -> str:
    """The function name of a sanitizer frame's text after '#N 0x.. in', without location or parameters."""
    if not text:
        return "??"
    prev = None
    while prev != text:  # a frame may carry '(module+0x..)', '(BuildId: ..)' and 'file:line' at once
        prev = text
        for pat in _TRAILERS:
            text = pat.sub("", text)
    text = re.split(r"\s+(?=[/~.]|[A-Za-z]:\\)", text, maxsplit=1)[0]  # a path with spaces: cut where it starts
    text = re.sub(r"\+0x[0-9a-fA-F]+$", "", text.strip())  # macOS 'main+0x1d'
    return strip_params(text) or "??"


def san_frames(lines: list[str]) -> list[str]:
    """Function names of the first '#N' stack in lines, innermost first; it ends at a blank line or at '#0' again."""
    frames: list[str] = []
    for line in lines:
        m = SAN_FRAME_RE.match(line)
        if m and m.group(1).isdigit():
            if frames and m.group(1) == "0":
                break
            frames.append(san_function(m.group(2)))
        elif frames and not line.strip():
            break
    return frames


def kebab(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-") or "unknown"


SIGNAL_WORDS = {
    "segmentation fault": "SIGSEGV",
    "aborted": "SIGABRT",
    "floating point exception": "SIGFPE",
    "floating-point exception": "SIGFPE",
    "bus error": "SIGBUS",
    "illegal instruction": "SIGILL",
}


MAX_LINE = 4096  # no report line is longer; a longer one is cut, so no pattern goes quadratic on it


def bounded(text: str) -> str:
    """text with every line cut to MAX_LINE characters (unchanged when none is longer)."""
    if len(text) <= MAX_LINE or max(map(len, text.split("\n"))) <= MAX_LINE:
        return text
    return "\n".join(ln[:MAX_LINE] for ln in text.split("\n"))

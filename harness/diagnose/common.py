"""Shared pieces of the report parsers: the Report, sanitizer frames, and cleaning pasted text."""

from __future__ import annotations

import re

from harness.corpus.values import Value, field


class Lazy:
    """A regular expression compiled on its first use: a run compiles only the expressions its output asks
    for (compiling all of the parsers' took about a fifth of a run's start-up). With needles, pieces of
    text that every match contains, it is asked only of text holding one of them, and is not even compiled
    otherwise. tests/test_diagnose.py reads every report seen with the needles ignored too (`use_needles`)
    and holds both readings equal."""

    __slots__ = ("_pattern", "_flags", "_rx", "needles")
    use_needles = True

    def __init__(self, pattern: str, flags: int = 0, needles: tuple[str, ...] = ()):
        self._pattern, self._flags, self._rx, self.needles = pattern, flags, None, needles

    @property
    def rx(self) -> re.Pattern:
        if self._rx is None:
            self._rx = re.compile(self._pattern, self._flags)
        return self._rx

    def could_match(self, text: str) -> bool:
        return not (self.needles and Lazy.use_needles) or any(n in text for n in self.needles)

    def search(self, text: str, *pos):
        return self.rx.search(text, *pos) if self.could_match(text) else None

    def match(self, text: str, *pos):
        return self.rx.match(text, *pos) if self.could_match(text) else None

    def finditer(self, text: str, *pos):
        return self.rx.finditer(text, *pos) if self.could_match(text) else iter(())

    def findall(self, text: str, *pos):
        return self.rx.findall(text, *pos) if self.could_match(text) else []

    def sub(self, repl, text: str, count: int = 0):
        return self.rx.sub(repl, text, count) if self.could_match(text) else text

    @property
    def pattern(self) -> str:
        return self._pattern

    def __repr__(self) -> str:
        return f"Lazy({self._pattern!r}, needles={self.needles!r})"


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
SAN_FRAME_RE = Lazy(r"^\s*#(\d+)\s+(?:0x[0-9a-fA-F]+(?=\s|$)\s*)?(?:in\s+)?(.*?)\s*$", needles=("#",))
_TRAILERS = [
    Lazy(r"\s*\(BuildId: [0-9a-fA-F]*\)$", needles=("(BuildId: ",)),
    Lazy(r"\s*\([^()]*\+0x[0-9a-fA-F]+\)$", needles=("+0x",)),  # (module+0x1f), (a.out:x86_64+0x1f)
    Lazy(r"\s*<null>$", needles=("<null>",)),
    Lazy(r"\s+\S+:\d+(?::\d+)?$", needles=(":",)),  # file:line[:col]
    Lazy(r"\s+\(in [^()]*\)$", needles=("(in ",)),
    Lazy(r"\s*\(<unknown module>\)$", needles=("(<unknown module>)",)),
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

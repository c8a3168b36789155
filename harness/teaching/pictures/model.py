"""What the pictures are made of: a run as the pictures see it (RunView), a drawn Picture, and the
frame reading every picture kind shares."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

KINDS = ("memory-map", "lifetime", "lanes", "wait-for", "signal-path", "catches")
TEXT_WIDTH = 76  # the widest line of a picture's text form: 80 columns, less a panel's borders and padding


def wrap(text: str, width: int, glue: bool = True) -> list[str]:
    """text in lines of at most width characters, broken at spaces only: a name or a file:line is never
    cut (a single word longer than width gets a line of its own), nor parted from its '(file:line)'."""
    glued = _AT.sub("\x00(", text) if glue else text
    rows = textwrap.wrap(glued, max(width, 1), break_long_words=False, break_on_hyphens=False)
    return [r.replace("\x00", " ") for r in rows] or [""]


def longest_word(text: str, glue: bool = True) -> int:
    """The width below which wrap() must let text overflow."""
    return max((len(w) for w in (_AT.sub("\x00(", text) if glue else text).split()), default=0)


_AT = re.compile(r" \((?=[^()\s]+:\d+(?::\d+)?\))")  # the space in "f (repro.c:12)"


def hanging(first: str, text: str, width: int = TEXT_WIDTH, indent: int | None = None) -> list[str]:
    """first + text wrapped to width, the continuation lines indented to where text starts (or indent)."""
    pad = len(first) if indent is None else indent
    rows = wrap(text, width - len(first))
    if len(first) + len(rows[0]) > width and pad < len(first):  # a word too long beside first: all of it below
        return [first.rstrip()] + [(" " * pad + r).rstrip() for r in wrap(text, width - pad)]
    if len(rows) > 1:  # the continuation lines may be wider than the first when pad < len(first)
        rows = rows[:1] + wrap(" ".join(rows[1:]), width - pad)
    return [(first + rows[0]).rstrip()] + [(" " * pad + r).rstrip() for r in rows[1:]]


@dataclass
class RunView:
    """One observed run, as the pictures need it."""

    variant: str
    lens: str
    profile: str
    observed: dict[str, Any]
    stderr: str = ""
    stdout: str = ""
    # "ran" (a run, or a blessed snapshot of one), "skipped" (not run here: note says why), or "replayed"
    # (not run here; observed/stderr/stdout are the snapshot of machine key `note`)
    status: str = "ran"
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.variant} · {self.lens}@{self.profile}"

    @property
    def kind(self) -> str:
        return self.observed.get("kind") or ""

    @property
    def text(self) -> str:
        return self.stderr + "\n" + self.stdout


@dataclass
class Picture:
    kind: str  # one of KINDS
    title: str
    source: str  # which run it was drawn from ("bug · asan@asan")
    alt: str  # the text alternative: what the picture says, in words
    svg: str
    lines: list[str] = field(default_factory=list)  # the terminal rendering
    caption: str = ""


# ---- shared report parsing -----------------------------------------------------------------------

RUNTIME_FRAME = re.compile(
    r"^(?:__interceptor_|__asan|__sanitizer|__ubsan|__tsan|__lsan|__msan|__GI_|__libc_|_IO_|__memcpy|__memmove"
    r"|__strcpy|__strlen|malloc$|free$|calloc$|realloc$|operator |_Zn|_Zd|raise$|abort$|memcpy$|memmove$|strcpy$"
    r"|strcat$|__wrap_|__real_|__cxa_|std::__|__pthread|pthread_kill|\?\?)"
)

# "#1 0xADDR in session_close <case>/repro.c:40" (ASan/TSan), "by 0xADDR: session_close (repro.c:44)" (valgrind)
_FRAME_RES = (
    re.compile(r"^\s*#\d+\s+0x[0-9A-Za-z]+\s+in\s+(?P<func>.+?)\s+(?P<loc>\S+:\d+)(?::\d+)?\s*$"),  # C++ names have spaces
    re.compile(r"^\s*#\d+\s+(?:0x[0-9A-Za-z]+\s+)?(?:in\s+)?(?P<func>[^\s(][^ ]*?)(?:\(\))?\s+(?P<loc>\S+:\d+)(?::\d+)?\s*$"),
    re.compile(r"^\s*#\d+\s+(?:0x[0-9A-Za-z]+\s+)?in\s+(?P<func>\S+)\s+\((?P<loc>[^)]*)\)"),
    re.compile(r"^\s*#\d+\s+(?:0x[0-9A-Za-z]+\s+)?in\s+(?P<func>\S+)(?P<loc>)"),
    re.compile(r"^\s*#\d+\s+0x[0-9A-Za-z]+\s+\((?P<loc>[^)]*)\)(?P<func>)"),
    re.compile(r"^(?:==\w+==)?\s*(?:at|by) 0x[0-9A-Za-z]+: (?P<func>.+?) \((?P<loc>[^)]*)\)\s*$"),
)


def parse_frames(lines: list[str]) -> list[tuple[str, str]]:
    """(function, location) for the frame lines at the start of `lines`; a few lines of prose may come
    first (ASan's "object passed to delete has wrong type: ..."), and the first non-frame after a frame ends it."""
    out: list[tuple[str, str]] = []
    prose = 0
    for ln in lines:
        for rx in _FRAME_RES:
            m = rx.match(ln)
            if m:
                out.append((m["func"] or "??", (m["loc"] or "").replace("<case>/", "")))
                break
        else:
            prose += 1
            if out or prose > 6:
                break
    return out


def stack_after(text: str, header: re.Pattern) -> list[tuple[str, str]]:
    """The frames that follow the first line matching `header`."""
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if header.search(ln):
            return parse_frames(lines[i + 1 : i + 40])
    return []


def _in_case(loc: str) -> bool:
    return "<case>" in loc or bool(re.match(r"^[\w.-]+\.(c|cpp|cc|h|py|lua):\d+", loc))


def short_loc(loc: str) -> str:
    """A frame's location as a picture prints it: the case's own files as they are ('repro.c:44'),
    anything else by its file name ('lj_gc.c:539', not '<cache>/luajit-old-a4cec9c5b09810d8/src/lj_gc.c:539')."""
    if "<case>/" in loc:
        return loc.replace("<case>/", "")
    return loc.rsplit("/", 1)[-1]


def where(frame: tuple[str, str]) -> str:
    """'f (file:line)' for a frame; an unsymbolized one is named by its module."""
    func, loc = frame
    if func in ("", "??"):
        module = re.sub(r"\+0x\w+$", "", loc.rsplit("/", 1)[-1]) if loc else ""
        return f"?? (no symbol: inside {module})" if module else "?? (no symbol)"
    return f"{func} ({loc})" if loc else func


def user_frame(frames: list[tuple[str, str]], skip: re.Pattern | None = None) -> tuple[str, str]:
    """The innermost frame in the case's own code; else the first that is not the runtime (malloc, free,
    an interceptor, libc's sysdeps) nor matches skip (a caller's idea of plumbing); else the first
    unsymbolized one, named by its module."""
    for func, loc in frames:
        if _in_case(loc) and func not in ("", "??"):
            return func, loc.replace("<case>/", "")
    for func, loc in frames:
        if not RUNTIME_FRAME.match(func) and func not in ("", "??") and "libsanitizer" not in loc and "sysdeps" not in loc:
            if skip is None or not skip.search(func):
                return func, loc
    for func, loc in frames:
        if func in ("", "??"):
            return "??", loc
    return frames[0] if frames else ("??", "")

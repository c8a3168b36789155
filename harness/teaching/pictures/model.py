"""What the pictures are made of: a run as the pictures see it (RunView), a drawn Picture, and the
frame reading every picture kind shares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

KINDS = ("memory-map", "lifetime", "lanes", "wait-for", "signal-path", "catches")


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


def where(frame: tuple[str, str]) -> str:
    """'f (file:line)' for a frame; an unsymbolized one is named by its module."""
    func, loc = frame
    if func in ("", "??"):
        module = re.sub(r"\+0x\w+$", "", loc.rsplit("/", 1)[-1]) if loc else ""
        return f"?? (no symbol: inside {module})" if module else "?? (no symbol)"
    return f"{func} ({loc})" if loc else func


def user_frame(frames: list[tuple[str, str]]) -> tuple[str, str]:
    """The innermost frame in the case's own code; else the first that is not the runtime (malloc, free,
    an interceptor, libc's sysdeps); else the first unsymbolized one, named by its module."""
    for func, loc in frames:
        if _in_case(loc) and func not in ("", "??"):
            return func, loc.replace("<case>/", "")
    for func, loc in frames:
        if not RUNTIME_FRAME.match(func) and func not in ("", "??") and "libsanitizer" not in loc and "sysdeps" not in loc:
            return func, loc
    for func, loc in frames:
        if func in ("", "??"):
            return "??", loc
    return frames[0] if frames else ("??", "")

"""Pictures of a bug, drawn from what a run observed: never from hand-placed coordinates.

Each kind of picture is one module with `extract(views) -> data | None` (reads the observed runs)
and `draw(data) -> Picture` (an inline SVG for the site and a text rendering for the terminal):

    memory_map    spatial errors: the block (or stack frame) as the tool described it, its redzone or
                  the allocator's slack, and the bad access over it with its size and direction
    lifetime      temporal errors: allocated -> freed -> used (or freed again), from the report's stacks
    lanes         races and deadlocks: one lane per thread or task, the steps in order
                  (`CRASHCOURSE_STEP` lines, a TSan report's two accesses, a hang's stacks), and for a
                  deadlock the wait-for graph with its cycle
    signal_path   signals: the fault, the kernel, the handler, and how the process ended (or looped)
    catches       who catches what: this case's lenses, caught / silent / labelled false negative

The input is a list of RunView: one per observed run, made from a run record (terminal) or from a
blessed snapshot (the site). The numbers on a picture are the report's numbers.

Step markers: a case's child may print lines `CRASHCOURSE_STEP <lane> <verb> <object> [-- note]`
(stdout or stderr), verbs `holds`, `waits`, `releases`, `does`; e.g.
`CRASHCOURSE_STEP reader holds cache_lock`. They give the lanes their order and the wait-for graph
its edges (a lane that waits for an object another lane holds waits for that lane).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.manifest import Case

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


_KIND_RE = re.compile(r"^(?P<kind>\S+)(?: (?P<access>READ|WRITE))?(?: (?P<size>\d+))?(?: \((?P<tool>[^)]+)\))?$")


def observed_from_summary(summary: str, message: str = "", frames: list[str] | None = None) -> dict[str, Any]:
    """A snapshot's `# observed:` line (harness.report.describe) back into the fields the pictures use."""
    obs: dict[str, Any] = {"signal": None, "exit_code": None, "timed_out": False, "kind": None, "access": None,
                           "size": None, "frames": list(frames or []), "message": message or None,
                           "core_dumped": False, "tool": None}  # fmt: skip
    for part in (p.strip() for p in summary.split(" · ")):
        if re.match(r"^SIG[A-Z0-9]+( \(core dumped\))?$", part):
            obs["signal"], obs["core_dumped"] = part.split()[0], part.endswith("(core dumped)")
        elif re.match(r"^exit -?\d+$", part):
            obs["exit_code"] = int(part.split()[1])
        elif part.startswith("hung"):
            obs["timed_out"] = True
        elif part.startswith("clean"):
            m = re.search(r"exit (-?\d+)", part)
            obs["exit_code"] = int(m.group(1)) if m else 0
        elif (m := _KIND_RE.match(part)) is not None:
            obs["kind"], obs["access"], obs["tool"] = m["kind"], m["access"], m["tool"]
            obs["size"] = int(m["size"]) if m["size"] else None
    return obs


def views_from_snapshots(case: Case, snapshots: dict[str, dict[str, str]]) -> list[RunView]:
    """One RunView per blessed run of the case (the first machine key that has it)."""
    from harness.site import parse_snapshot

    views: dict[str, RunView] = {}
    for _key, runs in sorted(snapshots.items()):
        for name, text in sorted(runs.items()):
            if name in views:
                continue
            try:
                variant, lens, profile = name.split(".", 2)
            except ValueError:
                continue
            snap = parse_snapshot(text)
            obs = observed_from_summary(snap.observed, snap.message, snap.frames)
            views[name] = RunView(variant, lens, profile, obs, snap.stderr, snap.stdout)
    order = {lens: i for i, lens in enumerate(case.lenses)}
    return sorted(views.values(), key=lambda v: (v.variant != "bug", order.get(v.lens, 99), v.profile))


def view_from_record(rec, case: Case | None = None) -> RunView:
    """A run record as a RunView; the case folder's path is written `<case>/`, as in the snapshots."""
    err = rec.stderr + ("\n" + rec.stacks if rec.stacks else "")
    out = rec.stdout
    if case is not None:
        err, out = (t.replace(f"{case.path}/", "<case>/") for t in (err, out))
    return RunView(rec.variant, rec.lens, rec.profile, dict(rec.observed), err, out)


def pictures_for(case: Case, views: list[RunView]) -> list[Picture]:
    """Every picture the observed runs support, most telling first; `catches` always comes last."""
    from harness.pictures import catches, lanes, lifetime, memory_map, signal_path

    out: list[Picture] = []
    bug = [v for v in views if v.variant == "bug"]
    caption = case.picture.get("caption", "") if hasattr(case, "picture") else ""
    for mod in (memory_map, lifetime, lanes, signal_path):
        for pic in mod.pictures(case, bug):
            if caption and not pic.caption:
                pic.caption = caption
            out.append(pic)
    out.append(catches.picture(case, views))
    return out


def why_no_picture(case: Case, pictures: list[Picture]) -> str:
    """The sentence a page shows when only the `catches` row could be drawn."""
    if any(p.kind != "catches" for p in pictures):
        return ""
    return ("No memory map, lifetime, lane or signal picture fits this case: none of its observed runs "
            "reports a block, a lifetime, interleaved threads or a signal path to draw. The row below "
            "shows which lenses see the bug.")  # fmt: skip


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


def render_terminal(pictures: list[Picture]):
    """The text rendering of pictures for a terminal (rich renderables), e.g. on a workshop projector."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    panels = []
    for pic in pictures:
        body = Text("\n".join(pic.lines)) if pic.lines else Text("")
        body.append("\n" + pic.alt, style="dim")
        panels.append(Panel(body, title=f"{pic.title} · {pic.source}", title_align="left"))
    return Group(*panels)

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
    catches       who catches what: this case's lenses, caught / silent / labelled false negative, and
                  which did not run here (skipped, replayed from a recording, or only expected)

The input is a list of RunView: one per observed run, made from a run record (terminal) or from a
blessed snapshot (the site). The numbers on a picture are the report's numbers.

Step markers: a case's child may print lines `CRASHCOURSE_STEP <lane> <verb> <object> [-- note]`
(stdout or stderr), verbs `holds`, `waits`, `releases`, `does`; e.g.
`CRASHCOURSE_STEP reader holds cache_lock`. They give the lanes their order and the wait-for graph
its edges (a lane that waits for an object another lane holds waits for that lane).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.pipeline.snapshots import parse_snapshot
from harness.teaching.pictures import catches, lanes, lifetime, memory_map, signal_path
from harness.teaching.pictures.model import (  # noqa: F401 (the package's names)
    KINDS,
    Picture,
    RunView,
    parse_frames,
    stack_after,
    user_frame,
    where,
)

if TYPE_CHECKING:
    from harness.corpus.manifest import Case

def views_from_snapshots(case: Case, snapshots: dict[str, dict[str, str]]) -> list[RunView]:
    """One RunView per blessed run of the case: this machine key's snapshot, else the nearest key's
    (harness.pipeline.snapshots.nearness; ties by name), so a gcc machine draws gcc's runs."""
    from harness.corpus import machine
    from harness.pipeline.snapshots import nearness

    here = machine.machine_key(case.language)
    views: dict[str, RunView] = {}
    for _key, runs in sorted(snapshots.items(), key=lambda kv: (tuple(-x for x in nearness(kv[0], here)), kv[0])):
        for name, text in sorted(runs.items()):
            if name in views:
                continue
            try:
                variant, lens, profile = name.split(".", 2)
            except ValueError:
                continue
            snap = parse_snapshot(text)
            obs = snap.observation()
            views[name] = RunView(variant, lens, profile, obs, snap.stderr, snap.stdout)
    order = {lens: i for i, lens in enumerate(case.lenses)}
    return sorted(views.values(), key=lambda v: (v.variant != "bug", order.get(v.lens, 99), v.profile))


def view_from_record(rec, case: Case | None = None) -> RunView:
    """A run record as a RunView; the case folder's path is written `<case>/`, as in the snapshots.
    A run that did not run here is a view with status "skipped", or "replayed" (its snapshot's contents)."""
    if rec.replayed:
        snap = parse_snapshot(rec.replay)
        return RunView(rec.variant, rec.lens, rec.profile, snap.observation(), snap.stderr, snap.stdout,
                       "replayed", rec.replayed["machine_key"])  # fmt: skip
    if rec.skipped:
        return RunView(rec.variant, rec.lens, rec.profile, {}, status="skipped", note=str(rec.skipped))
    err = rec.stderr + ("\n" + rec.stacks if rec.stacks else "")
    out = rec.stdout
    if case is not None:
        err, out = (t.replace(f"{case.path}/", "<case>/") for t in (err, out))
    return RunView(rec.variant, rec.lens, rec.profile, dict(rec.observed), err, out)


def pictures_for(case: Case, views: list[RunView]) -> list[Picture]:
    """Every picture the observed runs support, most telling first; `catches` always comes last (it also
    shows the runs that did not run here: skipped, replayed)."""
    out: list[Picture] = []
    bug = [v for v in views if v.variant == "bug" and v.status == "ran"]
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

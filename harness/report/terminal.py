"""Report stage: a rich table for people, JSON for programs.

Colour follows the terminal: NO_COLOR or a non-terminal stdout gives plain text. So do box borders:
with --plain (CRASHCOURSE_PLAIN=1), NO_COLOR, TERM=dumb, or output that is not a terminal, a panel is
printed as its title line, its body as it is (a tool's report line for line: it pastes straight into
`crashcourse diagnose`) and its subtitle line; a table loses its vertical rules; Markdown is its source.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from harness.corpus.manifest import NEUTRAL_CHECKS
from harness.pipeline.record import RunRecord, describe, describe_expected, to_json  # noqa: F401 (to_json: the JSON form, beside the table)
from harness.report import PLAIN_ENV

ICON_OK, ICON_FAIL, ICON_SKIP = "✔", "✘", "–"
ICON_PARTIAL = "◐"  # ok on the compiler-neutral checks only (the expectation was observed under another compiler)
ICON_REPLAY = "⟲"  # not run here (a tool is missing): its blessed output shown instead (--replay)


def plain_wanted(con: Console) -> bool:
    """Print without box borders? --plain, NO_COLOR, TERM=dumb, or a console that is not a terminal."""
    env = os.environ
    return bool(env.get(PLAIN_ENV, "") not in ("", "0") or env.get("NO_COLOR") or env.get("TERM") == "dumb" or not con.is_terminal)


class RoomConsole(Console):
    """A rich console that, when `plain`, prints no box borders (see the module's docstring)."""

    plain = False

    def print(self, *objects, **kw) -> None:
        if not self.plain or not any(isinstance(o, (Panel, Group, Table)) or _markdown(o) for o in objects):
            return super().print(*objects, **kw)
        for obj in objects:  # each on lines of its own, as a panel, a table or a group is anyway
            self._plain(obj, kw)

    def _plain(self, obj, kw) -> None:
        if isinstance(obj, Group):
            for part in obj.renderables:
                self._plain(part, kw)
        elif isinstance(obj, Panel):
            for part, rule in ((obj.title, True), (obj.renderable, False), (obj.subtitle, True)):
                if isinstance(part, str):
                    part = Text.from_markup(part)
                if rule and part:
                    super().print(Text("── ") + part + Text(" ──"), style="bold")
                elif part:  # the body as written: no wrapping, no cropping, so a report's lines stay whole
                    self._plain(part, {"soft_wrap": True})
        elif isinstance(obj, Table) and obj.box is not None and obj.box.head_vertical.strip():
            obj.box = box.SIMPLE_HEAD  # a rule under the header, and no vertical rules
            super().print(obj, **kw)
        elif _markdown(obj):
            super().print(Text(obj.markup), **kw)
        else:
            super().print(obj, **kw)


def _markdown(obj) -> bool:
    md = sys.modules.get("rich.markdown")  # (not imported for this: only who prints Markdown has it)
    return md is not None and isinstance(obj, md.Markdown)


def console(stderr: bool = False) -> Console:
    con = RoomConsole(stderr=stderr, highlight=False, soft_wrap=False)
    if not con.is_terminal and "COLUMNS" not in os.environ:
        con.width = 140  # a log or a pipe: wide enough that the table does not wrap every cell
    con.plain = plain_wanted(con)
    return con


LIST_TABLE_MIN = 150  # narrower than this, `crashcourse list` prints one block per case instead of a table


def case_list(cases, width: int):
    """`crashcourse list` for people: a table where it fits, one block per case where it does not (80
    columns); the other columns wrap, a case id is never cut."""
    import textwrap

    id_w = max((len(c.id) for c in cases), default=2)
    if width >= LIST_TABLE_MIN:
        t = Table(title=f"{len(cases)} cases", title_justify="left", expand=True)
        t.add_column("id", no_wrap=True, min_width=id_w, style="bold")
        t.add_column("language", no_wrap=True)
        t.add_column("lenses", ratio=2)
        t.add_column("tags", ratio=2)
        t.add_column("what it shows", ratio=5)
        for c in cases:
            t.add_row(escape(c.id), c.language, ", ".join(c.lenses), ", ".join(c.tags), escape(c.summary))
        return t
    out = [Text(f"{len(cases)} cases", style="italic"), Text()]
    for c in cases:
        line = Text(c.id, style="bold")
        what = f"{c.language} · {', '.join(c.lenses)}"
        if id_w + 2 + len(what) <= width:
            line.append(" " * (id_w + 2 - len(c.id)) + what)
        else:
            line.append("\n" + "\n".join(textwrap.wrap(what, width - 4, initial_indent="    ", subsequent_indent="    ")))
        out.append(line)
        out += [Text(row) for row in textwrap.wrap(c.summary, width - 4, initial_indent="    ", subsequent_indent="    ")]
        out += [Text(row, style="dim") for row in textwrap.wrap("tags: " + ", ".join(c.tags), width - 4,
                                                                 initial_indent="    ", subsequent_indent="          ")]  # fmt: skip
    return Group(*out)


def _folded(records: list[RunRecord]) -> list[tuple[RunRecord, list[RunRecord]]]:
    """With --repeat: the repeats of one run whose outcome reads the same folded into one row (first, all)."""
    groups: dict[tuple, list[RunRecord]] = {}
    for r in records:
        key = (r.case, r.variant, r.lens, r.profile, r.status, str(r.skipped) if r.skipped else describe(r.observed))
        groups.setdefault(key, []).append(r)
    return [(rs[0], rs) for rs in groups.values()]


def table(records: Iterable[RunRecord], title: str = "crashcourse") -> Table:
    records = list(records)
    repeated = any(r.repeat for r in records)
    t = Table(title=title, box=box.SIMPLE_HEAD, show_lines=False, title_justify="left")
    t.add_column("case", style="bold")
    t.add_column("variant")
    t.add_column("lens")
    if repeated:
        t.add_column("runs", justify="right")  # ×N identical repeats, or #i for one that differed
    t.add_column("expected")
    t.add_column("observed")
    t.add_column("", justify="center")
    t.add_column("time", justify="right")
    last_case = None
    for r, group in _folded(records):
        case_cell = r.case if r.case != last_case else ""
        if last_case is not None and r.case != last_case:
            t.add_section()
        last_case = r.case
        if r.replayed:
            icon = Text(ICON_REPLAY, style="cyan")
            observed = Text(replay_heading(r) + ": " + (r.replayed["observed"] or "?"), style="cyan")
        elif r.skipped:
            icon = Text(ICON_SKIP, style="yellow")
            observed = Text("skipped: " + str(r.skipped), style="yellow")
        elif r.partial:
            icon = Text(ICON_PARTIAL, style="green")
            observed = Text(describe(r.observed))
            observed.append(f"  [{partial_note(r)}]", style="dim")
        elif r.ok:
            icon = Text(ICON_OK, style="green")
            observed = Text(describe(r.observed))
        else:
            icon = Text(ICON_FAIL, style="bold red")
            observed = Text(describe(r.observed), style="red")
        lens = r.lens + (f"@{r.profile}" if r.profile not in ("O0", "cpython", "luajit", "asan", "tsan", "analyzer") else "")
        variant = Text(r.variant, style="magenta" if r.variant == "bug" else "cyan")
        times = sorted(g.duration_s for g in group)
        when = f"{times[0]:.2f}s" if len(times) == 1 else f"{times[0]:.2f}–{times[-1]:.2f}s"
        row = [escape(case_cell), variant, lens]
        if repeated:
            row.append(f"×{len(group)}" if len(group) > 1 else f"#{r.repeat + 1}")
        t.add_row(*row, escape(describe_expected(r.expected)), observed, icon, when)
    return t


def partial_note(rec: RunRecord) -> str:
    """The table's few words for a partial run: which fields were checked, and under which compiler the
    expectation was observed."""
    checked = [k for k in NEUTRAL_CHECKS if k in rec.expected]
    return f"checked: {', '.join(checked)} only; observed under {rec.expected.get('when', {}).get('compiler', '?')}"


def replay_heading(rec: RunRecord) -> str:
    return f"recorded on {rec.replayed['machine_key']}, not run here" if rec.replayed else ""


def replays(records: list[RunRecord]) -> list[str]:
    """The blessed output of every replayed run, each headed by where it was recorded and why it did not run."""
    out = []
    for r in records:
        if not r.replayed or r.repeat:
            continue
        out.append(f"⟲ {r.id}: {replay_heading(r)} ({r.skipped})")
        out.append(f"  {r.replayed['snapshot']}")
        out += ["  " + ln for ln in r.replay.rstrip("\n").splitlines()]
        out.append("")
    return out


def output_lines(rec: RunRecord) -> list[str]:
    """A run's output for people: the child's stdout and stderr in the order it wrote them (a `--- stdout
    ---` line before each part), then what the lens added; where the order is not known in full, a line
    saying which stream began."""
    texts = {"stdout": rec.stdout, "stderr": rec.stderr}
    lines: list[str] = []
    if rec.order is not None:
        pos = {"stdout": 0, "stderr": 0}
        for name, n, together in rec.order:
            part = texts[name][pos[name] : pos[name] + n]
            pos[name] += n
            other = "stderr" if name == "stdout" else "stdout"
            lines.append(f"--- {name} (read together with the {other} above: their lines may have interleaved) ---"
                         if together else f"--- {name} ---")  # fmt: skip
            lines += part.rstrip("\n").split("\n")
        added = (texts["stdout"][pos["stdout"] :] + texts["stderr"][pos["stderr"] :]).strip("\n")
        if added:
            lines += ["--- added by the lens ---", *added.split("\n")]
        return lines
    parts = [(name, texts[name].strip("\n")) for name in ("stderr", "stdout")]
    if rec.first == "stdout":
        parts.reverse()
    parts = [(name, text) for name, text in parts if text]
    if len(parts) == 2 or rec.first:
        if rec.first and len(parts) == 2:
            lines.append(f"({rec.first} began first; how the two interleaved after that is not known: the output was cut)")
        for name, text in parts:
            lines += [f"--- {name} ---", *text.split("\n")]
        return lines
    return parts[0][1].split("\n") if parts else []


def failures(records: list[RunRecord]) -> list[str]:
    """What differed, field by field, for every failed run (printed under the table)."""
    out = []
    for r in records:
        if r.ok or r.skipped:
            continue
        out.append(f"✘ {r.id}" + (f" (repeat {r.repeat})" if r.repeat else ""))
        out += [f"    {m}" for m in r.mismatches]
        if r.observed.get("message"):
            out.append(f"    message: {r.observed['message']}")
    return out


def summary_line(records: list[RunRecord]) -> str:
    """'N passed, N failed, N skipped', then the partial and replayed runs when there are any: a partial
    run is not counted as passed, a replayed one not as passed nor skipped."""
    n = {s: 0 for s in ("passed", "failed", "skipped", "partial", "replayed")}
    for r in records:
        n[r.status] += 1
    line = f"{n['passed']} passed, {n['failed']} failed, {n['skipped']} skipped"
    if n["partial"]:
        line += f", {n['partial']} partial (ok on the compiler-neutral checks only: observed under another compiler)"
    if n["replayed"]:
        line += f", {n['replayed']} replayed (not run here: recorded output shown)"
    return line

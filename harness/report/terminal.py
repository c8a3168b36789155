"""Report stage: a rich table for people, JSON for programs.

Colour follows the terminal: NO_COLOR or a non-terminal stdout gives plain text.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from harness.corpus.manifest import NEUTRAL_CHECKS
from harness.pipeline.record import RunRecord, describe, describe_expected, to_json  # noqa: F401 (to_json: the JSON form, beside the table)

ICON_OK, ICON_FAIL, ICON_SKIP = "✔", "✘", "–"
ICON_PARTIAL = "◐"  # ok on the compiler-neutral checks only (the expectation was observed under another compiler)
ICON_REPLAY = "⟲"  # not run here (a tool is missing): its blessed output shown instead (--replay)


def console(stderr: bool = False) -> Console:
    con = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not con.is_terminal and "COLUMNS" not in __import__("os").environ:
        con.width = 140  # a log or a pipe: wide enough that the table does not wrap every cell
    return con


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

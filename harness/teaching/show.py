"""`crashcourse show ID`: the story, the code and the expectations, rendered for a terminal."""

from __future__ import annotations

from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table

from harness.corpus.manifest import Case
from harness.pipeline.record import describe_expected
from harness.report.terminal import console

LEXERS = {"c": "c", "cpp": "cpp", "lua": "lua", "python": "python"}


def show_no_spoilers(case: Case) -> None:
    """What a participant may see before solving it: the neutral title, the symptom, the lenses and the
    bug's code stripped of its answers. No story, summary, tags, incident, fix, diff, expectation or explain text."""
    from harness.corpus.catalog import LENS_INFO
    from harness.corpus.strip import strip_file

    con = console()
    ex = case.exercise
    title = ex.title if ex else f"Exercise {case.id}"
    symptom = ex.symptom.strip() if ex else "(no symptom written for this exercise yet)"
    con.print(Panel(f"[bold]{escape(title)}[/bold]\n{escape(symptom)}\n\n[dim]{case.language} · lenses: {', '.join(case.lenses)}[/dim]",
                    title="exercise"))  # fmt: skip
    src = case.source("bug")
    text = strip_file(src)
    first = len(text) - len(text.lstrip("\n"))  # the header comment leaves blank lines: start at the code
    con.print(Panel(Syntax(text[first:], LEXERS[case.language], line_numbers=True, start_line=first + 1, theme="ansi_dark"),
                    title=f"main{src.suffix} (comments removed)"))  # fmt: skip
    for lens in case.lenses:
        con.print(f"[bold]{lens}[/bold]: {escape(LENS_INFO[lens].description)}")
    con.print(f"[dim]Try it yourself: crashcourse exercise start {case.id}[/dim]")


class _Sections:
    """The console, printing only while show is in the wanted section (all of them when none is named)."""

    def __init__(self, con, wanted: str | None):
        self.con, self.wanted, self.now = con, wanted, ""

    def at(self, section: str) -> bool:
        self.now = section
        return self.wanted in (None, section)

    def print(self, *objects, **kw) -> None:
        if self.wanted in (None, self.now):
            self.con.print(*objects, **kw)

    def __getattr__(self, name):  # the rest of the console (width, input, ...)
        return getattr(self.con, name)


def show(case: Case, section: str | None = None) -> None:
    """Every section of SHOW_SECTIONS in order, or only the one named."""
    con = _Sections(console(), section)
    con.at("summary")
    con.print(Panel(f"[bold]{case.title}[/bold]\n{case.summary}\n\n"
                    f"[dim]{case.language} · lenses: {', '.join(case.lenses)} · tags: {', '.join(case.tags)}\n"
                    f"incident: {case.incident.get('title', '')} <{case.incident.get('url', '')}>[/dim]",
                    title=case.id))  # fmt: skip
    readme = case.path / "README.md"
    if con.at("story") and readme.exists():
        con.print(Markdown(readme.read_text(encoding="utf-8")))
    for variant in ("bug", "fixed"):
        con.at("code" if variant == "bug" else "fix")
        src = case.source(variant)
        bug_lines = {
            i + 1 for i, line in enumerate(src.read_text(encoding="utf-8").splitlines()) if "BUG:" in line or "FIX:" in line
        }
        con.print(Panel(Syntax(src.read_text(encoding="utf-8"), LEXERS[case.language], line_numbers=True,
                               highlight_lines=bug_lines, theme="ansi_dark"),
                        title=f"{variant}: {src.name}"))  # fmt: skip
    con.at("expectations")
    t = Table(title="expectations (observed on the machines named)", title_justify="left")
    for col in ("variant", "lens", "profile", "expected", "when", "note"):
        t.add_column(col)
    for e in case.expectations:
        when = ", ".join(f"{k}={v}" for k, v in e.when.items())
        t.add_row(e.variant, e.lens, e.profile or "all", describe_expected(e.checks), when, e.note)
    t.add_row("fixed", "every lens", "all", "clean, unless listed above", "", "the twin")
    con.print(t)
    con.at("explain")
    for lens, text in case.explain.items():
        con.print(f"[bold]{lens}[/bold]: {text}")
    if not con.at("pictures"):
        return
    from harness.pipeline.snapshots import stored
    from harness.teaching.pictures import pictures_for, render_terminal, views_from_snapshots, why_no_picture

    pics = pictures_for(case, views_from_snapshots(case, stored(case.path)))
    con.print("[bold]The picture[/bold] (drawn from the blessed snapshots; `crashcourse run --explain` draws it from a fresh run)")
    why = why_no_picture(case, pics)
    if why:
        con.print(why, style="dim")
    con.print(render_terminal(pics))

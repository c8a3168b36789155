"""The `crashcourse exercise ...` commands: what each prints, and its exit status (cli.py parses and calls these).

Nothing printed here names the case's diagnosis, its explain texts or its expected kinds: a
participant sees their own program's output, the lens's general description, and check's findings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from harness.corpus.manifest import HINT_LEVELS, Case, load_case
from harness.corpus.paths import cases_dir
from harness.errors import UsageError
from harness.teaching.exercises import progress
from harness.teaching.exercises.check import NATURAL_REPEATS, Verdict, check, plan
from harness.teaching.exercises.workspace import TASK, Workspace, default_dir, exercise_title, find, start


def shipped_case(case_id: str) -> Case:
    folder = cases_dir() / case_id
    if not (folder / "case.toml").is_file():
        from harness.corpus import discover

        discover.select(discover.load_all(), [case_id])  # the one-line 'unknown case ... did you mean' error
    return load_case(folder)


def _say(con, text: str = "", style: str | None = None) -> None:
    con.print(text, style=style, markup=False, highlight=False)


def cmd_start(args, con) -> int:
    case = shipped_case(args.case)
    dest = Path(args.dir) if args.dir else default_dir(case.id)
    ws, again = start(case, dest, args.force)
    _say(con, f"{'wrote a fresh copy of' if again else 'started'} '{exercise_title(case)}' in {dest}")
    for name in sorted(ws.written):
        _say(con, f"  {dest / name}")
    _say(con, f"  {dest / TASK}   <- read this first")
    _say(con, "")
    where = "" if Path(dest).resolve() == Path.cwd().resolve() else f" {dest}"
    _say(con, f"next: crashcourse exercise run{where}")
    _say(con, f"then edit, and: crashcourse exercise check{where}")
    return 0


def _known_lenses(lenses: list[str] | None, shipped: Case, command: str) -> None:
    for lens in lenses or []:
        if lens not in shipped.lenses:
            raise UsageError(f"crashcourse exercise {command}: this exercise has no lens '{lens}' (its lenses: {', '.join(shipped.lenses)})")


def cmd_run(args, con) -> int:
    """Each lens's run of the participant's code: its output and what that lens is for; no verdict."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    from harness.corpus.catalog import LENS_INFO
    from harness.pipeline import execute as pipeline
    from harness.pipeline.record import describe

    ws = find(args.dir)
    shipped = shipped_case(ws.case)
    _known_lenses(args.lens, shipped, "run")
    runs = [p for p in plan(ws, shipped, args.lens, natural=0)]
    for p in runs:
        if p.skip:
            _say(con, f"{p.spec.lens}@{p.spec.profile}: skipped ({p.skip})", "yellow")
            continue
        [rec] = pipeline.run_all([p.spec], jobs=1)
        if rec.skipped:
            _say(con, f"{rec.lens}@{rec.profile}: skipped ({rec.skipped})", "yellow")
            continue
        lines = (rec.stderr.strip() + ("\n" + rec.stdout.strip() if rec.stdout.strip() else "")).splitlines()
        if len(lines) > 60:
            lines = lines[:40] + [f"[... {len(lines) - 55} lines ...]"] + lines[-15:]
        body = Text("\n".join(lines) or "(no output)")
        title = f"{rec.lens}@{rec.profile}"
        con.print(Panel(body, title=escape(title), subtitle=escape("observed: " + describe(rec.observed)),
                        title_align="left", subtitle_align="left"))  # fmt: skip
        con.print(Text("this lens: ", style="bold") + Text(LENS_INFO[rec.lens].description))
        for w in rec.observed.get("build_warnings") or []:
            con.print(Text("compiler warning: ", style="bold yellow") + Text(f"{w['file']}:{w['line']}: {w['message']} [{w['option']}]"))
        _say(con)
    ws.runs += 1
    ws.save()
    _say(con, "when you think it is fixed: crashcourse exercise check" + (f" {args.dir}" if args.dir else ""))
    return 0


def print_verdict(v: Verdict, con) -> None:
    from harness.report.terminal import ICON_FAIL, ICON_OK

    seen: set[str] = set()
    for rec in v.records:
        run = f"{rec.lens}@{rec.profile}" + (" natural" if rec.expected.get("note", "").startswith("natural") else "")
        if run in seen:
            continue
        seen.add(run)
        ok = all(r.ok for r in v.records if f"{r.lens}@{r.profile}" + (" natural" if r.expected.get("note", "").startswith("natural") else "") == run)
        _say(con, f"  {ICON_OK if ok else ICON_FAIL} {run}", None if ok else "red")
    for run, why in v.skipped:
        _say(con, f"  – {run}: not checked here: {why}", "yellow")
    for f in v.findings:
        _say(con, f"  {f.text}", "red")
    if v.passed:
        _say(con, f"FIXED: every lens sees a correct program ({v.checked} runs).", "bold green")
    elif v.checked == 0:
        _say(con, "NOT CHECKED: no lens could run here (see above).", "bold yellow")
    else:
        bad = sum(1 for r in v.records if not r.ok)
        _say(con, f"NOT YET: {bad} of {v.checked} runs still show a problem; 'crashcourse exercise hint' if you are stuck.", "bold red")


def cmd_check(args, con) -> int:
    ws = find(args.dir)
    shipped = shipped_case(ws.case)
    _known_lenses(args.lens, shipped, "check")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"crashcourse exercise check: -j must be at least 1 (got {args.jobs})")
    jobs = args.jobs or os.cpu_count() or 1
    natural = NATURAL_REPEATS if args.natural is None else args.natural
    if natural < 0:
        raise UsageError("crashcourse exercise check: --natural must be 0 or more")

    def once() -> int:
        v = check(Workspace.load(ws.path), shipped, jobs, args.lens, natural)
        if args.json:
            print(json.dumps(v.as_json(), indent=2))
        else:
            print_verdict(v, con)
        return 0 if v.passed else 1

    if not args.watch:
        return once()
    from watchfiles import DefaultFilter, watch

    class CodeOnly(DefaultFilter):
        def __call__(self, change, path: str) -> bool:
            return super().__call__(change, path) and Path(path).suffix in (".c", ".h", ".cpp", ".cc", ".hpp", ".py", ".lua")

    status, ready = once(), False
    # yield_on_timeout: the first empty yield says the watcher is up, so "watching" is true when printed
    for changes in watch(ws.path, watch_filter=CodeOnly(), debounce=300, step=50, recursive=False,
                         yield_on_timeout=True, rust_timeout=200):  # fmt: skip
        if not changes:
            if not ready:
                _say(con, f"watching {ws.path} (Ctrl-C to stop)", "dim")
                ready = True
            continue
        _say(con, "")
        _say(con, "change seen: checking again", "dim")
        status = once()
    return status


def cmd_hint(args, con) -> int:
    ws = find(args.dir)
    shipped = shipped_case(ws.case)
    if shipped.exercise is None:
        raise UsageError(f"crashcourse exercise hint: no hints are written for this exercise yet (cases/{ws.case}/case.toml has no [exercise])")
    hints = shipped.exercise.hints
    todo = [lvl for lvl in HINT_LEVELS if lvl not in ws.hints]
    if not todo:
        _say(con, "No more hints: all four are below.", "bold")
        for i, lvl in enumerate(HINT_LEVELS, 1):
            _say(con, f"hint {i} of {len(HINT_LEVELS)} ({lvl}): {hints[lvl]}")
        return 0
    level = todo[0]
    ws.hints.append(level)
    ws.save()
    n = HINT_LEVELS.index(level) + 1
    _say(con, f"hint {n} of {len(HINT_LEVELS)} ({level}): {hints[level]}")
    if n < len(HINT_LEVELS):
        _say(con, f"(the next one, '{HINT_LEVELS[n]}', gives more away)", "dim")
    return 0


def cmd_status(args, con) -> int:
    target = Path(args.dir) if args.dir else None
    report = progress.status(target)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for line in progress.status_lines(report):
        _say(con, line)
    return 0


def cmd_list(args, con) -> int:
    report = progress.track_report(args.track, args.tracks, args.folder)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for line in progress.track_lines(report):
        _say(con, line)
    return 0

"""The `crashcourse` command: list, show, run. Its JSON shapes are the corpus's public interface.

Exit status: 0 every run matched its expectation; 1 some run did not; 2 bad input (unknown case or
lens, malformed manifest, missing tool), with one line on stderr saying what to do; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from harness.corpus import discover
from harness.corpus.catalog import lens_info
from harness.corpus.manifest import VARIANTS, Case
from harness.errors import UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, like every other bad input
        raise UsageError(f"crashcourse: {message} (see 'crashcourse --help')")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="crashcourse", description="Reproducible crash and concurrency bugs, each with its fixed twin.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ls = sub.add_parser("list", help="the cases")
    ls.add_argument("--json", action="store_true", help="one JSON object per case")
    _filters(ls)

    show = sub.add_parser("show", help="a case's story, code and expectations")
    show.add_argument("id")
    show.add_argument("--no-spoilers", action="store_true", help="no story, fix, diff, expectations or explain texts: for participants")

    run = sub.add_parser("run", help="run cases under their lenses and compare with expectations")
    run.add_argument("ids", nargs="*", help="case ids or globs (default: all)")
    run.add_argument("--lens", action="append", help="only this lens (repeatable)")
    run.add_argument("--variant", choices=VARIANTS, help="only the bug or only the fixed twin")
    run.add_argument("--repeat", type=int, default=1, metavar="N", help="run each N times")
    run.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="children at once (default: CPU count)")
    run.add_argument("--json", action="store_true", help="print one JSON array of run records on stdout")
    run.add_argument("--output", action="store_true", help="with --json: include each run's stdout, stderr and argv")
    run.add_argument("--strict", action="store_true", help="a skipped run, or a snapshot that drifted, counts as a failure")
    run.add_argument("--bless", action="store_true", help="store each run's normalized output as its snapshot")
    run.add_argument("--explain", action="store_true", help="print each run's output beside what to look at in it")
    run.add_argument("--natural", action="store_true", help="race/deadlock cases without their forcing (CRASHCOURSE_NATURAL=1): "
                     "report the hit rate over --repeat N, never fail; with --bless store it in cases/<id>/natural.json")
    _filters(run)

    diag = sub.add_parser("diagnose", help="read a pasted crash or sanitizer report: its kind, and the cases that teach it")
    diag.add_argument("file", help="the report's file, or - for stdin")
    diag.add_argument("--json", action="store_true", help="print {observed, cases} as JSON (observed: the run record's fields)")

    quiz = sub.add_parser("quiz", help="predict each bug's outcome, then see it run")
    quiz.add_argument("ids", nargs="*", help="case ids or globs (default: all)")
    quiz.add_argument("--lens", action="append", help="only this lens (default: every lens of each case)")
    quiz.add_argument("--answers", help="predictions from a JSON/TOML file instead of the keyboard (or pipe one per line)")
    quiz.add_argument("--dir", help="the exercises folder whose progress keeps the score (default: ./crashcourse-exercises)")
    _filters(quiz)

    _exercise_parser(sub)

    truth = sub.add_parser("truth", help="the ground truth: every case's flaw, and which lens catches it")
    truth.add_argument("ids", nargs="*", help="case ids or globs (default: all)")
    truth.add_argument("--format", choices=["json", "sarif"], default="json", help="json (default) or SARIF 2.1.0")
    truth.add_argument("--class", dest="flaw_class", action="append", help="only flaws of this class (glob)")
    truth.add_argument("--cwe", action="append", type=int, help="only flaws with this CWE id (or an equivalent)")
    _filters(truth)

    score = sub.add_parser("score", help="score analyzers against the ground truth (TP/FP/FN/TN, precision, recall)")
    score.add_argument("ids", nargs="*", help="case ids or globs (default: all)")
    score.add_argument("--analyzer", action="append", required=True, metavar="NAME",
                       help="a built-in (gcc-fanalyzer, cppcheck, clang-analyzer, ruff-async, mypy-coroutine), a lens "
                            "(asan, valgrind, tsan, ...), an entry point of group crashcourse.analyzers, or "
                            "NAME='command {source}' (repeatable)")
    score.add_argument("--tolerance", type=int, default=0, metavar="N", help="a finding within N lines of a flaw line matches (default 0)")
    score.add_argument("--json", action="store_true", help="print the whole scoreboard as JSON")
    score.add_argument("--sarif-out", metavar="DIR", help="write each analyzer's findings as DIR/<analyzer>.sarif")
    score.add_argument("--bless", action="store_true",
                       help="merge this run into docs/scoreboard/<machine key>.json, the site's scoreboard")
    score.add_argument("--class", dest="flaw_class", action="append", help="only flaws of this class (glob)")
    score.add_argument("--cwe", action="append", type=int, help="only flaws with this CWE id (or an equivalent)")
    score.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="children at once for the lenses (default: CPU count)")
    _filters(score)
    return p


def _exercise_parser(sub) -> None:
    ex = sub.add_parser("exercise", help="workshops: get a bug without its answers, fix it, check the fix under every lens")
    acts = ex.add_subparsers(dest="action", required=True, parser_class=_Parser)
    start = acts.add_parser("start", help="write the participant's copy of a case (stripped bug, TASK.md)")
    start.add_argument("case")
    start.add_argument("--dir", help="where (default: ./crashcourse-exercises/CASE)")
    start.add_argument("--force", action="store_true", help="write a fresh copy over an edited one")
    run = acts.add_parser("run", help="run your code under the case's lenses and show what each tool prints")
    run.add_argument("dir", nargs="?", help="the workspace (default: the current folder)")
    run.add_argument("--lens", action="append", help="only this lens (repeatable)")
    check = acts.add_parser("check", help="the verdict: exit 0 when every lens sees a correct program, else 1")
    check.add_argument("dir", nargs="?", help="the workspace (default: the current folder)")
    check.add_argument("--lens", action="append", help="only this lens (repeatable)")
    check.add_argument("--watch", action="store_true", help="check again on every save (Ctrl-C stops)")
    check.add_argument("--natural", type=int, default=None, metavar="N", help="natural-timing runs of a forced concurrency case (default 3)")
    check.add_argument("--json", action="store_true", help="the verdict as JSON")
    check.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="children at once (default: CPU count)")
    hint = acts.add_parser("hint", help="reveal the next hint: symptom, lens, where, fix")
    hint.add_argument("dir", nargs="?", help="the workspace (default: the current folder)")
    status = acts.add_parser("status", help="progress: one workspace, or every workspace of a folder")
    status.add_argument("dir", nargs="?", help="a workspace or a folder of them (default: here, or ./crashcourse-exercises)")
    status.add_argument("--json", action="store_true", help="for a trainer to collect")
    ls = acts.add_parser("list", help="a track's path through the cases, with your progress")
    ls.add_argument("--track", help="only this track (default: every track)")
    ls.add_argument("--tracks", metavar="FILE", help="a trainer's tracks file (default: cases/tracks.toml)")
    ls.add_argument("--dir", dest="folder", help="the exercises folder (default: ./crashcourse-exercises)")
    ls.add_argument("--json", action="store_true")


def cmd_exercise(args) -> int:
    from harness.report.terminal import console
    from harness.teaching.exercises import commands

    return getattr(commands, f"cmd_{args.action}")(args, console())


def run_flags() -> set[str]:
    """The options `crashcourse run` accepts (the site's "Try it yourself" shows only these)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {s for a in sub.choices["run"]._actions for s in a.option_strings}


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tag", action="append", help="cases with this tag (glob; repeatable)")
    p.add_argument("--language", action="append", choices=["c", "cpp", "lua", "python"])
    p.add_argument("--signal", action="append", help="cases whose bug shows this signal (e.g. SIGSEGV)")
    p.add_argument("--kind", action="append", help="cases whose bug is diagnosed as this kind (glob: 'heap-*')")
    p.add_argument("--track", help="the cases of this track, in its order (cases/tracks.toml, or --tracks FILE)")
    p.add_argument("--tracks", metavar="FILE", help="with --track: a trainer's own tracks file")
    p.add_argument("--cc", metavar="COMPILER", help="build with this C compiler, e.g. clang-16 (default: $CRASHCOURSE_CC, "
                   "$CC, gcc; C++ uses the matching clang++-16 / g++); part of the machine key")  # fmt: skip


def _select_compiler(cc: str | None) -> None:
    """--cc: the compiler for this command (it becomes $CRASHCOURSE_CC, so children of the harness agree)."""
    import shutil

    from harness.corpus import machine

    if cc is None:
        return
    if shutil.which(cc) is None or machine._compiler_name(cc) == "none":
        hint = f"apt-get install -y {cc}" + (f" libclang-rt-{cc.rsplit('-', 1)[1]}-dev" if "clang-" in cc else "")
        raise UsageError(f"crashcourse: --cc {cc}: no such compiler on PATH; install it ({hint}) or pick another")
    os.environ[machine.CC_ENV] = cc


def _load(ids: list[str] | None) -> list[Case]:
    """The manifests a command needs: only the named cases when every id is a plain, existing case folder
    (a one-case run parses one manifest, not the corpus); else all of them (globs, filters, typos)."""
    from harness.corpus.manifest import load_case
    from harness.corpus.paths import CASES_DIR

    if ids and not any(ch in w for w in ids for ch in "*?[") and all((CASES_DIR / w / "case.toml").is_file() for w in ids):
        return [load_case(CASES_DIR / w) for w in dict.fromkeys(ids)]
    return discover.load_all()


def _select(args) -> list[Case]:
    import fnmatch

    for lens in getattr(args, "lens", None) or []:
        lens_info(lens)  # unknown lens: exit 2 before anything runs
    cases = discover.select(
        _load(getattr(args, "ids", None)), getattr(args, "ids", None), tags=args.tag, languages=args.language,
        lenses=getattr(args, "lens", None),
    )  # fmt: skip
    if args.signal:
        cases = [c for c in cases if any(e.variant == "bug" and e.checks.get("signal") in args.signal for e in c.expectations)]
    if args.kind:
        cases = [
            c for c in cases
            if any(e.variant == "bug" and any(fnmatch.fnmatchcase(e.checks.get("kind", ""), k) for k in args.kind) for e in c.expectations)
        ]  # fmt: skip
    if getattr(args, "track", None) or getattr(args, "tracks", None):
        from harness.corpus import tracks

        if not args.track:
            raise UsageError("crashcourse: --tracks FILE needs --track ID (which track of the file)")
        track = tracks.find_track(tracks.load_tracks(args.tracks and Path(args.tracks), [d.name for d in discover.case_dirs()]), args.track)
        order = {cid: i for i, cid in enumerate(track.ids)}
        cases = sorted((c for c in cases if c.id in order), key=lambda c: order[c.id])
    return cases


def cmd_list(args) -> int:
    cases = _select(args)
    if args.json:
        print(json.dumps([case_json(c) for c in cases], indent=2, ensure_ascii=False))
        return 0
    from rich.table import Table

    from harness.report.terminal import console

    t = Table(title=f"{len(cases)} cases", title_justify="left")
    for col in ("id", "language", "lenses", "tags", "what it shows"):
        t.add_column(col)
    for c in cases:
        t.add_row(c.id, c.language, ", ".join(c.lenses), ", ".join(c.tags), c.summary)
    console().print(t)
    return 0


def case_json(c: Case) -> dict:
    return {
        "id": c.id,
        "title": c.title,
        "summary": c.summary,
        "language": c.language,
        "tags": c.tags,
        "lenses": c.lenses,
        "profiles": {lens: c.profiles_for(lens) for lens in c.lenses},
        "incident": c.incident,
        "expect": [dict(e.as_dict(), variant=e.variant, lens=e.lens) for e in c.expectations],
    }


def cmd_show(args) -> int:
    from harness.teaching import show

    cases = discover.select(discover.load_all(), [args.id])
    (show.show_no_spoilers if args.no_spoilers else show.show)(cases[0])
    return 0


def cmd_run(args) -> int:
    import os

    from harness.pipeline import execute as pipeline
    from harness.report import terminal as report

    if args.repeat < 1:
        raise UsageError("crashcourse run: --repeat must be at least 1")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"crashcourse run: -j must be at least 1 (got {args.jobs})")
    cases = _select(args)
    if not cases:
        raise UsageError("crashcourse run: no case matches those filters; 'crashcourse list' shows them all")
    specs = [s for c in cases for s in c.runs(lenses=args.lens, variants=[args.variant] if args.variant else None)]
    jobs = args.jobs or os.cpu_count() or 1
    err = report.console(stderr=True)
    out = report.console()
    total = len(specs) * args.repeat

    if args.natural:
        from harness.pipeline import natural

        os.environ[natural.ENV] = "1"  # lenses pass it to every child (harness/lenses/base.py)
    if args.explain:
        return _run_explained(specs, args, out)
    if args.json or not out.is_terminal:
        records = pipeline.run_all(
            specs, jobs, args.repeat,
            on_built=lambda c, k: err.print(f"build: {c} compiled, {k} from cache", style="dim"),
        )  # fmt: skip
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=out, transient=True) as progress:  # fmt: skip
            task = progress.add_task("building", total=total)

            def built(c, k):
                progress.update(task, description="running")
                progress.console.print(f"[dim]build: {c} compiled, {k} from cache[/dim]")

            def done(rec):
                progress.advance(task)
                progress.update(task, description=f"running · last: {rec.id}")

            records = pipeline.run_all(specs, jobs, args.repeat, on_built=built, on_record=done)
    if args.natural:
        return _natural_report(records, cases, args, out, err)
    drifted = _snapshots(records, cases, args.bless, err)
    if args.json:
        print(report.to_json(records, args.output))
    else:
        out.print(report.table(records, title=f"crashcourse · {len(cases)} cases · {len(records)} runs"))
        for line in report.failures(records):
            out.print(line, style="red", markup=False, highlight=False)
        out.print(report.summary_line(records))
    failed = any(not r.ok and (not r.skipped or args.strict) for r in records)
    return 1 if failed or (args.strict and drifted) else 0


def _natural_report(records, cases, args, out, err) -> int:
    """Natural mode: hit rates and runs-to-first-failure; informational, so exit 0."""
    from harness.corpus import machine
    from harness.pipeline import natural
    from harness.report import terminal as report

    con = err if args.json else out
    if args.json:
        print(report.to_json(records, args.output))
    for line in natural.report_lines(records):
        con.print(line, markup=False, highlight=False)
    if args.bless:
        command = f"crashcourse run --natural --repeat {args.repeat} {' '.join(args.ids or [])}"
        for path in natural.store(records, cases, machine.machine_key(), command.strip()):
            con.print(f"stored {path}", style="dim")
    return 0


def _snapshots(records, cases, bless: bool, err) -> int:
    """Bless, or show a readable diff where a run's output drifted from its snapshot. Returns the drift count."""
    from harness.pipeline import snapshots

    by_id = {c.id: c for c in cases}
    drifted = 0
    for rec in records:
        if rec.repeat:
            continue
        case_dir = by_id[rec.case].path
        if bless:
            path = snapshots.bless(case_dir, rec, by_id[rec.case].language)
            if path:
                err.print(f"blessed {path}", style="dim", markup=False, highlight=False)
            continue
        diff = snapshots.drift(case_dir, rec, by_id[rec.case].language)
        if diff:
            drifted += 1
            err.print(f"snapshot drift: {rec.id} (review, then --bless if the change is right)", style="yellow", markup=False)
            err.print(diff, markup=False, highlight=False)
    return drifted


def _run_explained(specs, args, out) -> int:
    """One run at a time, in order: its output, what to look at, what was observed."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    from harness.pipeline import execute as pipeline
    from harness.report import terminal as report
    from harness.teaching.pictures import pictures_for, render_terminal, view_from_record

    failed = False
    views: list = []
    for i, spec in enumerate(specs):
        [rec] = pipeline.run_all([spec], jobs=1)
        if not rec.skipped:
            views.append(view_from_record(rec, spec.case))
        failed |= not rec.ok and not rec.skipped
        hint = spec.case.explain.get(spec.lens, "(no explanation written for this lens yet)")
        lines = (rec.stderr.strip() + ("\n" + rec.stdout.strip() if rec.stdout.strip() else "")).splitlines()
        if len(lines) > 40:
            lines = lines[:25] + [f"[... {len(lines) - 35} lines ...]"] + lines[-10:]
        body = Text("\n".join(lines) or "(no output)")
        verdict = "skipped: " + str(rec.skipped) if rec.skipped else ("✔ " if rec.ok else "✘ ") + report.describe(rec.observed)
        out.print(Panel(body, title=escape(rec.id), subtitle=escape(verdict), title_align="left", subtitle_align="left"))
        out.print(Text("look at: ", style="bold") + Text(hint))
        for w in rec.observed.get("build_warnings") or []:
            from harness.pipeline.snapshots import warning_line

            out.print(Text("compiler warning: ", style="bold yellow") + Text(warning_line(w)))
        for m in rec.mismatches:
            out.print(Text(f"  {m}", style="red"))
        out.print()
        if i + 1 == len(specs) or specs[i + 1].case is not spec.case:  # the case's last run: its picture
            out.print(Text(f"The picture of {spec.case.id}, drawn from these runs:", style="bold"))
            out.print(render_terminal(pictures_for(spec.case, views)))
            out.print()
            views = []
    return 1 if failed else 0


def cmd_diagnose(args) -> int:
    from harness.diagnose import paste

    return paste.run(args)


def cmd_quiz(args) -> int:
    from harness.pipeline import execute as pipeline
    from harness.report.terminal import console
    from harness.teaching import quiz
    from harness.teaching.exercises import progress, workspace

    cases = _select(args)
    if not cases:
        raise UsageError("crashcourse quiz: no case matches those filters")
    specs = [s for c in cases for s in c.runs(lenses=args.lens, variants=["bug"])]
    answers = quiz.load_answers(args.answers) if args.answers else None
    piped = answers is None and not sys.stdin.isatty()  # a classroom's file of answers, one line per question
    con = console()

    def ask(spec) -> str:
        if answers is not None:
            return answers.get(f"{spec.case.id}:{spec.lens}", answers.get(spec.case.id, ""))
        if piped:
            return sys.stdin.readline().strip()
        return con.input("    your prediction (a signal like SIGSEGV or abort, a kind like heap-buffer-overflow, hang, or clean): ")

    def execute(spec):
        return pipeline.run_all([spec], jobs=1)[0]

    _, _, record = quiz.run_quiz(specs, ask, execute, lambda s: con.print(s, markup=False, highlight=False),
                                 lambda spec: con.print(quiz.render_code(spec)))  # fmt: skip
    saved = progress.save_quiz(Path(args.dir or workspace.DEFAULT_FOLDER), record)
    con.print(f"score saved in {saved}", style="dim", markup=False, highlight=False)
    return 0


def _select_flaws(args) -> list[Case]:
    import fnmatch

    from harness.scoring.cwe import cwe_matches

    cases = _select(args)
    if args.flaw_class:
        cases = [c for c in cases if c.flaw and any(fnmatch.fnmatchcase(c.flaw.cls, k) for k in args.flaw_class)]
    if args.cwe:
        cases = [c for c in cases if c.flaw and any(cwe_matches(w, c.flaw.cwe) for w in args.cwe)]
    return cases


def cmd_truth(args) -> int:
    from harness.scoring import sarif, scoreboard

    cases = _select_flaws(args)
    doc = sarif.truth_sarif(cases) if args.format == "sarif" else scoreboard.corpus_truth(cases)
    print(json.dumps(doc, indent=2, ensure_ascii=False))
    return 0


def cmd_score(args) -> int:
    import os
    from pathlib import Path

    from harness.report import terminal as report
    from harness.scoring import analyzers, score, scoreboard

    if args.tolerance < 0:
        raise UsageError("crashcourse score: --tolerance must be 0 or more")
    chosen = analyzers.resolve(args.analyzer)  # unknown analyzer or missing command: exit 2 here
    cases = _select_flaws(args)
    if not cases:
        raise UsageError("crashcourse score: no case matches those filters; 'crashcourse list' shows them all")
    out_dir = Path(args.sarif_out) if args.sarif_out else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"crashcourse score: --sarif-out {out_dir} exists and is not a directory")
    err = report.console(stderr=True)
    board = score.run_scoring(
        chosen, cases, args.tolerance, args.jobs or os.cpu_count() or 1,
        on_analyzer=lambda a: err.print(f"scoring {a.name} over {len(cases)} cases ...", style="dim"),
    )  # fmt: skip
    if out_dir is not None:
        from harness.scoring import sarif

        out_dir.mkdir(parents=True, exist_ok=True)
        for name, entry in board["analyzers"].items():
            path = out_dir / f"{name.replace('/', '_')}.sarif"
            path.write_text(json.dumps(sarif.findings_sarif(name, score.as_findings_rows(entry, cases)), indent=2))
            err.print(f"wrote {path}", style="dim", markup=False, highlight=False)
    if args.bless:
        err.print(f"blessed {score.bless(board)}", style="dim", markup=False, highlight=False)
    if args.json:
        print(json.dumps(board, indent=2, ensure_ascii=False))
    else:
        out = report.console()
        for line in scoreboard.text_report(board):
            out.print(line, markup=False, highlight=False)
    return 0


class Stopped(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP: stop, kill every child, remove every temporary directory."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, frame):
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second signal must not cut the clean-up short
        signal.signal(s, signal.SIG_IGN)
    raise Stopped(signum)


def main(argv: list[str] | None = None) -> int:
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)
    try:
        args = build_parser().parse_args(argv)
        from harness.corpus import machine

        saved = os.environ.get(machine.CC_ENV)
        try:
            _select_compiler(getattr(args, "cc", None))
            return {"list": cmd_list, "show": cmd_show, "run": cmd_run, "quiz": cmd_quiz, "truth": cmd_truth,
                    "score": cmd_score, "diagnose": cmd_diagnose, "exercise": cmd_exercise}[args.command](args)
        finally:  # in-process callers (tests) get their environment back
            if saved is None:
                os.environ.pop(machine.CC_ENV, None)
            else:
                os.environ[machine.CC_ENV] = saved
    except UsageError as e:
        print(str(e).splitlines()[0] if str(e) else "crashcourse: bad input", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        from harness.execution.run import kill_everything

        signum = e.signum if isinstance(e, Stopped) else signal.SIGINT
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        kill_everything()
        name = signal.Signals(signum).name
        with __import__("contextlib").suppress(OSError):  # the terminal may be gone (SIGHUP)
            print(f"crashcourse: interrupted by {name}; every child was killed and its temporary directory removed", file=sys.stderr)
        return 128 + signum
    except BrokenPipeError:
        return 1

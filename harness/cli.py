"""The `crashcourse` command: list, show, run, score, export, ... Its JSON shapes are the corpus's public interface.

Exit status: 0 every run matched its expectation; 1 some run did not (`score`: some analyzer failed
on a unit, unless --allow-errors); 2 bad input (unknown case, lens or analyzer, a broken plug-in,
malformed manifest, missing tool), with one line on stderr saying what to do; 130 interrupted.
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
from harness.report import PLAIN_ENV
from harness.teaching import SHOW_SECTIONS


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, like every other bad input
        raise UsageError(f"crashcourse: {message} (see 'crashcourse --help')")


class _Unbuilt:
    """The parser of a command that is not being run: named in the help, its arguments never built (a
    one-run command does not pay for the options of the other eleven)."""

    def add_argument(self, *args, **kw) -> None:
        pass

    def add_subparsers(self, *args, **kw):
        return self

    def add_parser(self, *args, **kw):
        return self

    @property
    def choices(self) -> dict:
        return {}


COMMANDS = ("list", "show", "run", "prepare", "doctor", "diagnose", "quiz", "exercise", "truth", "score", "export")  # as built


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole CLI; with `only`, the arguments of that command alone (the one main() is about to run)."""
    p = _Parser(prog="crashcourse", description="Reproducible crash and concurrency bugs, each with its fixed twin.")
    _plain(p, default=False)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    real_add = sub.add_parser

    def add_parser(name: str, **kw):
        if only in COMMANDS and name != only:
            return _Unbuilt()  # never parsed: `only` is a command (an unknown word builds them all, for the error)
        parser = real_add(name, **kw)
        return parser if only in (None, name) else _Unbuilt()

    sub.add_parser = add_parser  # type: ignore[method-assign]

    ls = sub.add_parser("list", help="the cases")
    ls.add_argument("--json", action="store_true", help="one JSON object per case")
    _plain(ls)
    _filters(ls)

    show = sub.add_parser("show", help="a case's story, code and expectations")
    show.add_argument("id")
    show.add_argument("--section", metavar="NAME", help=f"only this section: {', '.join(SHOW_SECTIONS)}")
    show.add_argument("--no-spoilers", action="store_true", help="no story, fix, diff, expectations or explain texts: for participants")
    _plain(show)

    run = sub.add_parser("run", help="run cases under their lenses and compare with expectations")
    run.add_argument("ids", nargs="*", help="case ids or globs (default: all)")
    run.add_argument("--lens", action="append", help="only this lens (repeatable)")
    run.add_argument("--variant", choices=VARIANTS, help="only the bug or only the fixed twin")
    run.add_argument("--repeat", type=int, default=1, metavar="N", help="run each N times")
    run.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="children at once (default: CPU count)")
    run.add_argument("--json", action="store_true", help="print one JSON array of run records on stdout")
    run.add_argument("--output", action="store_true", help="with --json: include each run's stdout, stderr and argv")
    run.add_argument("--strict", action="store_true", help="a skipped, replayed or partial run (checked on the compiler-neutral "
                     "fields only), or a snapshot that drifted, counts as a failure")
    run.add_argument("--replay", action="store_true", help="where a lens cannot run here (its tool is missing), show its "
                     "blessed output instead, headed 'recorded on <machine key>, not run here' (never counted as passed)")
    run.add_argument("--bless", action="store_true", help="store each run's normalized output as its snapshot")
    run.add_argument("--explain", action="store_true", help="print each run's output beside what to look at in it")
    run.add_argument("--natural", action="store_true", help="race/deadlock cases without their forcing (CRASHCOURSE_NATURAL=1): "
                     "report the hit rate over --repeat N, never fail; with --bless store it in cases/<id>/natural.json")
    _plain(run)
    _filters(run)

    prep = sub.add_parser("prepare", help="build every artifact and fetch every source the runs need, into the cache: "
                          "afterwards they run offline")
    prep.add_argument("ids", nargs="*", help="case ids or globs (default: all)")
    prep.add_argument("--lens", action="append", help="only this lens (repeatable)")
    prep.add_argument("--variant", choices=VARIANTS, help="only the bug or only the fixed twin")
    prep.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="builds at once (default: CPU count)")
    prep.add_argument("--json", action="store_true", help="print what was built and fetched as JSON")
    _filters(prep)

    doc = sub.add_parser("doctor", help="pre-flight: compilers, tools, sanitizer runtimes (tried), system settings, "
                         "and which lenses and cases will run or skip here")
    doc.add_argument("--json", action="store_true", help="print the findings as JSON")
    doc.add_argument("--no-probe", action="store_true", help="do not build and run the sanitizer probes (only look for the runtimes)")
    doc.add_argument("--cc", metavar="COMPILER", help="check the runs as built by this compiler, e.g. clang-16 (as run --cc)")

    diag = sub.add_parser("diagnose", help="read a pasted crash or sanitizer report: its kind, and the cases that teach it")
    diag.add_argument("file", help="the report's file, or - for stdin")
    diag.add_argument("--json", action="store_true", help="print {observed, cases} as JSON (observed: the run record's fields)")

    quiz = sub.add_parser("quiz", help="predict each bug's outcome, then see it run")
    quiz.add_argument("ids", nargs="*", help="case ids or globs (default: all)")
    quiz.add_argument("--lens", action="append", help="only this lens (default: every lens of each case)")
    quiz.add_argument("--answers", help="predictions from a JSON/TOML file instead of the keyboard (or pipe one per line)")
    quiz.add_argument("--dir", help="the exercises folder whose progress keeps the score (default: ./crashcourse-exercises)")
    _plain(quiz)
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
    score.add_argument("--analyzer", action="append", metavar="NAME",
                       help="a built-in (gcc-fanalyzer, cppcheck, clang-analyzer, ruff-async, mypy-coroutine), a lens "
                            "(asan, valgrind, tsan, ...), an entry point of group crashcourse.analyzers, or "
                            "NAME[c,cpp]='command {source}' (repeatable)")
    score.add_argument("--sighted", action="store_true", help="give analyzers the case folders as they are (comments, BUG "
                       "markers, file names): the old, leaky view; the output says SIGHTED. Default: the blind view")
    score.add_argument("--seed", type=int, default=None, metavar="N", help="the blind view's unit numbering (default: a fixed seed)")
    score.add_argument("--sarif", action="extend", nargs="+", metavar="FILE", help="score SARIF an outside pipeline wrote "
                       "over 'crashcourse export --blind' (locations unit-NNNN/<file>); needs --key. One analyzer per tool "
                       "name in the files (the files of one tool are merged: one SARIF per unit is fine)")
    score.add_argument("--key", metavar="FILE", help="the key 'crashcourse export --blind' wrote (with --sarif)")
    score.add_argument("--ok-exit", default="0", metavar="N,N", help="command analyzers: exit statuses that are not an "
                       "error (default 0; linters exit 1 when they find something: --ok-exit 0,1)")
    score.add_argument("--min-level", choices=["none", "note", "warning", "error"], default=None,
                       help="SARIF results below this level are dropped (command analyzers and --sarif)")
    score.add_argument("--allow-errors", action="store_true", help="exit 0 even when an analyzer failed on some unit")
    score.add_argument("--tolerance", type=int, default=0, metavar="N", help="a finding within N lines of a flaw line matches (default 0)")
    score.add_argument("--json", action="store_true", help="print the whole scoreboard as JSON")
    score.add_argument("--sarif-out", metavar="DIR", help="write each analyzer's findings as DIR/<analyzer>.sarif")
    score.add_argument("--bless", action="store_true",
                       help="merge this run into docs/scoreboard/<machine key>.json, the site's scoreboard")
    score.add_argument("--class", dest="flaw_class", action="append", help="only flaws of this class (glob)")
    score.add_argument("--cwe", action="append", type=int, help="only flaws with this CWE id (or an equivalent)")
    score.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="children at once for the lenses (default: CPU count)")
    _filters(score)

    export = sub.add_parser("export", help="write the corpus as analyzers see it (the blind view), the key apart")
    export.add_argument("ids", nargs="*", help="case ids or globs (default: all)")
    export.add_argument("--blind", required=True, metavar="DIR", help="a new or empty directory: one unit-NNNN/ folder per "
                        "case variant, comments and markers removed, and units.json (languages, files, build flags)")
    export.add_argument("--seed", type=int, default=None, metavar="N", help="the unit numbering (default: a fixed, public "
                        "seed; use your own for a pipeline you do not control)")
    export.add_argument("--key", metavar="FILE", help="where the key goes (default: DIR.key.json beside DIR; never inside DIR)")
    export.add_argument("--class", dest="flaw_class", action="append", help="only flaws of this class (glob)")
    export.add_argument("--cwe", action="append", type=int, help="only flaws with this CWE id (or an equivalent)")
    _filters(export)
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
    _plain(ex)
    for action in acts.choices.values():
        _plain(action)


def cmd_exercise(args) -> int:
    from harness.report.terminal import console
    from harness.teaching.exercises import commands

    return getattr(commands, f"cmd_{args.action}")(args, console())


def run_flags() -> set[str]:
    """The options `crashcourse run` accepts (the site's "Try it yourself" shows only these)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {s for a in sub.choices["run"]._actions for s in a.option_strings}


def _plain(p: argparse.ArgumentParser, default=argparse.SUPPRESS) -> None:
    """--plain, before the command or after it (a command's own --plain leaves the global one alone)."""
    p.add_argument("--plain", action="store_true", default=default,
                   help="no box borders: a tool's output line for line, to paste into 'crashcourse diagnose' (also "
                        "with NO_COLOR, TERM=dumb, a pipe, or CRASHCOURSE_PLAIN=1)")  # fmt: skip


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
    from harness.corpus.paths import cases_dir

    where = cases_dir()
    if ids and not any(ch in w for w in ids for ch in "*?[") and all((where / w / "case.toml").is_file() for w in ids):
        return [load_case(where / w) for w in dict.fromkeys(ids)]
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
    from harness.corpus.paths import cases_dir
    from harness.report.terminal import case_list, console

    con = console()
    con.print(case_list(cases, con.width))
    con.print(f"{len(cases)} cases in {cases_dir()}", markup=False, highlight=False)  # the last line says where
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
    if args.section is not None and args.section not in SHOW_SECTIONS:
        raise UsageError(f"crashcourse show: no section '{args.section}'; the sections are {', '.join(SHOW_SECTIONS)}")
    cases = discover.select(_load([args.id]), [args.id])
    from harness.teaching import show  # rich's Markdown: only once the case is known

    if args.no_spoilers:
        show.show_no_spoilers(cases[0])
    else:
        show.show(cases[0], args.section)
    return 0


class _PlainStderr:
    """A console's print() for machine-readable runs (--json): plain lines on stderr, and no rich to import."""

    is_terminal = False

    def print(self, *objects, **_style) -> None:
        print(*objects, file=sys.stderr)


def cmd_run(args) -> int:
    from harness.pipeline import execute as pipeline
    from harness.pipeline.record import to_json

    if args.repeat < 1:
        raise UsageError("crashcourse run: --repeat must be at least 1")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"crashcourse run: -j must be at least 1 (got {args.jobs})")
    if args.bless:  # snapshots and natural.json go into the case folders: a clone's, never an install's
        from harness.corpus.paths import cases_dir, require_clone

        require_clone("crashcourse run", cases_dir())
    cases = _select(args)
    if not cases:
        raise UsageError("crashcourse run: no case matches those filters; 'crashcourse list' shows them all")
    specs = [s for c in cases for s in c.runs(lenses=args.lens, variants=[args.variant] if args.variant else None)]
    jobs = args.jobs or os.cpu_count() or 1
    total = len(specs) * args.repeat
    if args.json and not args.explain:  # for programs: no rich (it is a third of a one-run command's start-up)
        err, out, report = _PlainStderr(), None, None
    else:
        from harness.report import terminal as report

        err, out = report.console(stderr=True), report.console()

    if args.natural:
        from harness.pipeline import natural

        os.environ[natural.ENV] = "1"  # lenses pass it to every child (harness/lenses/base.py)
    if args.explain:
        return _run_explained(specs, args, out)
    snaps = None if args.natural else _Snapshots(cases, args.bless)  # each run is checked as it ends
    if args.json or not out.is_terminal:
        records = pipeline.run_all(
            specs, jobs, args.repeat,
            on_built=lambda c, k: err.print(f"build: {c} compiled, {k} from cache", style="dim"),
            on_record=snaps.see if snaps else None, replay=args.replay,
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
                if snaps:
                    snaps.see(rec)

            records = pipeline.run_all(specs, jobs, args.repeat, on_built=built, on_record=done, replay=args.replay)
    if args.natural:
        return _natural_report(records, cases, args, out, err)
    drifted = snaps.report(records, err)  # type: ignore[union-attr]
    if args.json:
        print(to_json(records, args.output))
    else:
        out.print(report.table(records, title=f"crashcourse · {len(cases)} cases · {len(records)} runs"))
        for line in report.replays(records):
            out.print(line, style="cyan" if line.startswith("⟲") else None, markup=False, highlight=False)
        for line in report.failures(records):
            out.print(line, style="red", markup=False, highlight=False)
        out.print(report.summary_line(records))
    return 1 if any(counts_as_failure(r, args.strict) for r in records) or (args.strict and drifted) else 0


def counts_as_failure(rec, strict: bool) -> bool:
    """A failed run; under --strict also a run that was not fully checked here: skipped, replayed (a tool
    missing), or partial (its expectation was observed under another compiler)."""
    if rec.status == "failed":
        return True
    return strict and rec.status in ("skipped", "replayed", "partial")


def _natural_report(records, cases, args, out, err) -> int:
    """Natural mode: hit rates and runs-to-first-failure; informational, so exit 0."""
    from harness.corpus import machine
    from harness.pipeline import natural
    from harness.pipeline.record import to_json

    con = err if args.json else out
    if args.json:
        print(to_json(records, args.output))
    for line in natural.report_lines(records):
        con.print(line, markup=False, highlight=False)
    if args.bless:
        command = f"crashcourse run --natural --repeat {args.repeat} {' '.join(args.ids or [])}"
        for path in natural.store(records, cases, machine.machine_key(), command.strip()):
            con.print(f"stored {path}", style="dim")
    return 0


class _Snapshots:
    """Bless each run's snapshot, or diff it against the blessed one, as the run ends: while the other
    runs of the command still run, not after them all. `report` then says it, in the records' order."""

    def __init__(self, cases, bless: bool) -> None:
        self.by_id, self.bless, self.done = {c.id: c for c in cases}, bless, {}

    def see(self, rec) -> None:
        from harness.pipeline import snapshots

        if rec.repeat:
            return
        case = self.by_id[rec.case]
        do = snapshots.bless if self.bless else snapshots.drift
        self.done[id(rec)] = do(case.path, rec, case.language)

    def report(self, records, err) -> int:
        """What blessing wrote, or a readable diff where a run's output drifted. Returns the drift count."""
        drifted = 0
        for rec in records:
            if rec.repeat:
                continue
            if id(rec) not in self.done:
                self.see(rec)
            said = self.done[id(rec)]
            if self.bless:
                if said:
                    err.print(f"blessed {said}", style="dim", markup=False, highlight=False)
            elif said:
                drifted += 1
                err.print(f"snapshot drift: {rec.id} (review, then --bless if the change is right)", style="yellow", markup=False)
                err.print(said, markup=False, highlight=False)
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
        [rec] = pipeline.run_all([spec], jobs=1, replay=args.replay)
        views.append(view_from_record(rec, spec.case))  # skipped and replayed runs too: the row says so
        failed |= counts_as_failure(rec, args.strict)
        hint = spec.case.explain.get(spec.lens, "(no explanation written for this lens yet)")
        if spec.variant != "bug":  # [explain] describes the bug's output: never shown under the fixed twin's
            hint = f"the fixed twin: expected {report.describe_expected(rec.expected) or 'clean'}; compare it with the bug's run of this lens"
        # stdout and stderr in the order the child wrote them; a replayed run: its recorded output
        lines = rec.replay.strip().splitlines() if rec.replayed else report.output_lines(rec)
        if len(lines) > 40:
            lines = lines[:25] + [f"[... {len(lines) - 35} lines ...]"] + lines[-10:]
        if rec.replayed:
            lines = [f"{report.replay_heading(rec)} ({rec.replayed['snapshot']})", "", *lines]
        body = Text("\n".join(lines) or (f"(not run here: {rec.skipped})" if rec.skipped else "(no output)"))
        if rec.replayed:
            verdict = f"{report.ICON_REPLAY} replayed, {report.replay_heading(rec)}: {rec.skipped}"
        elif rec.skipped:
            verdict = "skipped: " + str(rec.skipped)
        elif rec.partial:
            verdict = f"{report.ICON_PARTIAL} {report.describe(rec.observed)} [{report.partial_note(rec)}]"
        else:
            verdict = ("✔ " if rec.ok else "✘ ") + report.describe(rec.observed)
        out.print(Panel(body, title=escape(rec.id), subtitle=escape(verdict), title_align="left", subtitle_align="left"))
        if rec.partial:
            out.print(Text("partial: ", style="bold") + Text(str(rec.partial)))
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


def cmd_prepare(args) -> int:
    from harness.pipeline import prepare
    from harness.report import terminal as report

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"crashcourse prepare: -j must be at least 1 (got {args.jobs})")
    cases = _select(args)
    if not cases:
        raise UsageError("crashcourse prepare: no case matches those filters; 'crashcourse list' shows them all")
    specs = [s for c in cases for s in c.runs(lenses=args.lens, variants=[args.variant] if args.variant else None)]
    jobs = args.jobs or os.cpu_count() or 1
    err = report.console(stderr=True)
    if err.is_terminal and not args.json:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("preparing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as progress:  # fmt: skip
            task = progress.add_task("preparing", total=len(specs))
            result = prepare.prepare_all(specs, jobs, on_done=lambda s: progress.advance(task))
    else:
        result = prepare.prepare_all(specs, jobs)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        out = report.console()
        for line in prepare.text(result):
            out.print(line, markup=False, highlight=False, soft_wrap=True, style="red" if line.lstrip().startswith("FAILED") else None)
    return 0 if result.ok else 1


def cmd_doctor(args) -> int:
    from harness.teaching import doctor

    return doctor.run(args)


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


def _ok_exit(text: str) -> tuple[int, ...]:
    try:
        codes = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        codes = ()
    if not codes or any(c < 0 or c > 255 for c in codes):
        raise UsageError(f"crashcourse score: --ok-exit {text}: write exit statuses 0-255, comma-separated (e.g. 0,1)")
    return codes


def _sarif_analyzers(args, cases) -> list:
    """--sarif FILE... --key KEY: one analyzer per tool name (run.tool.driver.name, else the file's stem),
    every file of that tool merged; results mapped back through the key."""
    from pathlib import Path

    from harness.scoring import blind, sarif

    if not args.key:
        raise UsageError("crashcourse score: --sarif needs --key, the key 'crashcourse export --blind' wrote")
    view = blind.load_key(Path(args.key), cases)
    by_tool: dict[str, tuple[list, list[str]]] = {}
    for f in args.sarif:
        path = Path(f)
        try:
            text = path.read_text(errors="replace")
            results = sarif.read_results(text, min_level=args.min_level)
            runs = json.loads(text)["runs"]
        except OSError as e:
            raise UsageError(f"crashcourse score: --sarif {path}: cannot read it ({e.strerror})") from None
        except sarif.SarifError as e:
            raise UsageError(f"crashcourse score: --sarif {path}: {e}") from None
        name = next((((r.get("tool") or {}).get("driver") or {}).get("name") for r in runs if isinstance(r, dict)), None) or path.stem
        found, files = by_tool.setdefault(name, ([], []))
        found += results
        files.append(str(path))
    return [blind.ExportedSarif(name, found, view, files[0] if len(files) == 1 else f"{len(files)} files")
            for name, (found, files) in by_tool.items()]  # fmt: skip


def cmd_score(args) -> int:
    import os
    from pathlib import Path

    from harness.report import terminal as report
    from harness.scoring import analyzers, score, scoreboard

    if args.tolerance < 0:
        raise UsageError("crashcourse score: --tolerance must be 0 or more")
    if args.bless:  # the stored board is docs/scoreboard/ of a clone
        from harness.corpus.paths import require_clone

        require_clone("crashcourse score")
    if not args.analyzer and not args.sarif:
        raise UsageError("crashcourse score: name an analyzer (--analyzer NAME) or SARIF to score (--sarif FILE --key KEY)")
    if args.sarif and args.sighted:
        raise UsageError("crashcourse score: --sarif scores a blind export; --sighted does not apply")
    if args.key and not args.sarif:
        raise UsageError("crashcourse score: --key goes with --sarif FILE")
    chosen = analyzers.resolve(args.analyzer or [], _ok_exit(args.ok_exit), args.min_level)  # unknown, broken or missing: exit 2
    cases = _select_flaws(args)
    if not cases:
        raise UsageError("crashcourse score: no case matches those filters; 'crashcourse list' shows them all")
    seed = args.seed
    if args.sarif:
        exported = _sarif_analyzers(args, cases)
        chosen += exported
        seed = exported[0].view.seed if seed is None else seed  # the export's numbering
    out_dir = Path(args.sarif_out) if args.sarif_out else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"crashcourse score: --sarif-out {out_dir} exists and is not a directory")
    err = report.console(stderr=True)
    if args.sighted:
        err.print("SIGHTED scoring: analyzers read comments, BUG markers and file names; not comparable with blind scores",
                  style="yellow", markup=False, highlight=False)  # fmt: skip
    board = score.run_scoring(
        chosen, cases, args.tolerance, args.jobs or os.cpu_count() or 1,
        on_analyzer=lambda a: err.print(f"scoring {a.name} over {len(cases)} cases ...", style="dim"),
        sighted=args.sighted, seed=seed,
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
    errored = {name: a["errors"] for name, a in board["analyzers"].items() if a["errors"]}
    if errored and not args.allow_errors:
        what = ", ".join(f"{n} on {k} unit{'s' if k > 1 else ''}" for n, k in errored.items())
        err.print(f"crashcourse score: analyzers failed ({what}); exit 1 (--allow-errors: exit 0)",
                  style="red", markup=False, highlight=False)  # fmt: skip
        return 1
    return 0


def cmd_export(args) -> int:
    from pathlib import Path

    from harness.report import terminal as report
    from harness.scoring import blind

    cases = _select_flaws(args)
    if not cases:
        raise UsageError("crashcourse export: no case matches those filters; 'crashcourse list' shows them all")
    dest = Path(args.blind)
    seed = blind.DEFAULT_SEED if args.seed is None else args.seed
    view, key = blind.export(cases, dest, seed, Path(args.key) if args.key else None)
    err = report.console(stderr=True)
    err.print(f"wrote {len(view.units)} units ({len(cases)} cases, bug and fixed apart, unlabelled) to {dest}/ and "
              f"their index {dest / blind.INDEX_NAME}; the key, {key}, stays with you", markup=False, highlight=False)  # fmt: skip
    err.print(f"score what your pipeline found: crashcourse score --sarif FINDINGS.sarif --key {key}",
              markup=False, highlight=False)  # fmt: skip
    if args.seed is None:
        err.print("the default seed is public: anyone can rebuild this numbering; for a pipeline you do not control, "
                  "export with --seed N of your own", style="dim", markup=False, highlight=False)  # fmt: skip
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


# Commands that start children: they need Linux (/proc, cgroups, prctl, LD_PRELOAD); the others
# (list, show, diagnose, truth, score of exported SARIF) read files and run anywhere.
RUNS_CHILDREN = {"run", "quiz", "prepare", "exercise"}


def _check_platform(command: str, platform: str | None = None) -> None:
    """One line instead of a failure deep inside a lens (docs/platforms.md)."""
    platform = platform or sys.platform
    if command in RUNS_CHILDREN and not platform.startswith("linux"):
        raise UsageError(
            f"crashcourse {command}: runs its cases on Linux only (this is {platform}); use the container image "
            "(docs/container.md) or a Linux VM; docs/platforms.md says what works where"
        )


def _command_of(argv: list[str]) -> str | None:
    """The command an argument list runs (the first word that is not an option), or None: build it all."""
    for a in argv:
        if a in ("-h", "--help"):
            return None
        if not a.startswith("-"):
            return a
    return None


def main(argv: list[str] | None = None) -> int:
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)
    try:
        args = build_parser(_command_of(sys.argv[1:] if argv is None else argv)).parse_args(argv)
        _check_platform(args.command)
        from harness.corpus import machine

        saved = os.environ.get(machine.CC_ENV)
        saved_plain = os.environ.get(PLAIN_ENV)
        if args.plain:
            os.environ[PLAIN_ENV] = "1"  # read by harness.report.terminal.console()
        try:
            _select_compiler(getattr(args, "cc", None))
            return {"list": cmd_list, "show": cmd_show, "run": cmd_run, "quiz": cmd_quiz, "truth": cmd_truth,
                    "score": cmd_score, "export": cmd_export, "diagnose": cmd_diagnose, "prepare": cmd_prepare,
                    "doctor": cmd_doctor, "exercise": cmd_exercise}[args.command](args)
        finally:  # in-process callers (tests) get their environment back
            for name, value in ((machine.CC_ENV, saved), (PLAIN_ENV, saved_plain)):
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
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


def entry() -> None:
    """The `crashcourse` command (and `python -m harness`): main(), then leave at once. Every child is
    killed and every temporary directory removed by the time main() returns, so the interpreter's own
    teardown (unloading some 200 modules: ~40 ms of every command) has nothing left to do."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = code or 1
    os._exit(code)

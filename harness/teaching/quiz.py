"""`crashcourse quiz`: read a program, predict what it does under a lens (a signal, a kind, a hang, clean); then see it.

Each question shows the bug variant's code without its answers (harness.corpus.strip: no comment, no
BUG marker) under the case's neutral exercise title; never the case's title, summary or tags.

Predictions come from the keyboard, from piped stdin (one line per question), or from `--answers FILE`
(JSON or TOML) mapping "case" or "case:lens" to the prediction, e.g. {"double-free:asan": "double-free",
"sigfpe-divide": "SIGFPE"}. A prediction scores when it names what was observed, in the words people use:
case-insensitive, with or without SIG ("segv", "segfault", "abort"), spaces for dashes ("double free"),
"hang" for a deadlock or livelock, "clean" for a run that exits 0 with nothing to report, "exit 1" for
an exit status; a kind may be given without its prefix when it keeps two words ("use after free").
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from harness.corpus.manifest import RunSpec
from harness.errors import UsageError
from harness.pipeline.record import RunRecord


def load_answers(path: str) -> dict[str, str]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{path}: cannot read the answers file ({e.strerror})") from None
    try:
        data = tomllib.loads(text) if p.suffix == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"{path}: not valid {'TOML' if p.suffix == '.toml' else 'JSON'} ({e})") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise UsageError(f"{path}: must map \"case\" or \"case:lens\" to a prediction string")
    return data


# words people use -> the names they mean (after normalizing: lower case, dashes for spaces and '_')
SYNONYMS: dict[str, set[str]] = {
    "segfault": {"sigsegv", "segv"}, "segmentation-fault": {"sigsegv", "segv"},
    "abort": {"sigabrt"}, "aborts": {"sigabrt"}, "aborted": {"sigabrt"}, "abrt": {"sigabrt"},
    "floating-point-exception": {"sigfpe", "fpe"}, "divide-by-zero": {"sigfpe", "fpe", "integer-divide-by-zero"},
    "division-by-zero": {"sigfpe", "fpe", "integer-divide-by-zero"},
    "illegal-instruction": {"sigill", "ill"}, "bus-error": {"sigbus", "bus"},
    "hang": {"deadlock", "livelock", "hang"}, "hangs": {"deadlock", "livelock", "hang"}, "hung": {"deadlock", "livelock", "hang"},
    "freeze": {"deadlock", "livelock", "hang"}, "stuck": {"deadlock", "livelock", "hang"},
    "clean": {"clean"}, "none": {"clean"}, "nothing": {"clean"}, "ok": {"clean"}, "fine": {"clean"}, "no-error": {"clean"},
    "leak": {"direct-leak", "indirect-leak", "definite-leak", "possible-leak"},
    "memory-leak": {"direct-leak", "indirect-leak", "definite-leak", "possible-leak"},
    "race": {"data-race", "conflicting-access"}, "data-race": {"data-race", "conflicting-access"},
    "uninitialized": {"use-of-uninitialized-value", "uninitialised-value"},
    "uninitialised": {"use-of-uninitialized-value", "uninitialised-value"},
}  # fmt: skip


def normalize(text: str) -> str:
    return re.sub(r"[\s_]+", "-", text.strip().lower()).strip("-")


def observed_names(obs: dict) -> set[str]:
    """Every name that is right for this observation, normalized."""
    names: set[str] = set()
    if obs.get("signal"):
        sig = obs["signal"].lower()
        names |= {sig, sig.removeprefix("sig")}
    if obs.get("kind"):
        names.add(normalize(obs["kind"]))
    if obs.get("timed_out") or obs.get("kind") in ("deadlock", "livelock"):
        names.add("hang")
    code = obs.get("exit_code")
    if code is not None and not obs.get("signal") and not obs.get("timed_out"):
        names |= {f"exit-{code}", f"exit-code-{code}", f"exit-status-{code}"}
        if code == 0 and not obs.get("kind"):
            names.add("clean")
    return names


def scores(prediction: str, rec: RunRecord) -> bool:
    guess = normalize(prediction)
    if not guess:
        return False
    names = observed_names(rec.observed)
    wanted = {guess, guess.removeprefix("sig")} | SYNONYMS.get(guess, set())
    if wanted & names:
        return True
    # a kind without its prefix, when what is left still has two words: "use after free", "buffer overflow"
    return "-" in guess and any(n.endswith("-" + guess) for n in names)


def question_code(spec: RunSpec) -> str:
    """The bug variant's main file as a participant gets it: stripped, blank runs folded."""
    from harness.corpus.strip import strip_file

    text = strip_file(spec.case.source("bug"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def title_of(spec: RunSpec) -> str:
    ex = spec.case.exercise
    return ex.title if ex else "a program"


def run_quiz(
    specs: list[RunSpec],
    ask: Callable[[RunSpec], str],
    execute: Callable[[RunSpec], RunRecord],
    say: Callable[[str], None],
    show_code: Callable[[RunSpec], None] | None = None,
) -> tuple[int, int, list[dict]]:
    """Ask, run, score each question; returns (right, asked, one record per answer for the progress)."""
    from harness.pipeline.record import describe

    right = 0
    answers: list[dict] = []
    shown: set[int] = set()
    for i, spec in enumerate(specs, 1):
        say(f"\n[{i}/{len(specs)}] {title_of(spec)}: what happens under {spec.lens}@{spec.profile}?")
        if show_code is not None and id(spec.case) not in shown:
            show_code(spec)
            shown.add(id(spec.case))
        guess = ask(spec)
        rec = execute(spec)
        ok = scores(guess, rec)
        right += ok
        say(f"    you said: {guess or '(nothing)'}   observed: {describe(rec.observed)}   {'✔ right' if ok else '✘ not quite'}")
        hint = spec.case.explain.get(spec.lens)
        if hint:
            say(f"    look at: {hint}")
        answers.append({"case": spec.case.id, "lens": spec.lens, "profile": spec.profile, "said": guess,
                        "observed": describe(rec.observed), "right": bool(ok)})  # fmt: skip
    say(f"\nscore: {right}/{len(specs)}")
    return right, len(specs), answers


def render_code(spec: RunSpec):
    """The question's code for a terminal."""
    from rich.panel import Panel
    from rich.syntax import Syntax

    lexer = {"c": "c", "cpp": "cpp", "lua": "lua", "python": "python"}[spec.case.language]
    return Panel(Syntax(question_code(spec), lexer, theme="ansi_dark"), title=f"main{spec.case.source('bug').suffix}")

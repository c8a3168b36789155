"""`crashcourse quiz`: before each run, predict what will happen (a signal or a report kind); then see it.

Interactive at a terminal; for tests and classrooms, `--answers FILE` (JSON or TOML) maps
"case" or "case:lens" to the prediction, e.g. {"double-free:asan": "double-free", "sigfpe-divide": "SIGFPE"}.
A prediction scores when it names the observed signal or the observed kind (case-insensitive).
"""

from __future__ import annotations

import json
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


def scores(prediction: str, rec: RunRecord) -> bool:
    guess = prediction.strip().lower()
    obs = rec.observed
    names = {str(obs.get("signal") or "").lower(), str(obs.get("kind") or "").lower()}
    if not obs.get("signal") and not obs.get("kind"):
        names.add("clean")
        names.add("none")
    return bool(guess) and guess in names


def run_quiz(
    specs: list[RunSpec],
    ask: Callable[[RunSpec], str],
    execute: Callable[[RunSpec], RunRecord],
    say: Callable[[str], None],
) -> tuple[int, int]:
    right = 0
    for i, spec in enumerate(specs, 1):
        say(f"\n[{i}/{len(specs)}] {spec.case.title} — {spec.case.id}, {spec.variant}, under {spec.lens}@{spec.profile}")
        say(f"    {spec.case.summary}")
        guess = ask(spec)
        rec = execute(spec)
        from harness.pipeline.record import describe

        ok = scores(guess, rec)
        right += ok
        say(f"    you said: {guess or '(nothing)'}   observed: {describe(rec.observed)}   {'✔ right' if ok else '✘ not quite'}")
        hint = spec.case.explain.get(spec.lens)
        if hint:
            say(f"    look at: {hint}")
    say(f"\nscore: {right}/{len(specs)}")
    return right, len(specs)

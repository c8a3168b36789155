"""`crashcourse exercise check` over the whole corpus: every fixed twin passes, every bug fails, for its bug.

Each case is one test (they run in parallel under xdist: `pytest -n auto`). The fixed twin's stripped
files are put in a workspace as the participant's code and checked under every lens, natural repeats
included; the bug variant is checked fail-fast (the quickest runs first, stopping at the first that
fails), and the run that fails must show what the shipped bug shows under that lens.
"""

from __future__ import annotations

import pytest

from harness.corpus.discover import load_all
from harness.corpus.strip import write_stripped
from harness.teaching.exercises.check import CORE, check, runtime_fix
from harness.teaching.exercises.workspace import Workspace, start

CORPUS = load_all()


def fixed_workspace(case, dest) -> Workspace:
    """A workspace whose code is the shipped fixed twin, stripped, as main.<ext>.

    Where the fix is a runtime, not code (the bug runs on an old LuaJIT, its twin is the same script on a
    fixed one), the participant runs on the bug's runtime and can only mitigate in the script: the
    workspace then holds the bug with its flawed statements deleted."""
    ws, _ = start(case, dest)
    if runtime_fix(case):
        main = dest / ws.main
        lines = main.read_text().split("\n")
        for loc in case.flaw.locations:
            assert loc.file == case.variants["bug"]
            lines[loc.line - 1] = ""
        main.write_text("\n".join(lines))
        return Workspace.load(dest)
    for p in ws.code_files():
        p.unlink()
    write_stripped(case, "fixed", dest)
    return Workspace.load(dest)


def shows_the_bug(rec, case) -> bool:
    """The failing run's observation is the shipped bug's expected one under that lens (signal, kind, hang,
    exit status: the fields its expectation names)."""
    from harness.corpus.manifest import RunSpec

    exp, _ = case.expectation_for(RunSpec(case, "bug", rec.lens, rec.profile))
    if exp is None:
        return False
    obs = dict(rec.observed)
    obs["signal"] = obs.get("signal") or "none"
    obs["kind"] = obs.get("kind") or "none"
    return all(obs.get(k) == exp.checks[k] for k in CORE if k in exp.checks)


@pytest.mark.exercise_corpus
@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_fixed_twin_passes_and_bug_fails(case, tmp_path):
    fixed = check(fixed_workspace(case, tmp_path / "fixed"), case, jobs=1)
    assert fixed.checked > 0, f"nothing was checked: {fixed.skipped}"
    assert fixed.passed, "the shipped fixed twin fails check:\n" + "\n".join(f.text for f in fixed.findings)

    ws, _ = start(case, tmp_path / "bug")
    bug = check(ws, case, jobs=1, fail_fast=True)
    assert not bug.passed, "the bug variant passes check"
    failing = [r for r in bug.records if not r.ok]
    assert failing and bug.findings
    assert shows_the_bug(failing[0], case), (
        f"check failed the bug for another reason than its bug: {failing[0].observed} / " + "; ".join(f.text for f in bug.findings)
    )

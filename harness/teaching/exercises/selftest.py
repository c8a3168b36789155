"""The exercise of a case, checked against its own twins: the fixed twin, stripped and put in a workspace
as the participant's code, passes `exercise check` under every lens (natural repeats included); the bug
variant fails it, for its bug (the first failing run shows what the shipped bug shows under that lens).

The corpus's pytest items run this for every case (`cases/<id>/case.toml::exercise-check`).
"""

from __future__ import annotations

from pathlib import Path

from harness.corpus.manifest import Case
from harness.corpus.strip import write_stripped
from harness.teaching.exercises.check import CORE, check, runtime_fix
from harness.teaching.exercises.workspace import Workspace, start


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


def verify(case: Case, tmp: Path) -> list[str]:
    """What is wrong with the case as an exercise (empty: its twin passes check, its bug fails it for its bug)."""
    fixed = check(fixed_workspace(case, tmp / "fixed"), case, jobs=1)
    if fixed.checked == 0:
        return [f"nothing was checked: {fixed.skipped}"]
    if not fixed.passed:
        return ["the shipped fixed twin fails check:", *(f.text for f in fixed.findings)]
    ws, _ = start(case, tmp / "bug")
    bug = check(ws, case, jobs=1, fail_fast=True)
    if bug.passed:
        return ["the bug variant passes check"]
    failing = [r for r in bug.records if not r.ok]
    if not failing or not bug.findings:
        return ["the bug variant failed check without a failing run or a finding"]
    if not shows_the_bug(failing[0], case):
        return [f"check failed the bug for another reason than its bug: {failing[0].observed}",
                *(f.text for f in bug.findings)]  # fmt: skip
    return []

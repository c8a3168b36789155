"""Ground truth of the corpus: each case's flaw (from its [flaw] table) and each lens's expected verdict.

The per-tool truth is derived, never written twice: a lens *catches* a case's flaw when the bug
variant's observed expectation reports something (a signal, a diagnosis, a failing exit, a hang),
and *misses* it otherwise, with the `missed_by` sentence saying why. A fixed twin whose expectation
reports something would be a false alarm of that lens (none is, today). See docs/analyzer-corpus.md.
"""

from __future__ import annotations

from typing import Any

from harness.corpus.manifest import VARIANTS, Case, RunSpec, reports_flaw
from harness.corpus.paths import root

# ---- per-lens verdicts from the observed expectations ---------------------------------------------------


def lens_truth(case: Case) -> dict[str, dict[str, Any]]:
    """lens -> profile -> {bug: caught|missed|not-observed-here, fixed: clean|false-alarm|..., kind, why}."""
    flaw = case.flaw
    out: dict[str, dict[str, Any]] = {}
    for lens in case.lenses:
        per: dict[str, Any] = {}
        for profile in case.profiles_for(lens):
            entry: dict[str, Any] = {}
            for variant in VARIANTS:
                exp, _ = case.expectation_for(RunSpec(case, variant, lens, profile))
                if exp is None:
                    entry[variant] = "not-observed-here"
                    continue
                said = reports_flaw(exp.checks)
                if variant == "bug":
                    entry["bug"] = "caught" if said else "missed"
                    if said:
                        kind = exp.checks.get("kind", "none")
                        sig = exp.checks.get("signal", "none")
                        entry["kind"] = kind if kind != "none" else (sig if sig != "none" else "exit/hang")
                    elif flaw:
                        entry["why"] = flaw.missed_by.get(f"{lens}:{profile}") or flaw.missed_by.get(lens, "")
                else:
                    entry["fixed"] = "false-alarm" if said else "clean"
            per[profile] = entry
        out[lens] = per
    return out


def lens_verdict(case: Case, lens: str) -> str:
    """One word per case and lens: caught (under some profile), missed, n/a (not a lens of the case)."""
    if lens not in case.lenses:
        return "n/a"
    verdicts = [p.get("bug") for p in lens_truth(case)[lens].values()]
    if "caught" in verdicts:
        return "caught"
    if "missed" in verdicts:
        return "missed"
    return "not-observed-here"


def rel(case: Case, file: str) -> str:
    """A case file's path relative to the repository (or the cases folder's parent)."""
    p = (case.path / file).resolve()
    for base in (root(), case.path.parent.parent):
        try:
            return p.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return p.as_posix()


def case_truth(case: Case) -> dict[str, Any]:
    flaw = case.flaw
    assert flaw is not None  # required by the loader
    d: dict[str, Any] = {
        "case": case.id,
        "title": case.title,
        "language": case.language,
        "tags": case.tags,
        "incident": case.incident.get("url", ""),
        "variants": {v: rel(case, case.variants[v]) for v in VARIANTS},
        **flaw.as_dict(),
    }
    for loc in d["locations"]:
        loc["path"] = rel(case, loc["file"])
    d["lenses"] = lens_truth(case)
    return d

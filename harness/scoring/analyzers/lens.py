"""Every lens as an analyzer, scored from its run records: 'which runtime tool catches what' in one table.

Generic over the lens catalogue (harness.corpus.catalog), so a lens added later (ubsan, lsan, msan, helgrind, drd, ...) is
an analyzer the moment it is registered. A lens applies to the cases that list it. Each variant runs
under every profile of the lens; the lens reports the flaw when any profile's run reports something
(a signal, a diagnosis, a failing exit, a hang: `reports_flaw`), and its finding is located at the
case-source lines the report names (the innermost frame first; every other frame in the case's files
as related locations). The CWE comes from the diagnosis kind (harness.scoring.cwe.KIND_CWE).
"""

from __future__ import annotations

import re

from harness.corpus.manifest import Case, reports_flaw
from harness.scoring.analyzers.base import Analyzer, Finding, Result

SRC_EXT = r"(?:c|cc|cpp|cxx|h|hpp|py|lua)"
REF_RE = re.compile(rf"(?:^|(?<=[/\s(\[<'\"]))(?P<file>[\w.+-]+\.{SRC_EXT}):(?P<line>\d+)", re.M)
PY_REF_RE = re.compile(rf"File \"(?:[^\"]*/)?(?P<file>[\w.+-]+\.{SRC_EXT})\", line (?P<line>\d+)")


def case_refs(text: str, case: Case) -> list[tuple[str, int]]:
    """(file, line) for every mention of one of the case's own files in a report, innermost first."""
    names = {p.name for p in case.path.iterdir() if p.is_file()}
    refs: list[tuple[int, str, int]] = []
    for m in REF_RE.finditer(text):
        if m["file"] in names:
            refs.append((m.start(), m["file"], int(m["line"])))
    # Python tracebacks list the innermost call last; faulthandler dumps list it first.
    py = [(m.start(), m["file"], int(m["line"])) for m in PY_REF_RE.finditer(text) if m["file"] in names]
    if "Traceback (most recent call last)" in text:
        py.reverse()
        refs = py + refs
    else:
        refs = sorted(refs + py)
    out: list[tuple[str, int]] = []
    for ref in refs:
        if (ref[1], ref[2]) not in out:
            out.append((ref[1], ref[2]))
    return out


class LensAnalyzer(Analyzer):
    kind = "dynamic"

    def __init__(self, lens):
        self.lens = lens
        self.name = lens.name
        self.description = f"the {lens.name} lens: {lens.description}"
        self.languages = tuple(lens.languages)

    def applies(self, case: Case) -> str:
        return "" if self.name in case.lenses else f"the case does not run under the {self.name} lens"

    def analyze(self, case, variant, workdir):
        return self.analyze_all([(case, variant)])[0]

    def analyze_all(self, units, jobs=1):
        from harness.pipeline.execute import run_all
        from harness.scoring.cwe import kind_cwe

        specs = []
        for case, variant in units:
            if not self.applies(case):
                specs += case.runs(lenses=[self.name], variants=[variant])
        records = {(r.case, r.variant, r.profile): r for r in run_all(specs, jobs)} if specs else {}
        out = []
        for case, variant in units:
            why = self.applies(case)
            if why:
                out.append(Result(skipped=why))
                continue
            res = Result(detail={"profiles": {}})
            skipped = []
            for profile in case.profiles_for(self.name):
                rec = records.get((case.id, variant, profile))
                if rec is None:
                    continue
                if rec.skipped:
                    skipped.append(f"{profile}: {rec.skipped}")
                    res.detail["profiles"][profile] = "skipped"
                    continue
                obs = rec.observed
                said = reports_flaw({k: v for k, v in obs.items() if v is not None})
                res.detail["profiles"][profile] = (obs.get("kind") or obs.get("signal") or "reported") if said else "clean"
                if not rec.ok:
                    res.detail.setdefault("mismatches", []).append(f"{profile}: {', '.join(str(m) for m in rec.mismatches)}")
                if not said:
                    continue
                text = "\n".join((rec.stderr, rec.stacks, rec.stdout))
                refs = case_refs(text, case)
                head = obs.get("kind") or obs.get("signal") or ("timed out" if obs.get("timed_out") else "exit code")
                msg = f"[{profile}] {head}: {obs.get('message') or ''}".strip().rstrip(":")
                res.findings.append(Finding(
                    refs[0][0] if refs else case.variants[variant], refs[0][1] if refs else None,
                    kind_cwe(obs, text), f"{self.name}:{head}", msg, refs[1:],
                ))  # fmt: skip
            if skipped and len(skipped) == len(case.profiles_for(self.name)):
                out.append(Result(skipped="; ".join(skipped)))
                continue
            out.append(res)
        return out


def lens_analyzers() -> list[Analyzer]:
    from harness.corpus.catalog import LENS_INFO as LENSES

    return [LensAnalyzer(lens) for lens in LENSES.values()]


"""The analyzer plug-in API: an Analyzer looks at one case variant and returns a Result of Findings.

Third-party analyzers import these names from `harness.analyzers` (the stable path; see
docs/analyzer-corpus.md)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.corpus import values
from harness.corpus.manifest import Case
from harness.execution.run import workdir as make_workdir


@dataclass
class Finding:
    path: str  # as the tool named it: absolute, or relative to the case folder
    line: int | None = None
    cwe: list[int] = field(default_factory=list)
    rule: str = ""
    message: str = ""
    related: list[tuple[str, int]] = field(default_factory=list)  # other (path, line) the report names

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "line": self.line, "cwe": self.cwe, "rule": self.rule, "message": self.message}
        if self.related:
            d["related"] = [{"path": p, "line": n} for p, n in self.related]
        return d


@dataclass
class Result:
    """What one analyzer said about one case variant."""

    findings: list[Finding] = field(default_factory=list)
    error: str = ""  # the analyzer crashed, timed out or printed garbage: recorded, scoring goes on
    skipped: str = ""  # not applicable here (a lens the case does not run, a tool missing for a lens)
    detail: dict[str, Any] = field(default_factory=dict)


class Analyzer:
    """Subclass and override `analyze` (and `languages`, `command`); register through the entry point."""

    name = "analyzer"
    kind = "static"  # static | dynamic
    description = ""
    languages: tuple[str, ...] = ("c", "cpp", "lua", "python")
    command: str | None = None  # the executable it needs on PATH; missing -> exit 2 before scoring
    timeout_s: float = 120.0

    def missing(self) -> str | None:
        """Why this analyzer cannot run on this machine (one line), or None."""
        if self.command and shutil.which(self.command) is None:
            return f"analyzer '{self.name}' needs the command '{self.command}', which is not installed (see .ci/run)"
        return None

    def applies(self, case: Case) -> str:
        """'' when this analyzer looks at this case; else why not (the cell is n/a)."""
        return "" if case.language in self.languages else f"{self.name} does not analyze {case.language}"

    def analyze(self, case: Case, variant: str, workdir: Path) -> Result:
        raise NotImplementedError

    def analyze_all(self, units: list[tuple[Case, str]], jobs: int = 1) -> list[Result]:
        """Every (case, variant) at once; the default runs analyze() one by one, errors recorded."""
        out = []
        for case, variant in units:
            why = self.applies(case)
            if why:
                out.append(Result(skipped=why))
                continue
            try:
                with make_workdir() as wd:
                    out.append(self.analyze(case, variant, wd))
            except Exception as e:  # an analyzer's crash is its result for this case, not ours
                out.append(Result(error=f"{type(e).__name__}: {e}".splitlines()[0][:300]))
        return out


class BlindCase(Case, eq=False):  # a value class, as Case (harness.corpus.values)
    """What an analyzer is given in blind mode (the default) in place of a case: one unit of the blind
    view, a folder holding one variant's code, comments and markers removed, lines at their numbers.

    id        the unit's name, "unit-0007" (numbers shuffled from the seed; never the case id)
    path      the unit's folder (a temporary directory, or the export's DIR/unit-0007)
    language  "c", "cpp", "python" or "lua"
    variants  {"unit": "main.c"}: the unit's own source, main.<ext>; `source()` returns it for any variant
    build     the manifest's build flags (cflags, ldflags, libs) and extra `sources`, named as in the unit
    files     every file of the unit, main first: the helper sources and headers it needs, blinded alike
    Everything else is empty: no title, summary, tags, lenses, incident, expectations, flaw or exercise.
    The `variant` argument that comes with it is always "unit": which variant it is stays with the scorer.
    """

    files: list[str] = values.field(default_factory=list)

    def source(self, variant: str = "unit") -> Path:
        return self.path / self.variants["unit"]


def scan_files(case: Case, variant: str) -> list[Path]:
    """What a static analyzer reads for a variant. Blind (a BlindCase): every file of the unit, main
    first. Sighted: its source, the extra build sources, and for the bug variant the helper files its
    flaw locations name (import-race's eventloop_sysmodules.py)."""
    if isinstance(case, BlindCase):
        return [case.path / name for name in case.files]
    files = [case.source(variant)] + [case.path / s for s in case.build.get("sources", [])]
    if variant == "bug" and case.flaw:
        files += [case.path / loc.file for loc in case.flaw.locations]
    return list(dict.fromkeys(p.resolve() for p in files))

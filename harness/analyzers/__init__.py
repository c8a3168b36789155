"""Analyzers: anything that looks at a case variant and reports findings (file, line, CWE).

An analyzer is found by name:
  1. the built-ins (harness/analyzers/static.py): gcc-fanalyzer, cppcheck, clang-analyzer, ruff-async,
     mypy-coroutine;
  2. every lens (asan, valgrind, tsan, ... and any lens added later), scored from its run records
     (harness/analyzers/lens.py);
  3. the entry-point group `crashcourse.analyzers`: a third-party package declares
         [project.entry-points."crashcourse.analyzers"]
         mytool = "mypkg.crashcourse:analyzer"
     where `analyzer` is an Analyzer instance, an Analyzer subclass, or a function returning one;
  4. `NAME=TEMPLATE` on the command line: the generic command adapter (CommandAnalyzer) runs the
     template over each variant and reads SARIF (placeholders in docs/analyzer-corpus.md).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.manifest import Case

ENTRY_POINT_GROUP = "crashcourse.analyzers"


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
        from harness.run import workdir as make_workdir

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


def scan_files(case: Case, variant: str) -> list[Path]:
    """What a static analyzer reads for a variant: its source, the extra build sources, and for the bug
    variant the helper files its flaw locations name (import-race's eventloop.py)."""
    files = [case.source(variant)] + [case.path / s for s in case.build.get("sources", [])]
    if variant == "bug" and case.flaw:
        files += [case.path / loc.file for loc in case.flaw.locations]
    return list(dict.fromkeys(p.resolve() for p in files))


def builtin_analyzers() -> dict[str, Analyzer]:
    from harness.analyzers.lens import lens_analyzers
    from harness.analyzers.static import STATIC_ANALYZERS

    out: dict[str, Analyzer] = {a.name: a for a in STATIC_ANALYZERS}
    for a in lens_analyzers():
        out.setdefault(a.name, a)
    return out


def _load_entry_point(ep) -> Analyzer:
    obj = ep.load()
    if isinstance(obj, type) and issubclass(obj, Analyzer):
        obj = obj()
    elif callable(obj) and not isinstance(obj, Analyzer):
        obj = obj()
    if not isinstance(obj, Analyzer):
        raise UsageError(f"entry point '{ep.name}' in group {ENTRY_POINT_GROUP} ({ep.value}) is not a crashcourse Analyzer")
    obj.name = ep.name
    return obj


def plugin_names() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def available() -> list[str]:
    return sorted(set(builtin_analyzers()) | set(plugin_names()))


def get_analyzer(spec: str) -> Analyzer:
    """An analyzer by name (built-in, lens, entry point) or `NAME=TEMPLATE`. Unknown: UsageError (exit 2)."""
    if "=" in spec:
        from harness.analyzers.command import CommandAnalyzer

        name, _, template = spec.partition("=")
        return CommandAnalyzer(name.strip(), template.strip())
    builtins = builtin_analyzers()
    if spec in builtins:
        return builtins[spec]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == spec:
            return _load_entry_point(ep)
    raise UsageError(f"unknown analyzer '{spec}'; known: {', '.join(available())} (or NAME='command template {{source}}')")


def resolve(specs: list[str]) -> list[Analyzer]:
    """Every analyzer asked for, each checked: unknown or missing command -> one line, exit 2."""
    out = []
    for spec in specs:
        a = get_analyzer(spec)
        why = a.missing()
        if why:
            raise UsageError(why)
        out.append(a)
    return out

"""Analyzers: anything that looks at a case variant and reports findings (file, line, CWE).

An analyzer is found by name:
  1. the built-ins (harness/scoring/analyzers/static.py): gcc-fanalyzer, cppcheck, clang-analyzer, ruff-async,
     mypy-coroutine;
  2. every lens (asan, valgrind, tsan, ... and any lens added later), scored from its run records
     (harness/scoring/analyzers/lens.py);
  3. the entry-point group `crashcourse.analyzers`: a third-party package declares
         [project.entry-points."crashcourse.analyzers"]
         mytool = "mypkg.crashcourse:analyzer"
     where `analyzer` is an Analyzer instance, an Analyzer subclass, or a function returning one;
  4. `NAME=TEMPLATE` on the command line: the generic command adapter (CommandAnalyzer) runs the
     template over each variant and reads SARIF (placeholders in docs/analyzer-corpus.md).
"""

from __future__ import annotations

from importlib.metadata import entry_points

from harness.errors import UsageError
from harness.scoring.analyzers.base import Analyzer, Finding, Result, scan_files  # noqa: F401 (the plug-in API)
from harness.scoring.analyzers.command import CommandAnalyzer
from harness.scoring.analyzers.lens import lens_analyzers
from harness.scoring.analyzers.static import STATIC_ANALYZERS

ENTRY_POINT_GROUP = "crashcourse.analyzers"


def builtin_analyzers() -> dict[str, Analyzer]:
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

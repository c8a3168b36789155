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
  4. `NAME=TEMPLATE` or `NAME[c,cpp]=TEMPLATE` on the command line: the generic command adapter
     (CommandAnalyzer) runs the template over each unit and reads SARIF (docs/analyzer-corpus.md).

Every analyzer but the lenses reads the blind view by default (harness.scoring.blind).
"""

from __future__ import annotations

import re
from importlib.metadata import entry_points

from harness.errors import UsageError
from harness.scoring.analyzers.base import Analyzer, BlindCase, Finding, Result, scan_files  # noqa: F401 (the plug-in API)
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
    """The plug-in's analyzer; a plug-in that fails to import or to build one is bad input: one line
    naming the distribution and the error (exit 2), never a traceback."""
    dist = getattr(ep, "dist", None)
    where = f"distribution {dist.name} {dist.version}" if dist is not None else "an unknown distribution"
    try:
        obj = ep.load()
        if isinstance(obj, type) and issubclass(obj, Analyzer):
            obj = obj()
        elif callable(obj) and not isinstance(obj, Analyzer):
            obj = obj()
    except Exception as e:  # an ImportError, a SyntaxError, a constructor that raises: the plug-in is broken
        msg = f"{type(e).__name__}: {e}".splitlines()[0][:300]
        raise UsageError(f"analyzer '{ep.name}': the entry point {ep.value} of {where} is broken ({msg})") from None
    if not isinstance(obj, Analyzer):
        raise UsageError(f"analyzer '{ep.name}': the entry point {ep.value} of {where} is not a crashcourse Analyzer "
                         f"(group {ENTRY_POINT_GROUP})")  # fmt: skip
    obj.name = ep.name
    return obj


def plugin_names() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def available() -> list[str]:
    return sorted(set(builtin_analyzers()) | set(plugin_names()))


COMMAND_NAME_RE = re.compile(r"^\s*(?P<name>[A-Za-z0-9_.+-]+)\s*(?:\[(?P<langs>[^\]]*)\])?\s*$")


def command_analyzer(spec: str, ok_exit: tuple[int, ...] = (0,), min_level: str | None = None) -> CommandAnalyzer:
    """`NAME=TEMPLATE` or `NAME[c,cpp]=TEMPLATE` (the languages the command reads) as a CommandAnalyzer."""
    from harness.corpus.catalog import LANGUAGES

    head, _, template = spec.partition("=")
    m = COMMAND_NAME_RE.match(head)
    if m is None:
        raise UsageError(f"analyzer '{head.strip()}': write NAME=TEMPLATE or NAME[c,cpp]=TEMPLATE (a name of letters, digits, . _ + -)")
    langs = None
    if m["langs"] is not None:
        langs = tuple(x.strip() for x in m["langs"].split(",") if x.strip())
        unknown = [x for x in langs if x not in LANGUAGES]
        if unknown or not langs:
            raise UsageError(f"analyzer '{m['name']}': unknown language '{(unknown or [''])[0]}' in [{m['langs']}] "
                             f"(known: {', '.join(LANGUAGES)})")  # fmt: skip
    return CommandAnalyzer(m["name"], template.strip(), langs, ok_exit=ok_exit, min_level=min_level)


def get_analyzer(spec: str, ok_exit: tuple[int, ...] = (0,), min_level: str | None = None) -> Analyzer:
    """An analyzer by name (built-in, lens, entry point) or `NAME[LANGS]=TEMPLATE`. Unknown: UsageError (exit 2)."""
    if "=" in spec:
        return command_analyzer(spec, ok_exit, min_level)
    builtins = builtin_analyzers()
    if spec in builtins:
        return builtins[spec]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == spec:
            return _load_entry_point(ep)
    raise UsageError(f"unknown analyzer '{spec}'; known: {', '.join(available())} (or NAME='command template {{source}}')")


def resolve(specs: list[str], ok_exit: tuple[int, ...] = (0,), min_level: str | None = None) -> list[Analyzer]:
    """Every analyzer asked for, each checked: unknown, broken or missing command -> one line, exit 2.
    ok_exit and min_level apply to the command analyzers (NAME=TEMPLATE)."""
    out = []
    for spec in specs:
        a = get_analyzer(spec, ok_exit, min_level)
        why = a.missing()
        if why:
            raise UsageError(why)
        out.append(a)
    return out

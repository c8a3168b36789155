"""The blind view: the corpus as an analyzer sees it, the answers left with the scorer.

A unit is one case variant, written to a folder of its own, `unit-0007/`, holding that variant's code
as `main.<ext>` and the helper sources and headers it needs (harness.corpus.strip.unit_files), every
file with its comments, BUG/FIX markers and docstrings removed and every line at its number
(harness.corpus.strip). Nothing in a unit names the case, its variant or its flaw: no case id, README
or manifest, no `repro.c` or `fixed.c`. Bug and fixed variants are separate units; the unit numbers
are a permutation of the (case, variant) pairs drawn from a seed (DEFAULT_SEED unless --seed N), so
the same seed gives the same view. The mapping (the *key*) stays with the scorer: findings come back in
unit paths (`unit-0007/main.c:58`, or `main.c:58` from inside the unit) and are mapped back to case
files (`repro.c:58`) before they are judged.

The view is what every analyzer that reads code is given: the built-in static analyzers, command
analyzers, plug-ins, `pytest --cc-analyzer`. The lenses are not: they run the case itself (its own
build, in the harness's sandbox) and read no source; their findings name case files already.
`crashcourse export --blind DIR` writes the view to disk, the key beside it, for pipelines that run
outside crashcourse; `crashcourse score --sarif FILE --key KEY` scores what they found.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.corpus.manifest import VARIANTS, Case
from harness.corpus.strip import strip_file, write_stripped
from harness.errors import UsageError
from harness.scoring.analyzers.base import Analyzer, BlindCase, Finding, Result

DEFAULT_SEED = 17
KEY_FORMAT = "crashcourse-blind-key/1"
INDEX_FORMAT = "crashcourse-blind/1"
INDEX_NAME = "units.json"
UNIT_RE = re.compile(r"(?:^|/)(unit-\d{4,})/([^/]+)$")
COMPILED = {".c", ".cc", ".cpp", ".cxx"}  # the unit files a C/C++ build compiles (headers are included)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Unit:
    """One (case, variant) under its blind name; `files` maps unit file names to case files once known."""

    name: str
    case: Case
    variant: str
    files: dict[str, str] = field(default_factory=dict)  # "main.c" -> "repro.c" (relative to the case folder)
    sha256: dict[str, str] = field(default_factory=dict)  # unit file name -> digest of its blind text

    def case_file(self, unit_file: str) -> str | None:
        return self.files.get(unit_file)


def plan(cases: list[Case], seed: int = DEFAULT_SEED) -> list[Unit]:
    """The unit names of these cases' variants: the pairs in (case id, variant) order, numbered by a
    permutation drawn from `seed`. Sorted by unit name."""
    pairs = sorted(((c, v) for c in cases for v in VARIANTS), key=lambda p: (p[0].id, p[1]))
    numbers = list(range(1, len(pairs) + 1))
    random.Random(seed).shuffle(numbers)
    width = max(4, len(str(len(pairs))))
    units = [Unit(f"unit-{n:0{width}d}", c, v) for n, (c, v) in zip(numbers, pairs, strict=True)]
    return sorted(units, key=lambda u: u.name)


def blind_case(unit: Unit, folder: Path) -> BlindCase:
    """What an analyzer is given for a unit (harness.scoring.analyzers.base.BlindCase)."""
    case = unit.case
    by_case_file = {v: k for k, v in unit.files.items()}
    build = {k: list(v) for k, v in case.build.items() if k != "sources"}
    if case.build.get("sources"):
        build["sources"] = [by_case_file.get(s, s) for s in case.build["sources"]]
    main = next(iter(unit.files))
    return BlindCase(
        id=unit.name, path=folder, title="", summary="", language=case.language, tags=[], lenses=[], incident={},
        variants={"unit": main}, build=build, run={}, profiles={}, explain={}, files=list(unit.files),
    )  # fmt: skip


def write_unit(unit: Unit, folder: Path) -> BlindCase:
    """Write one unit's blind files into `folder` (which must not hold another unit)."""
    unit.files = write_stripped(unit.case, unit.variant, folder)
    unit.sha256 = {name: digest((folder / name).read_text(encoding="utf-8")) for name in unit.files}
    return blind_case(unit, folder)


class BlindView:
    """The units of a set of cases, written on demand under `root`, and the way back from unit paths."""

    def __init__(self, cases: list[Case], seed: int = DEFAULT_SEED, root: Path | None = None,
                 units: list[Unit] | None = None):  # fmt: skip
        self.seed = seed
        self.units = units if units is not None else plan(cases, seed)
        self.root = root
        self._by_pair = {(u.case.id, u.variant): u for u in self.units}
        self._by_name = {u.name: u for u in self.units}
        self._cases: dict[str, BlindCase] = {}

    def unit(self, case_id: str, variant: str) -> Unit:
        return self._by_pair[(case_id, variant)]

    def by_name(self, name: str) -> Unit | None:
        return self._by_name.get(name)

    def blind_case(self, unit: Unit) -> BlindCase:
        """The unit's BlindCase, its files written under root the first time it is asked for."""
        if unit.name not in self._cases:
            if self.root is None:
                raise RuntimeError("a BlindView without a root writes no unit")
            self._cases[unit.name] = write_unit(unit, self.root / unit.name)
        return self._cases[unit.name]

    def write_all(self) -> list[BlindCase]:
        return [self.blind_case(u) for u in self.units]

    # ---- the way back ---------------------------------------------------------------------------

    def locate(self, path: str, unit: Unit | None = None) -> tuple[Unit, str] | None:
        """A reported path as (unit, case file): `unit-0007/main.c` anywhere in the path (absolute, under
        the export, file:// URI), or a bare file name of `unit` (a tool run inside it). None: elsewhere."""
        if not path:
            return None
        p = path.removeprefix("file://").replace("\\", "/")
        p = os.path.normpath(p) if p else p
        m = UNIT_RE.search(p)
        if m:
            target, name = self._by_name.get(m[1]), m[2]
        elif "/" not in p and unit is not None:
            target, name = unit, p
        else:
            return None
        if target is None or name not in target.files:
            return None
        return target, target.files[name]

    def to_case(self, unit: Unit, result: Result) -> Result:
        """A result in unit paths, its findings mapped to the case's files; findings elsewhere (another
        unit, a system header) are dropped and counted in detail['outside_unit']."""
        if result.error or result.skipped:
            return result
        out = Result(detail=dict(result.detail))
        outside = 0
        for f in result.findings:
            hit = self.locate(f.path, unit)
            if hit is None or hit[0] is not unit:
                outside += 1
                continue
            related = []
            for p, n in f.related:
                r = self.locate(p, unit)
                if r is not None and r[0] is unit:
                    related.append((r[1], n))
            out.findings.append(Finding(hit[1], f.line, list(f.cwe), f.rule, f.message, related))
        if outside:
            out.detail["outside_unit"] = outside
        return out

    def analyze(self, analyzer: Analyzer, pairs: list[tuple[Case, str]], jobs: int = 1) -> list[Result]:
        """Run an analyzer over the blind units of these (case, variant) pairs, in unit order, and give
        back its results in the pairs' order, mapped to case files."""
        order = sorted((self.unit(c.id, v) for c, v in pairs), key=lambda u: u.name)
        units = [(self.blind_case(u), "unit") for u in order]
        results = analyzer.analyze_all(units, jobs)
        by_name = {u.name: self.to_case(u, r) for u, r in zip(order, results, strict=True)}
        return [by_name[self.unit(c.id, v).name] for c, v in pairs]

    # ---- the key and the index ------------------------------------------------------------------

    def key(self) -> dict[str, Any]:
        return {
            "format": KEY_FORMAT,
            "seed": self.seed,
            "note": "the answers: which case and variant each unit is. Keep it away from the analyzer.",
            "units": {u.name: {"case": u.case.id, "variant": u.variant, "files": dict(u.files), "sha256": dict(u.sha256)}
                      for u in self.units},
        }  # fmt: skip

    def index(self) -> dict[str, Any]:
        """DIR/units.json: what a pipeline needs to read or build each unit, and nothing about the cases."""
        out = []
        for u in self.units:
            bc = self._cases.get(u.name)
            if bc is None:
                continue
            entry: dict[str, Any] = {"unit": u.name, "language": bc.language, "main": bc.variants["unit"], "files": list(bc.files)}
            if bc.language in ("c", "cpp"):
                entry["compile"] = [f for f in bc.files if Path(f).suffix in COMPILED]
                for k in ("cflags", "ldflags", "libs"):
                    if bc.build.get(k):
                        entry[k] = list(bc.build[k])
            out.append(entry)
        return {"format": INDEX_FORMAT, "units": out}


@contextlib.contextmanager
def temporary(cases: list[Case], seed: int = DEFAULT_SEED) -> Iterator[BlindView]:
    """A view whose units live in a fresh temporary directory, removed afterwards (even on Ctrl-C)."""
    from harness.execution.run import workdir

    with workdir() as root:
        yield BlindView(cases, seed, root)


def reads_code(analyzer: Analyzer) -> bool:
    """Every analyzer reads code, and is given the blind view, except the lenses: they run the case."""
    from harness.scoring.analyzers.lens import LensAnalyzer

    return not isinstance(analyzer, LensAnalyzer | ExportedSarif)


# ---- export and the way back from an export -------------------------------------------------------


def default_key_path(dest: Path) -> Path:
    return dest.parent / (dest.name + ".key.json")


def _inside(path: Path, folder: Path) -> bool:
    p, f = path.resolve(), folder.resolve()
    return p == f or f in p.parents


def export(cases: list[Case], dest: Path, seed: int = DEFAULT_SEED, key_path: Path | None = None) -> tuple[BlindView, Path]:
    """Write the blind view of these cases to `dest` (new or empty) and its key to `key_path` (never
    inside dest; default DEST.key.json beside it). Returns the view and the key's path."""
    key_path = key_path or default_key_path(dest)
    if _inside(key_path, dest):
        raise UsageError(f"crashcourse export: the key {key_path} would be inside {dest}, where the analyzer reads; "
                         "give --key a path outside it")  # fmt: skip
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"crashcourse export: {dest} exists and is not an empty directory; give a new one")
    if key_path.exists() and key_path.is_dir():
        raise UsageError(f"crashcourse export: --key {key_path} is a directory")
    dest.mkdir(parents=True, exist_ok=True)
    view = BlindView(cases, seed, dest)
    view.write_all()
    (dest / INDEX_NAME).write_text(json.dumps(view.index(), indent=1) + "\n")
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_text(json.dumps(view.key(), indent=1) + "\n")
    return view, key_path


def load_key(path: Path, cases: list[Case]) -> BlindView:
    """The view an export wrote, from its key: units of the cases given (others are left out)."""
    try:
        key = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"crashcourse score: cannot read the key {path} ({e})") from None
    except json.JSONDecodeError as e:
        raise UsageError(f"crashcourse score: the key {path} is not JSON ({e.msg} at line {e.lineno})") from None
    if not isinstance(key, dict) or key.get("format") != KEY_FORMAT or not isinstance(key.get("units"), dict):
        raise UsageError(f"crashcourse score: {path} is not a blind-view key (format {KEY_FORMAT}, from crashcourse export --blind)")
    by_id = {c.id: c for c in cases}
    units = []
    for name, u in sorted(key["units"].items()):
        case = by_id.get(u.get("case"))
        if case is None or u.get("variant") not in VARIANTS:
            continue
        units.append(Unit(name, case, u["variant"], dict(u.get("files") or {}), dict(u.get("sha256") or {})))
    return BlindView(cases, int(key.get("seed", DEFAULT_SEED)), None, units)


def stale(unit: Unit) -> list[str]:
    """The unit's case files whose blind text is no longer what was exported (their lines may have moved)."""
    out = []
    for name, case_file in unit.files.items():
        src = unit.case.path / case_file
        try:
            text = strip_file(src)
        except (OSError, ValueError):
            out.append(case_file)
            continue
        text = text if text.endswith("\n") else text + "\n"
        if unit.sha256.get(name) != digest(text):
            out.append(case_file)
    return out


class ExportedSarif(Analyzer):
    """The findings an outside pipeline wrote as SARIF over an export (`score --sarif FILE --key KEY`):
    every result located at `unit-NNNN/<file>` is mapped back through the key."""

    kind = "static"

    def __init__(self, name: str, results: list[dict[str, Any]], view: BlindView, source: str):
        self.name, self.view = name, view
        self.description = f"SARIF over the blind export: {source}"
        self.languages = ("c", "cpp", "lua", "python")
        self._findings: dict[str, list[Finding]] = {}
        self.outside = 0
        for r in results:
            hit = view.locate(r["path"])
            if hit is None:
                self.outside += 1
                continue
            unit, case_file = hit
            self._findings.setdefault(unit.name, []).append(Finding(case_file, r["line"], r["cwe"], r["rule"], r["message"]))

    def missing(self):
        return None

    def analyze_all(self, units, jobs=1):
        out = []
        for case, variant in units:
            try:
                unit = self.view.unit(case.id, variant)
            except KeyError:
                out.append(Result(skipped="not in the export"))
                continue
            changed = stale(unit)
            if changed:
                out.append(Result(error=f"{unit.name}: the case changed since the export ({', '.join(changed)}); export again"))
                continue
            out.append(Result(findings=list(self._findings.get(unit.name, [])), detail={"unit": unit.name}))
        return out

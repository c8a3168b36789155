"""The case manifest (`cases/<id>/case.toml`): load, validate, and answer "what runs, expecting what".

Validation happens on load; every error names the file and the field.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from harness.corpus import machine, paths
from harness.corpus.catalog import LANGUAGES, LENS_INFO, lens_info
from harness.corpus.values import Value, field, replace
from harness.errors import ManifestError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a run's start-up does without it
if TYPE_CHECKING:
    from typing import Any

VARIANTS = ("bug", "fixed")
SIGNAL_NAMES_RE = re.compile(r"^(none|SIG[A-Z0-9]+)$")
METRIC_RE = re.compile(r"^\s*(>=|<=|==|>|<)\s*(-?[0-9.]+)\s*$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# What an expectation may check, with the Python type of its value.
EXPECT_CHECKS: dict[str, type | tuple[type, ...]] = {
    "signal": str,
    "exit_code": int,
    "timed_out": bool,
    "kind": str,
    "access": str,
    "size": int,
    "frames": list,
    "message": str,
    "stderr": list,
    "stdout": list,
    "metrics": dict,
    "warnings": list,  # compiler warning options the build of this profile must have given ("-Wformat")
}
EXPECT_META = {"variant", "lens", "profile", "when", "note"}
# What an expectation observed under another compiler still checks here (see Case.expectation_for):
# what happened and what the tool concluded, which the program's meaning decides. The rest depends on
# the compiler's code: frames (inlining, interceptor and runtime names), the message and the streams
# (the tool's wording, addresses, stack layout), the build's warnings, metrics (layout, allocation).
NEUTRAL_CHECKS = ("signal", "exit_code", "timed_out", "kind", "access", "size")

# ---- ground truth: the [flaw] table ------------------------------------------------------------------
# The flaw classes (documented in docs/analyzer-corpus.md). A class says what kind of mistake it is,
# independent of how it shows; the CWE ids say it precisely.
FLAW_CLASSES = {
    "memory-spatial": "an access outside the object's bounds (overflow, underflow, out-of-bounds index)",
    "memory-temporal": "an access to an object outside its lifetime (use after free/return/scope, double free)",
    "memory-init": "a read of memory that was never initialised",
    "memory-leak": "memory that is no longer reachable and never freed",
    "memory-management": "a free or delete that does not match the allocation (bad free, mismatched API, size)",
    "arithmetic": "integer or float arithmetic outside its defined range (division by zero, overflow, shifts)",
    "type": "an object used as a type it is not (invalid bool/enum, vptr, pure virtual, misaligned)",
    "concurrency-race": "two threads or tasks touch the same state, at least one writes, nothing orders them",
    "concurrency-deadlock": "threads, processes or tasks each waiting for another to go first, forever",
    "concurrency-lifecycle": "a thread, task or coroutine started, stopped, awaited or cancelled wrongly",
    "resource": "a resource exhausted or held without bound (memory growth, recursion depth, handles)",
    "signal-safety": "code run from a signal handler that is not async-signal-safe, a handler that never fixes the fault, a signal left to a default action the program cannot afford",
    "api-misuse": "a library or system call used against its contract (format strings, fork with threads, ...)",
    "control-flow": "execution sent where no valid code is (stale code pointer, overwritten return address)",
}
# What a flawed statement does in the flaw (DataRaceBench's R/W, extended to every class).
FLAW_ROLES = (
    "alloc", "free", "read", "write", "use", "call", "return", "compute", "convert", "declare",
    "acquire", "release", "wait", "await", "spawn", "fork", "join", "signal", "cancel", "yield", "leak",
    "trigger",
)  # fmt: skip
FLAW_KEYS = {"cwe", "class", "locations", "upstream", "missed_by", "analyzers"}
# A BUG marker: a comment that starts with BUG (`// BUG: ...`, `# BUG:`, `-- BUG`, `/* BUG`), not quoted.
BUG_MARKER_RE = re.compile(r"(?<![`'\"])(?://|#|--|/\*)\s*BUG\b")
LOCATION_RE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>[1-9][0-9]*)$")


class FlawLocation(Value, frozen=True):
    file: str  # relative to the case folder
    line: int
    role: str
    note: str = ""
    cwe: int = 0  # this statement's CWE: the location's `cwe`, else the flaw's first (set by the loader)

    @property
    def at(self) -> str:
        return f"{self.file}:{self.line}"

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"file": self.file, "line": self.line, "role": self.role}
        if self.cwe:
            d["cwe"] = self.cwe
        if self.note:
            d["note"] = self.note
        return d


class Flaw(Value, frozen=True):
    """Ground truth for the bug variant; the fixed variant is the negative (no flaw at any line)."""

    cwe: list[int]
    cls: str
    locations: list[FlawLocation]
    upstream: str = ""  # where the real flaw lives when the repro only triggers it (a runtime, a library)
    missed_by: dict[str, str] = field(default_factory=dict)  # tool -> why it is a known false negative
    analyzers: dict[str, str] = field(default_factory=dict)  # analyzer -> expected verdict (observed)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "cwe": list(self.cwe),
            "class": self.cls,
            "locations": [loc.as_dict() for loc in self.locations],
        }
        if self.upstream:
            d["upstream"] = self.upstream
        if self.missed_by:
            d["missed_by"] = dict(self.missed_by)
        if self.analyzers:
            d["analyzers"] = dict(self.analyzers)
        return d


# ---- the exercise: what a participant is given instead of the answers ----------------------------------
HINT_LEVELS = ("symptom", "lens", "where", "fix")  # revealed in this order by `exercise hint`
EXERCISE_KEYS = {"title", "symptom", "hints", "must"}


class Exercise(Value, frozen=True):
    title: str  # neutral: what the program does, never what is wrong with it
    symptom: str  # what its users saw, in their words, with no diagnosis (TASK.md)
    hints: dict[str, str]  # HINT_LEVELS -> text
    must: dict[str, Any] = field(default_factory=dict)  # what a correct fix must still do: stdout, metrics

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"title": self.title, "symptom": self.symptom, "hints": dict(self.hints)}
        if self.must:
            d["must"] = dict(self.must)
        return d


class Expectation(Value, frozen=True):
    variant: str
    lens: str
    profile: str | None
    when: dict[str, str]
    checks: dict[str, Any]
    note: str = ""
    default: bool = False  # the implied "clean" expectation of a fixed twin
    # Set on an expectation observed under another compiler only, applied here to its compiler-neutral
    # checks (`checks` keeps those, `unchecked` the rest): why this run is checked only in part.
    partial: str = ""
    unchecked: dict[str, Any] = field(default_factory=dict)

    def neutral(self, compiler: str) -> Expectation:
        """This expectation cut down to its NEUTRAL_CHECKS, for a run built by `compiler` (not the one it was
        observed under): what the run is still checked on, with the reason it is checked only in part."""
        keep = {k: v for k, v in self.checks.items() if k in NEUTRAL_CHECKS}
        rest = {k: v for k, v in self.checks.items() if k not in NEUTRAL_CHECKS}
        under = self.when.get("compiler", "?")
        why = (f"checked on compiler-neutral fields only ({', '.join(keep) or 'none'}): the expectation was observed "
               f"under {under}, this run was built by {compiler}")  # fmt: skip
        if rest:
            why += f"; not checked: {', '.join(rest)}"
        return replace(self, checks=keep, partial=why, unchecked=rest)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {**self.checks, **self.unchecked}
        if self.profile:
            d["profile"] = self.profile
        if self.when:
            d["when"] = dict(self.when)
        if self.note:
            d["note"] = self.note
        if self.partial:
            d["checked"] = f"compiler-neutral fields only (observed under {self.when.get('compiler', '?')})"
            d["unchecked"] = list(self.unchecked)
        return d


CLEAN = {"signal": "none", "exit_code": 0, "timed_out": False, "kind": "none"}


class RunSpec(Value, frozen=True):
    """One run to do: a case's variant under a lens and profile."""

    case: Case
    variant: str
    lens: str
    profile: str

    @property
    def id(self) -> str:
        return f"{self.case.id}[{self.variant}-{self.lens}-{self.profile}]"


class Case(Value, eq=False):
    id: str
    path: Path  # the case folder
    title: str
    summary: str
    language: str
    tags: list[str]
    lenses: list[str]
    incident: dict[str, str]
    variants: dict[str, str]
    build: dict[str, list[str]]
    run: dict[str, Any]
    profiles: dict[str, list[str]]
    explain: dict[str, str]
    gdb: dict[str, Any] = field(default_factory=dict)
    expectations: list[Expectation] = field(default_factory=list)
    flaw: Flaw | None = None
    picture: dict[str, str] = field(default_factory=dict)  # [picture]: caption, handler (hints, never coordinates)
    exercise: Exercise | None = None  # [exercise]: what a participant is told, level by level
    artifact_name: str = ""  # what its builds are called, when not '<id>-<variant>' (a participant's copy)

    @property
    def manifest_path(self) -> Path:
        return self.path / "case.toml"

    def source(self, variant: str) -> Path:
        return self.path / self.variants[variant]

    def profiles_for(self, lens: str) -> list[str]:
        return self.profiles.get(lens) or lens_info(lens).default_profiles(self.language)

    def runs(self, lenses: list[str] | None = None, variants: list[str] | None = None) -> list[RunSpec]:
        out = []
        for lens in self.lenses:
            if lenses and lens not in lenses:
                continue
            for profile in self.profiles_for(lens):
                for variant in VARIANTS:
                    if variants and variant not in variants:
                        continue
                    out.append(RunSpec(self, variant, lens, profile))
        return out

    def expectation_for(self, spec: RunSpec) -> tuple[Expectation | None, str]:
        """The expectation that applies to a run here, or None and the reason it is skipped."""
        candidates = [
            e
            for e in self.expectations
            if e.variant == spec.variant and e.lens == spec.lens and e.profile in (None, spec.profile)
        ]
        # explicit profile beats none; then file order (sort is stable)
        matching = sorted((e for e in candidates if machine.matches(e.when)), key=lambda e: 0 if e.profile else 1)
        if matching:
            return matching[0], ""
        if spec.variant == "fixed" and not candidates:
            return Expectation("fixed", spec.lens, None, {}, dict(CLEAN), "the fixed twin runs clean", True), ""
        # Observed only under another compiler, on a machine like this one otherwise: the run still runs,
        # checked on what does not depend on the compiler (NEUTRAL_CHECKS), and says so.
        elsewhere = sorted(
            (e for e in candidates if "compiler" in e.when and machine.matches({k: v for k, v in e.when.items() if k != "compiler"})),
            key=lambda e: 0 if e.profile else 1,
        )  # fmt: skip
        here = machine.fact("compiler")
        for e in elsewhere:
            cut = e.neutral(here)
            if cut.checks:
                return cut, ""
        conds = "; ".join(", ".join(f"{k}={v}" for k, v in e.when.items()) for e in candidates) or "none"
        facts = ", ".join(f"{k}={v}" for k, v in machine.facts().items())
        none_neutral = " (whose checks all depend on the compiler: none of " + ", ".join(NEUTRAL_CHECKS) + ")" if elsewhere else ""
        return None, (
            f"no expectation was observed for this machine ({facts}); the manifest covers: {conds}{none_neutral}. "
            f"Run it, and add an expectation from what you observe."
        )


def _req(data: dict, key: str, typ, path: Path, prefix: str = ""):
    if key not in data:
        raise ManifestError(path, prefix + key, "is missing")
    val = data[key]
    if not isinstance(val, typ):
        raise ManifestError(path, prefix + key, f"must be {_tname(typ)}, not {type(val).__name__}")
    return val


def _opt(data: dict, key: str, typ, default, path: Path, prefix: str = ""):
    if key not in data:
        return default
    return _req(data, key, typ, path, prefix)


def _tname(typ) -> str:
    if isinstance(typ, tuple):
        return " or ".join(t.__name__ for t in typ)
    return {"str": "a string", "list": "a list", "dict": "a table", "int": "an integer", "bool": "true or false"}.get(
        typ.__name__, typ.__name__
    )


def _str_list(data: dict, key: str, path: Path, prefix: str = "") -> list[str]:
    val = _opt(data, key, list, [], path, prefix)
    for i, item in enumerate(val):
        if not isinstance(item, str):
            raise ManifestError(path, f"{prefix}{key}[{i}]", "must be a string")
    return val


TOP_KEYS = {
    "id", "title", "summary", "language", "tags", "lenses", "incident", "variants",
    "build", "run", "profiles", "explain", "expect", "gdb", "flaw", "picture", "exercise",
}  # fmt: skip


def load_case(folder: Path) -> Case:
    path = folder / "case.toml"
    try:
        data, keep = read_toml(path)
    except FileNotFoundError:
        raise ManifestError(path, None, "does not exist; every case folder needs a case.toml") from None
    except ValueError as e:  # tomllib.TOMLDecodeError, or bytes that are not UTF-8
        raise ManifestError(path, None, f"is not valid TOML ({e})") from None
    case = parse_case(data, folder, path)
    keep()  # only a valid manifest is kept: a malformed corpus leaves nothing behind
    return case


PARSED_FORMAT = "1"  # bump to drop every parsed manifest kept in the cache


def read_toml(path: Path) -> tuple[dict, Callable[[], None]]:
    """A TOML file as data, and a function that keeps that data in the cache folder, keyed by the text.

    A one-case command then reads JSON instead of importing and running tomllib (~15 ms of its
    start-up). The key is a hash of the text, so an edited manifest is parsed afresh; only data that
    JSON carries back exactly is kept (a TOML date is not: that file is parsed every time)."""
    text = path.read_text(encoding="utf-8")
    key = paths.sha256(f"{PARSED_FORMAT}\0{text}".encode()).hexdigest()[:24]
    kept = paths.cache_root() / "manifests" / f"{key}.json"
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(kept.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data, lambda: None
    import tomllib

    data = tomllib.loads(text)

    def keep() -> None:
        with contextlib.suppress(OSError, TypeError, ValueError):
            blob = json.dumps(data, ensure_ascii=False)
            if json.loads(blob) == data:
                paths.write_atomically(kept, blob)

    return data, keep


def parse_case(data: dict, folder: Path, path: Path) -> Case:
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise ManifestError(path, unknown[0], f"is not a manifest field (known: {', '.join(sorted(TOP_KEYS))})")
    cid = _req(data, "id", str, path)
    if cid != folder.name:
        raise ManifestError(path, "id", f"is '{cid}' but the folder is '{folder.name}'; they must be equal")
    if not ID_RE.match(cid):
        raise ManifestError(path, "id", "must be lowercase letters, digits and dashes")
    title = _req(data, "title", str, path)
    summary = _req(data, "summary", str, path)
    language = _req(data, "language", str, path)
    if language not in LANGUAGES:
        raise ManifestError(path, "language", f"is '{language}'; use one of {', '.join(LANGUAGES)}")
    tags = _str_list(data, "tags", path)
    lenses = _str_list(data, "lenses", path)
    if not lenses:
        raise ManifestError(path, "lenses", "must name at least one lens")
    for i, lens in enumerate(lenses):
        if lens not in LENS_INFO:
            raise ManifestError(path, f"lenses[{i}]", f"'{lens}' is not a lens (known: {', '.join(LENS_INFO)})")
        if language not in LENS_INFO[lens].languages:
            raise ManifestError(path, f"lenses[{i}]", f"lens '{lens}' does not run {language} cases")
    incident = _req(data, "incident", dict, path)
    for k in ("title", "url"):
        _req(incident, k, str, path, "incident.")
    variants = _req(data, "variants", dict, path)
    for v in VARIANTS:
        fname = _req(variants, v, str, path, "variants.")
        if not (folder / fname).is_file():
            raise ManifestError(path, f"variants.{v}", f"names '{fname}', which is not a file in {folder}")
    build = _opt(data, "build", dict, {}, path)
    for k in build:
        if k not in ("cflags", "ldflags", "libs", "sources"):
            raise ManifestError(path, f"build.{k}", "is not a build field (known: cflags, ldflags, libs, sources)")
        _str_list(build, k, path, "build.")
    run = _opt(data, "run", dict, {}, path)
    for k, typ in {"timeout_s": (int, float), "memory_mb": int, "env": dict, "lua_runtime": dict,
                   "send_signal": dict, "cpu_s": int}.items():  # fmt: skip
        _opt(run, k, typ, None, path, "run.")
    for k in run:
        if k not in ("timeout_s", "memory_mb", "env", "lua_runtime", "send_signal", "cpu_s"):
            raise ManifestError(path, f"run.{k}", "is not a run field (known: timeout_s, memory_mb, env, cpu_s, send_signal, lua_runtime)")
    for variant, recipe in run.get("lua_runtime", {}).items():
        if language != "lua":
            raise ManifestError(path, "run.lua_runtime", "is only for lua cases")
        if variant not in VARIANTS:
            raise ManifestError(path, f"run.lua_runtime.{variant}", "must be bug or fixed")
        from harness.corpus.paths import root

        if not isinstance(recipe, str) or not (root() / recipe / "build.sh").is_file():
            raise ManifestError(path, f"run.lua_runtime.{variant}", f"must name a folder with a build.sh, like native/luajit-old (got {recipe!r})")
    if "send_signal" in run:
        _req(run["send_signal"], "signal", str, path, "run.send_signal.")
    profiles = _opt(data, "profiles", dict, {}, path)
    for lens, plist in profiles.items():
        if lens not in lenses:
            raise ManifestError(path, f"profiles.{lens}", f"names lens '{lens}', which is not in lenses")
        _str_list(profiles, lens, path, "profiles.")
        allowed = LENS_INFO[lens].allowed_profiles(language)
        for p in plist:
            if allowed is not None and p not in allowed:
                raise ManifestError(path, f"profiles.{lens}", f"profile '{p}' is not one of {', '.join(allowed)}")
    explain = _opt(data, "explain", dict, {}, path)
    for k, v in explain.items():
        if not isinstance(v, str):
            raise ManifestError(path, f"explain.{k}", "must be a string")

    gdb = _opt(data, "gdb", dict, {}, path)
    for k in gdb:
        if k != "commands":
            raise ManifestError(path, f"gdb.{k}", "is not a gdb field (known: commands)")
        _str_list(gdb, k, path, "gdb.")
    case = Case(cid, folder, title, summary, language, tags, lenses, incident, variants, build, run, profiles, explain, gdb)
    raw_expect = _opt(data, "expect", list, [], path)
    for i, e in enumerate(raw_expect):
        case.expectations.append(_parse_expectation(e, i, case, path))
    if "flaw" not in data:
        raise ManifestError(
            path, "flaw", "is missing; every case needs its ground truth: a [flaw] table with cwe, class and "
            "locations (see docs/analyzer-corpus.md and cases/double-free/case.toml)"
        )
    case.flaw = _parse_flaw(data["flaw"], case, path)
    picture = _opt(data, "picture", dict, {}, path)
    for k, v in picture.items():
        if k not in ("caption", "handler"):
            raise ManifestError(path, f"picture.{k}", "is not a picture field (known: caption, handler); pictures are drawn from the runs, never placed by hand")
        if not isinstance(v, str):
            raise ManifestError(path, f"picture.{k}", "must be a string")
    case.picture = dict(picture)
    if "exercise" in data:
        case.exercise = _parse_exercise(data["exercise"], path)
    # every bug run needs an expectation (for some machine)
    for spec in case.runs(variants=["bug"]):
        if not any(
            e.variant == "bug" and e.lens == spec.lens and e.profile in (None, spec.profile) for e in case.expectations
        ):
            raise ManifestError(
                path, "expect", f"has no expectation for the bug under lens '{spec.lens}' profile '{spec.profile}'"
            )
    return case


def _parse_expectation(e: Any, i: int, case: Case, path: Path) -> Expectation:
    p = f"expect[{i}]."
    if not isinstance(e, dict):
        raise ManifestError(path, f"expect[{i}]", "must be a table ([[expect]])")
    unknown = sorted(set(e) - set(EXPECT_CHECKS) - EXPECT_META)
    if unknown:
        raise ManifestError(path, p + unknown[0], f"is not an expectation field (known: {', '.join(sorted(set(EXPECT_CHECKS) | EXPECT_META))})")
    variant = _opt(e, "variant", str, "bug", path, p)
    if variant not in VARIANTS:
        raise ManifestError(path, p + "variant", f"is '{variant}'; use bug or fixed")
    lens = _req(e, "lens", str, path, p)
    if lens not in case.lenses:
        raise ManifestError(path, p + "lens", f"'{lens}' is not in this case's lenses ({', '.join(case.lenses)})")
    profile = _opt(e, "profile", str, None, path, p)
    if profile is not None and profile not in case.profiles_for(lens):
        raise ManifestError(path, p + "profile", f"'{profile}' is not a profile lens '{lens}' runs here ({', '.join(case.profiles_for(lens))})")
    when = _opt(e, "when", dict, {}, path, p)
    for k, v in when.items():
        if k not in machine.FACT_NAMES:
            raise ManifestError(path, f"{p}when.{k}", f"is not a machine fact (known: {', '.join(machine.FACT_NAMES)})")
        if not isinstance(v, str):
            raise ManifestError(path, f"{p}when.{k}", "must be a string")
    checks: dict[str, Any] = {}
    for k, typ in EXPECT_CHECKS.items():
        if k in e:
            val = e[k]
            if not isinstance(val, typ) or (typ is int and isinstance(val, bool)):
                raise ManifestError(path, p + k, f"must be {_tname(typ)}")
            checks[k] = val
    if "signal" in checks and not SIGNAL_NAMES_RE.match(checks["signal"]):
        raise ManifestError(path, p + "signal", f"'{checks['signal']}' is not a signal name like SIGSEGV, or none")
    for k in ("frames", "stderr", "stdout"):
        for j, item in enumerate(checks.get(k, [])):
            if not isinstance(item, str):
                raise ManifestError(path, f"{p}{k}[{j}]", "must be a string")
            if k != "frames":
                try:
                    re.compile(item)
                except re.error as err:
                    raise ManifestError(path, f"{p}{k}[{j}]", f"is not a valid regular expression ({err})") from None
    for j, item in enumerate(checks.get("warnings", [])):
        if not isinstance(item, str) or not re.fullmatch(r"-W[\w=+-]+", item):
            raise ManifestError(path, f"{p}warnings[{j}]", "must be a warning option like '-Wformat' or '-Wuse-after-free'")
    for name, cond in checks.get("metrics", {}).items():
        if not isinstance(cond, str) or not METRIC_RE.match(cond):
            raise ManifestError(path, f"{p}metrics.{name}", "must be a comparison like '>= 50' or '== 0'")
    if not checks:
        raise ManifestError(path, f"expect[{i}]", "checks nothing; give at least signal or kind")
    return Expectation(variant, lens, profile, when, checks, _opt(e, "note", str, "", path, p))


def bug_marker_lines(path: Path) -> set[int]:
    """1-based numbers of the lines of a source file that carry a BUG marker."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {i for i, line in enumerate(text.splitlines(), 1) if BUG_MARKER_RE.search(line)}


def _table(raw: Any, name: str, known: set[str], path: Path) -> None:
    """A top-level table ([flaw], [exercise]): a table, with only the fields it knows."""
    if not isinstance(raw, dict):
        raise ManifestError(path, name, f"must be a table ([{name}])")
    unknown = sorted(set(raw) - known)
    if unknown:
        article = "an" if name[0] in "aeiou" else "a"
        raise ManifestError(path, f"{name}.{unknown[0]}", f"is not {article} {name} field (known: {', '.join(sorted(known))})")


def _parse_flaw(raw: Any, case: Case, path: Path) -> Flaw:
    p = "flaw."
    _table(raw, "flaw", FLAW_KEYS, path)
    cwe = _req(raw, "cwe", list, path, p)
    if not cwe:
        raise ManifestError(path, p + "cwe", "must list at least one CWE id, e.g. [415]")
    for i, c in enumerate(cwe):
        if not isinstance(c, int) or isinstance(c, bool) or c <= 0:
            raise ManifestError(path, f"{p}cwe[{i}]", "must be a CWE number like 415 (not 'CWE-415')")
    cls = _req(raw, "class", str, path, p)
    if cls not in FLAW_CLASSES:
        raise ManifestError(path, p + "class", f"is '{cls}'; use one of {', '.join(FLAW_CLASSES)}")
    raw_locs = _req(raw, "locations", list, path, p)
    if not raw_locs:
        raise ManifestError(path, p + "locations", "must list every flawed statement as { at = \"repro.c:42\", role = \"free\" }")
    locations: list[FlawLocation] = []
    markers: dict[str, set[int]] = {}
    for i, loc in enumerate(raw_locs):
        lp = f"{p}locations[{i}]"
        if not isinstance(loc, dict):
            raise ManifestError(path, lp, 'must be a table like { at = "repro.c:42", role = "free" }')
        extra = sorted(set(loc) - {"at", "role", "note", "cwe"})
        if extra:
            raise ManifestError(path, f"{lp}.{extra[0]}", "is not a location field (known: at, role, cwe, note)")
        at = _req(loc, "at", str, path, lp + ".")
        m = LOCATION_RE.match(at)
        if not m:
            raise ManifestError(path, f"{lp}.at", f"is '{at}'; write file:line, e.g. \"{case.variants['bug']}:42\"")
        fname, line = m["file"], int(m["line"])
        src = (case.path / fname).resolve()
        if not src.is_file() or case.path.resolve() not in src.parents:
            raise ManifestError(path, f"{lp}.at", f"names '{fname}', which is not a file in {case.path}")
        if fname == case.variants["fixed"]:
            raise ManifestError(path, f"{lp}.at", "points into the fixed variant; the fixed twin has no flaw")
        role = _req(loc, "role", str, path, lp + ".")
        if role not in FLAW_ROLES:
            raise ManifestError(path, f"{lp}.role", f"is '{role}'; use one of {', '.join(FLAW_ROLES)}")
        if fname not in markers:
            markers[fname] = bug_marker_lines(src)
        if line not in markers[fname]:
            near = sorted(markers[fname], key=lambda n: abs(n - line))[:3]
            hint = f"BUG markers are on line(s) {', '.join(map(str, sorted(near)))}" if near else "the file has no BUG marker"
            raise ManifestError(
                path, f"{lp}.at", f"{at} has no BUG marker ({hint}); point it at the marked statement, or mark it"
            )
        loc_cwe = loc.get("cwe", cwe[0])
        if not isinstance(loc_cwe, int) or isinstance(loc_cwe, bool) or loc_cwe <= 0:
            raise ManifestError(path, f"{lp}.cwe", "must be a CWE number like 476 (not 'CWE-476'): this statement's own CWE")
        if loc_cwe not in cwe:
            raise ManifestError(path, f"{lp}.cwe", f"is {loc_cwe}, which is not one of the flaw's CWEs "
                                f"({', '.join(map(str, cwe))}); add it to flaw.cwe, or name one of those")  # fmt: skip
        locations.append(FlawLocation(fname, line, role, _opt(loc, "note", str, "", path, lp + "."), loc_cwe))
    if cls in ("concurrency-race", "concurrency-deadlock") and len(locations) < 2:
        raise ManifestError(path, p + "locations", f"a {cls} flaw needs both sides (two or more locations), like DataRaceBench's access pairs")
    upstream = _opt(raw, "upstream", str, "", path, p)
    missed_by = _opt(raw, "missed_by", dict, {}, path, p)
    for k, v in missed_by.items():
        if not isinstance(v, str) or not v.strip():
            raise ManifestError(path, f"{p}missed_by.{k}", "must be a sentence saying why the tool misses this flaw")
    analyzers = _opt(raw, "analyzers", dict, {}, path, p)
    for k, v in analyzers.items():
        if v not in ("caught", "missed"):
            raise ManifestError(path, f"{p}analyzers.{k}", "must be \"caught\" or \"missed\" (the verdict observed)")
    _check_missed_by(missed_by, case, path)
    return Flaw(list(cwe), cls, locations, upstream, dict(missed_by), dict(analyzers))


def _parse_exercise(raw: Any, path: Path) -> Exercise:
    p = "exercise."
    _table(raw, "exercise", EXERCISE_KEYS, path)
    title = _req(raw, "title", str, path, p)
    symptom = _req(raw, "symptom", str, path, p)
    hints = _req(raw, "hints", dict, path, p)
    for level in HINT_LEVELS:
        text = _req(hints, level, str, path, p + "hints.")
        if not text.strip():
            raise ManifestError(path, f"{p}hints.{level}", "is empty; write the hint a participant reads at this level")
    extra = sorted(set(hints) - set(HINT_LEVELS))
    if extra:
        raise ManifestError(path, f"{p}hints.{extra[0]}", f"is not a hint level (known, in order: {', '.join(HINT_LEVELS)})")
    must = _opt(raw, "must", dict, {}, path, p)
    for k in must:
        if k not in ("stdout", "stderr", "metrics", "exit_code"):
            raise ManifestError(path, f"{p}must.{k}", "is not a check a fix must keep (known: stdout, stderr, metrics, exit_code)")
    for k in ("stdout", "stderr"):
        for j, item in enumerate(_str_list(must, k, path, p + "must.")):
            try:
                re.compile(item)
            except re.error as err:
                raise ManifestError(path, f"{p}must.{k}[{j}]", f"is not a valid regular expression ({err})") from None
    for name, cond in _opt(must, "metrics", dict, {}, path, p + "must.").items():
        if not isinstance(cond, str) or not METRIC_RE.match(cond):
            raise ManifestError(path, f"{p}must.metrics.{name}", "must be a comparison like '>= 50' or '== 0'")
    return Exercise(title, symptom, {k: hints[k] for k in HINT_LEVELS}, dict(must))


def reports_flaw(checks: dict[str, Any]) -> bool:
    """Does an expectation's observation report anything (a signal, a diagnosis, a failing exit, a hang)?

    A bug run that reports nothing is a false negative of that lens; a fixed run that reports something
    is a false alarm."""
    return (
        checks.get("signal", "none") != "none"
        or checks.get("kind", "none") != "none"
        or checks.get("exit_code", 0) != 0
        or checks.get("timed_out", False) is True
    )


def _check_missed_by(missed_by: dict[str, str], case: Case, path: Path) -> None:
    """Keys are a lens (`asan`), a lens and profile (`"plain:asyncio"`) or an analyzer name; every lens
    whose observed bug expectation reports nothing must say why it misses the flaw."""
    p = "flaw.missed_by."
    for key in missed_by:
        lens, _, profile = key.partition(":")
        if lens in LENS_INFO:
            if lens not in case.lenses:
                raise ManifestError(path, p + key, f"names lens '{lens}', which is not in this case's lenses ({', '.join(case.lenses)})")
            if profile and profile not in case.profiles_for(lens):
                raise ManifestError(path, p + key, f"names profile '{profile}', which lens '{lens}' does not run here ({', '.join(case.profiles_for(lens))})")
        elif profile or not ID_RE.match(lens):
            raise ManifestError(path, p + key, "must be a lens of this case, \"lens:profile\", or an analyzer name")
    for e in case.expectations:
        if e.variant != "bug" or reports_flaw(e.checks):
            continue
        profiles = [e.profile] if e.profile else case.profiles_for(e.lens)
        for prof in profiles:
            if e.lens not in missed_by and f"{e.lens}:{prof}" not in missed_by:
                key = e.lens if len(case.profiles_for(e.lens)) == 1 else f'"{e.lens}:{prof}"'
                raise ManifestError(
                    path, "flaw.missed_by", f"has no entry for lens '{e.lens}' (profile {prof}), whose bug run observes "
                    f"nothing: a known false negative needs a sentence, e.g. missed_by = {{ {key} = \"why it misses\" }}"
                )

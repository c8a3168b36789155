"""`crashcourse exercise check`: does the participant's code behave as a fixed program does, under every lens?

The participant's folder becomes a Case of its own (path = the workspace, variant bug = main.<ext>)
and runs through the normal pipeline (build cache keyed by content: unchanged code is not rebuilt).
Each run is judged against what the FIXED twin is expected to do under that lens and profile, read
from the shipped manifest on this machine:

- no diagnosis, no signal, no hang, and the fixed twin's exit status (its expectation, or the
  implied clean one);
- its behaviour: the case's `[exercise] must` (stdout, stderr, metrics, exit_code) where the case
  declares it, in every lens that runs the program; else the fixed twin's one-line stdout/stderr
  patterns for that lens (a pattern pinning its whole transcript, \\A..\\Z or several lines, is the
  twin's own wording: left out); the fixed twin's metrics always (not where the fix is a runtime);
  and where nothing is declared, the lines both shipped twins print under plain (the program's job,
  which a fix keeps and deleting the feature loses), run once and cached by content;
- under valgrind, memcheck's full leak check for every exercise: a fix must not trade the bug for a leak;
- never line numbers, frames or snapshots: a fix may move code.

Concurrency cases that force their interleaving (the code reads CRASHCOURSE_NATURAL) are checked with
their forcing, and again under natural timing (CRASHCOURSE_NATURAL=1, `natural` repeats, judged clean).
A "fix" that only deletes the forcing is told apart by behaviour: the forcing code reports
`CRASHCOURSE_METRIC forcing_reached=N` at the end of the run, the fixed twin's expectation requires
that N (the forcing attempted its interleaving), and so does check. A fixed program still reaches
the forcing point (its wait times out: the other side cannot get in); a program whose forcing was
removed does not. The C/C++ concurrency cases are also judged by their race and lock-order
detectors (tsan, helgrind, drd), which see the flaw without the interleaving happening.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.corpus import machine, values
from harness.corpus.manifest import CLEAN, Case, Expectation, RunSpec
from harness.corpus.strip import unit_files
from harness.execution import build
from harness.pipeline import execute as pipeline
from harness.pipeline.compare import Mismatch
from harness.pipeline.record import RunRecord, describe
from harness.teaching.exercises.workspace import (
    NATURAL_ENV,
    Workspace,
    exercise_title,
    now,
    reads_natural,
    sha,
)

CORE = ("signal", "exit_code", "timed_out", "kind")
BEHAVIOUR = ("stdout", "stderr", "metrics")
STATIC_LENSES = {"fanalyzer"}  # nothing runs: no output, no behaviour to keep
NATURAL_REPEATS = 3
NATURAL_TIMEOUT_S, NATURAL_TIMEOUT_FACTOR = 15.0, 5
FORCING_METRIC = "forcing_reached"
BASELINE_VERSION = "2"


# ---- the participant's code as a case --------------------------------------------------------------


def participant_case(ws: Workspace, shipped: Case, natural: bool = False) -> Case:
    """The workspace as a Case: its code is the bug variant, the shipped case's lenses, build and run."""
    run = dict(shipped.run)
    run["env"] = {**shipped.run.get("env", {}), NATURAL_ENV: "1" if natural else "0"}
    if natural:  # more rounds than the forced run: a slow clean run is no hang (a real deadlock is proven in ms)
        run["timeout_s"] = max(NATURAL_TIMEOUT_S, NATURAL_TIMEOUT_FACTOR * float(shipped.run.get("timeout_s", 10)))
    build_cfg = {k: list(v) for k, v in shipped.build.items()}
    if "sources" in build_cfg:  # write_stripped puts each extra source at its file name
        build_cfg["sources"] = [Path(s).name for s in build_cfg["sources"]]
    # memcheck's full leak check under valgrind, whatever the case is about: a fix must not trade the
    # bug for a leak (every shipped fixed twin that valgrind runs is leak-free: tests/test_exercises.py)
    tags = list(shipped.tags) + ([] if "leak" in shipped.tags or "valgrind" not in shipped.lenses else ["leak"])
    case = Case(
        shipped.id, ws.path.resolve(), exercise_title(shipped), "", shipped.language, tags,
        ["plain"] if natural else list(shipped.lenses), {}, {"bug": ws.main, "fixed": ws.main}, build_cfg, run,
        dict(shipped.profiles), {}, dict(shipped.gdb),
    )  # fmt: skip
    case.artifact_name = "main"  # the executable and module: never '<case id>-bug' in what the participant reads
    return case


def fix_expectation(shipped: Case, lens: str, profile: str, natural: bool = False) -> tuple[Expectation | None, str]:
    """What the participant's run under this lens and profile must show: the fixed twin's expectation here
    (core checks, and behaviour), with the exercise's `must`. None and the reason when this machine has none."""
    exp, why = shipped.expectation_for(RunSpec(shipped, "fixed", lens, profile))
    if exp is None:
        return None, why
    checks = {k: exp.checks[k] for k in CORE if k in exp.checks}
    for k, v in CLEAN.items():
        checks.setdefault(k, v)
    must = dict(shipped.exercise.must) if shipped.exercise else {}
    if "exit_code" in must:
        checks["exit_code"] = must["exit_code"]
    if not natural and lens not in STATIC_LENSES:
        # a declared `must` is the program's job; else the fixed twin's own patterns, unless the twin is a
        # script for another runtime (the fix is the runtime: its words are not the program's)
        source = must if must else ({} if runtime_fix(shipped) else exp.checks)
        for k in ("stdout", "stderr"):
            kept = [p for p in source.get(k, []) if source is must or not transcript(p)]
            if kept:
                checks[k] = kept
        metrics = {**({} if runtime_fix(shipped) else exp.checks.get("metrics", {})), **must.get("metrics", {})}
        if metrics:
            checks["metrics"] = metrics
    note = "natural timing: clean" if natural else "as the fixed twin"
    return Expectation("bug", lens, profile, {}, checks, note), ""


def transcript(pattern: str) -> bool:
    """Does a fixed twin's pattern pin its whole transcript (\\A..\\Z, or several lines at once)? That is the
    twin's own wording and order (its step lines, a second demonstration): a participant's correct fix prints
    its own, so check keeps only the twin's one-line patterns (and a declared `must`, whatever its shape)."""
    return "\\n" in pattern or "\n" in pattern or pattern.startswith("\\A") or pattern.endswith("\\Z")


def runtime_fix(shipped: Case) -> bool:
    """Is the fix a runtime, not code? (The bug runs on another LuaJIT than its twin: `run.lua_runtime`.)
    The participant's code runs on the bug's runtime, so only a code-level mitigation can pass there."""
    rt = shipped.run.get("lua_runtime", {})
    return rt.get("bug") != rt.get("fixed")


@dataclass
class Planned:
    spec: RunSpec
    natural: bool = False
    skip: str = ""


def plan(ws: Workspace, shipped: Case, lenses: list[str] | None = None, natural: int = NATURAL_REPEATS) -> list[Planned]:
    forced = participant_case(ws, shipped)
    out: list[Planned] = []
    for spec in forced.runs(lenses=lenses, variants=["bug"]):
        exp, why = fix_expectation(shipped, spec.lens, spec.profile)
        if exp is not None:
            forced.expectations.append(exp)
        out.append(Planned(spec, False, why))
    if natural > 0 and reads_natural(shipped) and (not lenses or "plain" in lenses):
        nat = participant_case(ws, shipped, natural=True)
        for spec in nat.runs(variants=["bug"]):
            exp, why = fix_expectation(shipped, spec.lens, spec.profile, natural=True)
            if exp is not None:
                nat.expectations.append(exp)
            out += [Planned(spec, True, why) for _ in range(natural)]
    return out


# ---- the program's job, when the case declares none: what both shipped twins print --------------------

_ADDR = re.compile(r"0x[0-9a-fA-F]{4,}")


def _line_pattern(line: str) -> str:
    parts = _ADDR.split(line)
    return "^" + "0x[0-9a-fA-F]+".join(re.escape(p) for p in parts) + "$"


def declares_behaviour(exp: Expectation | None) -> bool:
    return exp is not None and any(exp.checks.get(k) for k in BEHAVIOUR)


def baseline_key(shipped: Case) -> str:
    parts = [BASELINE_VERSION, machine.machine_key(shipped.language), shipped.id]
    for v in ("bug", "fixed"):
        for f in unit_files(shipped, v):
            parts.append(f.name + ":" + sha(f.source.read_bytes()))
    return sha(json.dumps(parts).encode())[:20]


def baseline_file(shipped: Case) -> Path:
    return build.cache_root() / "exercises" / f"{shipped.id}-{baseline_key(shipped)}.json"


def shared_lines(bug_out: str, fixed_out: str) -> list[str]:
    bug = set(bug_out.splitlines())
    out: list[str] = []
    for line in fixed_out.splitlines():
        if line.strip() and line in bug and not line.startswith("CRASHCOURSE_STEP") and line not in out:
            out.append(line)
    return out


def baseline_specs(shipped: Case) -> list[RunSpec]:
    """The shipped twins under plain, forced (never natural, whatever the environment says)."""
    quiet = values.replace(shipped, run={**shipped.run, "env": {**shipped.run.get("env", {}), NATURAL_ENV: "0"}})
    profile = shipped.profiles_for("plain")[0]
    return [RunSpec(quiet, v, "plain", profile) for v in ("bug", "fixed")]


def load_baseline(shipped: Case) -> list[str] | None:
    try:
        return json.loads(baseline_file(shipped).read_text())["lines"]
    except (OSError, ValueError, KeyError):
        return None


def store_baseline(shipped: Case, records: list[RunRecord]) -> list[str]:
    by = {r.variant: r for r in records}
    if any(v not in by or by[v].skipped for v in ("bug", "fixed")) or not by["fixed"].ok:
        return []  # the twins did not both run as expected here: no baseline (and nothing cached)
    lines = shared_lines(by["bug"].stdout, by["fixed"].stdout)
    path = baseline_file(shipped)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"case": shipped.id, "lines": lines}, indent=1))
        tmp.replace(path)
    return lines


# ---- the verdict --------------------------------------------------------------------------------


@dataclass
class Finding:
    lens: str
    profile: str
    natural: bool
    text: str


@dataclass
class Verdict:
    case: str
    passed: bool
    findings: list[Finding] = field(default_factory=list)
    records: list[RunRecord] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (run, reason)
    baseline: list[str] = field(default_factory=list)
    checked: int = 0  # runs judged (not skipped)

    def as_json(self) -> dict:
        return {
            "case": self.case, "passed": self.passed, "checked": self.checked,
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "skipped": [{"run": r, "reason": why} for r, why in self.skipped],
            "runs": [{**r.as_json(), "natural": _is_natural(r)} for r in self.records],
        }  # fmt: skip


def _is_natural(rec: RunRecord) -> bool:
    return rec.expected.get("note") == "natural timing: clean"


def check(
    ws: Workspace,
    shipped: Case,
    jobs: int = 1,
    lenses: list[str] | None = None,
    natural: int = NATURAL_REPEATS,
    fail_fast: bool = False,
    on_record: Callable[[RunRecord], None] | None = None,
) -> Verdict:
    """Run the participant's code under the case's lenses and judge it; record the result in the workspace."""
    planned = plan(ws, shipped, lenses, natural)
    runnable = [p for p in planned if not p.skip]
    verdict = Verdict(shipped.id, False)
    verdict.skipped = [(f"{p.spec.lens}@{p.spec.profile}", p.skip) for p in planned if p.skip]

    # the program's job, when nothing declares it: both shipped twins' plain output (cached)
    plain_decl = [p for p in runnable if p.spec.lens == "plain" and not p.natural]
    need_base = bool(plain_decl) and not any(declares_behaviour(p.spec.case.expectation_for(p.spec)[0]) for p in plain_decl)
    base = load_baseline(shipped) if need_base else []
    base_specs = baseline_specs(shipped) if need_base and base is None else []

    if fail_fast:
        records = _run_fail_fast([p.spec for p in runnable], base_specs, jobs, on_record)
    else:
        records = pipeline.run_all([p.spec for p in runnable] + base_specs, jobs, on_record=on_record)
    base_records = records[len(records) - len(base_specs):] if base_specs else []
    mine = records[: len(records) - len(base_specs)] if base_specs else records
    if base_specs:
        base = store_baseline(shipped, base_records) if len(base_records) == 2 else []
    verdict.baseline = list(base or [])
    names = [p.name for p in ws.code_files()]
    bug_kinds = _bug_kinds(shipped)
    natural_seen = 0
    for rec in mine:
        if _is_natural(rec):
            natural_seen += 1
            rec.repeat = natural_seen - 1  # the natural repeats are separate runs of one spec: number them
        if rec.skipped:
            verdict.skipped.append((f"{rec.lens}@{rec.profile}", str(rec.skipped)))
            continue
        verdict.checked += 1
        natural_run = _is_natural(rec)
        if rec.ok and rec.lens == "plain" and not natural_run and verdict.baseline and not declares_behaviour_rec(rec):
            missing = [ln for ln in verdict.baseline if not re.search(_line_pattern(ln), rec.stdout, re.M)]
            if missing:
                rec.ok = False
                rec.mismatches = [Mismatch("stdout", _line_pattern(ln), "(no match)") for ln in missing]
                rec.expected = {**rec.expected, "job": list(verdict.baseline)}
        verdict.records.append(rec)
        if not rec.ok:
            texts = explain(rec, names, bug_kinds.get(rec.lens, set()), missing_lines=rec.expected.get("job"))
            for text in texts or [f"under {rec.lens}@{rec.profile}: " + "; ".join(map(str, rec.mismatches))]:
                verdict.findings.append(Finding(rec.lens, rec.profile, natural_run, text))
    verdict.findings = _fold_lenses(_fold_natural(verdict.findings, sum(1 for r in verdict.records if _is_natural(r))))
    verdict.passed = verdict.checked > 0 and all(r.ok for r in verdict.records)
    _record(ws, verdict)
    return verdict


_RUN_N = re.compile(r" \(natural timing, run \d+\)")


def _fold_natural(findings: list[Finding], runs: int) -> list[Finding]:
    """The natural repeats that saw the same thing, said once: '... (natural timing, 2 of 3 runs) ...'."""
    out: list[Finding] = []
    seen: dict[str, list] = {}
    for f in findings:
        if not f.natural:
            out.append(f)
            continue
        key = _RUN_N.sub(" (natural timing, {n})", f.text)
        if key in seen:
            seen[key][1] += 1
            continue
        seen[key] = [Finding(f.lens, f.profile, True, key), 1]
        out.append(seen[key][0])
    for key, (finding, n) in seen.items():
        finding.text = key.replace("{n}", f"{n} of {runs} runs")
    return out


_UNDER = re.compile(r"^under (\S+(?: \(natural timing, [^)]*\))?): ")


def _fold_lenses(findings: list[Finding]) -> list[Finding]:
    """'under plain: X', 'under asan: X' -> 'under plain and asan: X'."""
    out: list[Finding] = []
    groups: dict[str, tuple[Finding, list[str]]] = {}
    for f in findings:
        m = _UNDER.match(f.text)
        if not m:
            out.append(f)
            continue
        rest = f.text[m.end():]
        if rest in groups:
            groups[rest][1].append(m[1])
            continue
        groups[rest] = (f, [m[1]])
        out.append(f)
    for rest, (f, wheres) in groups.items():
        joined = wheres[0] if len(wheres) == 1 else ", ".join(wheres[:-1]) + " and " + wheres[-1]
        f.text = f"under {joined}: {rest}"
    return out


def declares_behaviour_rec(rec: RunRecord) -> bool:
    return any(rec.expected.get(k) for k in BEHAVIOUR)


def _run_fail_fast(specs: list[RunSpec], base_specs: list[RunSpec], jobs: int, on_record) -> list[RunRecord]:
    """One run at a time, the quickest first, stopping at the first that fails (for tests and --fail-fast)."""
    known = pipeline.load_durations()
    order = sorted(specs, key=lambda s: known.get(f"{s.case.id}[bug-{s.lens}-{s.profile}]", 1.0))
    out: list[RunRecord] = []
    for spec in order:
        [rec] = pipeline.run_all([spec], jobs)
        out.append(rec)
        if on_record:
            on_record(rec)
        if not rec.ok and not rec.skipped:
            break
    if base_specs and all(r.ok or r.skipped for r in out):
        out += pipeline.run_all(base_specs, jobs)
    elif base_specs:
        out += [RunRecord(s.case.id, s.variant, s.lens, s.profile, False, "not run (fail-fast)", {}, {}, 0.0) for s in base_specs]
    return out


def _bug_kinds(shipped: Case) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in shipped.expectations:
        if e.variant == "bug":
            kind = e.checks.get("kind", "none")
            out.setdefault(e.lens, set()).add("hang" if e.checks.get("timed_out") else kind)
    return out


def _record(ws: Workspace, verdict: Verdict) -> None:
    ws.checks += 1
    code = ws.code_hash()
    ws.last_check = {
        "at": now(), "passed": verdict.passed, "code": code,
        "failing": sorted({f"{f.lens}@{f.profile}" + (" (natural)" if f.natural else "") for f in verdict.findings}),
    }  # fmt: skip
    if verdict.passed and not ws.done:
        ws.done = {"at": ws.last_check["at"], "code": code, "checks": ws.checks, "hints": len(ws.hints)}
    ws.save()


# ---- a failed run, in words that give nothing away ----------------------------------------------------

_ERROR_RE = re.compile(r"^(?:.*/)?([^/\s:]+):(\d+):(?:\d+:)? (?:fatal )?error: (.*)$", re.M)


def locations(text: str, names: list[str], limit: int = 3) -> list[str]:
    """Where the participant's files appear in a report: 'main.c:58', in order of appearance."""
    if not names:
        return []
    alt = "|".join(re.escape(n) for n in names)
    pat = re.compile(rf"(?<![\w.-])({alt})(?::(\d+)|\", line (\d+))")
    out: list[str] = []
    for m in pat.finditer(text):
        loc = f"{m[1]}:{m[2] or m[3]}"
        if loc not in out:
            out.append(loc)
        if len(out) >= limit:
            break
    return out


def what_it_sees(obs: dict) -> str:
    """'heap-use-after-free', 'a hang (deadlock)', 'SIGSEGV', 'exit status 1'."""
    if obs.get("kind") == "build-error":
        return "a build error"
    if obs.get("timed_out") or obs.get("kind") in ("deadlock", "livelock"):
        return f"a hang ({obs['kind']})" if obs.get("kind") else "a hang"
    if obs.get("kind"):
        return obs["kind"] + (f" with {obs['signal']}" if obs.get("signal") and obs["kind"] != obs["signal"] else "")
    if obs.get("signal"):
        return obs["signal"]
    return ""


def explain(rec: RunRecord, names: list[str], bug_kinds: set[str], missing_lines: list[str] | None = None) -> list[str]:
    """One line per thing a run still shows that a fixed program does not."""
    obs = rec.observed
    where = f"{rec.lens}" + (f"@{rec.profile}" if rec.profile not in ("O0", "cpython", "luajit", "analyzer", rec.lens) else "")
    if _is_natural(rec):
        where += f" (natural timing, run {rec.repeat + 1})"
    out: list[str] = []
    if obs.get("kind") == "build-error":
        errs = [f"{m[1]}:{m[2]}: {m[3]}" for m in _ERROR_RE.finditer(rec.stderr)][:3]
        return [f"does not build for {where}: " + ("; ".join(errs) or (obs.get("message") or "the compiler failed"))]
    fields = {m.field for m in rec.mismatches}
    problem = what_it_sees(obs)
    if problem and fields & set(CORE):
        key = "hang" if obs.get("timed_out") else (obs.get("kind") or obs.get("signal"))
        still = "still " if (key in bug_kinds or (obs.get("timed_out") and "hang" in bug_kinds)) else ""
        text = f"{still}{problem} under {where}"
        # where: the first place the report names in the participant's files; a hang's every thread
        locs = locations(rec.stderr + "\n" + rec.stacks, names, limit=3 if obs.get("timed_out") else 1)
        if locs:
            text += " at " + " and ".join(locs)
        if obs.get("access"):
            text += f" ({obs['access']}" + (f" of size {obs['size']}" if obs.get("size") is not None else "") + ")"
        elif obs.get("message") and obs.get("tool") in ("glibc", "python") and not obs.get("timed_out"):
            text += f" ({_short(obs['message'])})"
        out.append(text)
    elif fields & set(CORE):  # a wrong exit status, nothing else wrong
        want = rec.expected.get("exit_code")
        last = _last_exception(rec.stderr)
        out.append(f"under {where}: {describe(obs)}" + (f" ({_short(last)})" if last else "")
                   + f"; a correct program exits with status {want}")  # fmt: skip
    if out:  # a crash, a report or a hang: what the program did not print or report is its consequence
        return out
    for m in rec.mismatches:
        if m.field in ("stdout", "stderr"):
            shown = _literal(m.expected)
            if not shown.startswith("/"):
                out.append(f"under {where}: the program no longer prints {shown}: a fix keeps the program doing its job")
            else:
                out.append(f"under {where}: its {m.field} should match {shown}: a fix keeps the program doing its job")
        elif m.field.startswith("metrics."):
            name = m.field.split(".", 1)[1]
            have = "not reported" if m.observed is None else f"is {m.observed:g}" if isinstance(m.observed, float) else f"is {m.observed}"
            if name == FORCING_METRIC:
                out.append(f"under {where}: the forcing no longer runs ({name} {have}, must be {m.expected}): keep the code "
                           f"that makes the timing happen ({NATURAL_ENV}); fix the program instead")  # fmt: skip
            else:
                out.append(f"under {where}: {name} {have}, must be {m.expected}")
    return out


_EXC_RE = re.compile(r"^[\s|+-]*((?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Group|Warning)): (.*)$", re.M)


def _last_exception(stderr: str) -> str:
    """The last Python exception line of a traceback (inside an exception group too), or ''."""
    found = _EXC_RE.findall(stderr)
    return f"{found[-1][0]}: {found[-1][1]}" if found else ""


def _short(text: str, n: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _literal(pattern: object) -> str:
    """A pattern as the line it asks for, where it is one ('^closing session 7 \\(alice\\)$' -> 'closing ...')."""
    p = str(pattern)
    core = p.removeprefix("^").removesuffix("$").removeprefix("\\A").removesuffix("\\Z")
    plain = re.sub(r"\\(.)", r"\1", core).replace("0x[0-9a-fA-F]+", "0x…")
    if re.search(r"(?<!\\)[\[\]()*+?{}|]", core.replace("0x[0-9a-fA-F]+", "")):
        return f"/{p}/"
    return repr(plain)

"""`crashcourse prepare`: build every artifact the selected runs need and fetch every source a case
fetches, into the cache, now. Afterwards the runs need no network (a workshop room may be offline).

What a run needs is what its lens's `prepare()` builds (a cffi module, an executable, a static
analysis, a runtime from a native/ recipe): this is the pipeline's own build stage
(`execute.prepare_one`), run over every run, with the runtimes' state before and after. A run that
would be skipped here (its tool is missing, or its expectation was observed on other machines only)
needs nothing and is counted as such.
"""

from __future__ import annotations

import concurrent.futures as cf
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.corpus.manifest import RunSpec
from harness.execution import build
from harness.execution.build import BuildError, RuntimeUnavailable
from harness.lenses import get_lens
from harness.pipeline.execute import prepare_one


@dataclass
class Runtime:
    """A runtime built by a native/ recipe for some runs: its state before `prepare`, and after."""

    recipe: str
    profile: str
    cases: list[str]
    before: str  # build.runtime_status: built | downloaded | fetch | unavailable
    after: str = ""  # built | failed | unavailable
    detail: str = ""  # the executable's path, or why it could not be built
    seconds: float = 0.0

    @property
    def what(self) -> str:
        if self.after != "built":
            return self.after
        return {"built": "already built", "downloaded": "built from the downloaded source",
                "fetch": "downloaded and built"}.get(self.before, "built")  # fmt: skip

    def as_dict(self) -> dict:
        return {"recipe": self.recipe, "profile": self.profile, "cases": self.cases, "before": self.before,
                "after": self.after, "what": self.what, "detail": self.detail, "seconds": round(self.seconds, 1)}  # fmt: skip


@dataclass
class Report:
    runs: int = 0
    compiled: int = 0
    cached: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> runs
    failed: list[tuple[str, str]] = field(default_factory=list)  # (run id, first line of the error)
    runtimes: list[Runtime] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        return {"ok": self.ok, "runs": self.runs, "compiled": self.compiled, "from_cache": self.cached,
                "skipped": dict(self.skipped), "failed": [{"run": r, "error": e} for r, e in self.failed],
                "runtimes": [r.as_dict() for r in self.runtimes], "seconds": round(self.seconds, 1),
                "cache": str(build.cache_root())}  # fmt: skip


def prepare_all(specs: list[RunSpec], jobs: int, on_done: Callable[[RunSpec], None] | None = None) -> Report:
    """Build (and fetch) what every spec needs, `jobs` builds at once; see the module docstring."""
    report = Report(runs=len(specs))
    needed: dict[tuple[str, str], list[str]] = {}
    todo = []
    for spec in specs:
        reason = _skipped(spec)
        if reason is not None:
            report.skipped[reason] += 1
            if on_done:
                on_done(spec)
            continue
        todo.append(spec)
        recipe = get_lens(spec.lens).recipe(spec)
        if recipe is not None and spec.case.id not in needed.setdefault(recipe, []):
            needed[recipe].append(spec.case.id)
    runtimes = {r: Runtime(r[0], r[1], cases, build.runtime_status(*r)[0]) for r, cases in needed.items()}
    report.runtimes = list(runtimes.values())

    stats0 = dict(build.stats)
    start = time.monotonic()

    def one(spec: RunSpec):
        t0 = time.monotonic()
        out = prepare_one(spec)
        return out, time.monotonic() - t0

    with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(one, s): s for s in todo}
        for fut in cf.as_completed(futures):
            spec = futures[fut]
            out, seconds = fut.result()
            recipe = get_lens(spec.lens).recipe(spec)
            rt = runtimes.get(recipe) if recipe else None
            if isinstance(out, BuildError):
                report.failed.append((spec.id, f"{out}: {out.log.strip().splitlines()[-1] if out.log.strip() else ''}"))
            elif isinstance(out, RuntimeUnavailable):
                report.failed.append((spec.id, str(out)))
            if rt is not None:
                rt.seconds = max(rt.seconds, seconds)
                if isinstance(out, RuntimeUnavailable | BuildError):
                    rt.after = "unavailable" if isinstance(out, RuntimeUnavailable) else "failed"
                    rt.detail = str(out)
                elif out is not None:
                    rt.after, rt.detail = "built", str(out.path)
            if on_done:
                on_done(spec)
    report.seconds = time.monotonic() - start
    report.compiled = build.stats["compiled"] - stats0["compiled"]
    report.cached = build.stats["cached"] - stats0["cached"]
    report.failed.sort()
    return report


def _skipped(spec: RunSpec) -> str | None:
    """Why the run is skipped here before anything is built (what execute() decides first), or None."""
    if spec.case.expectation_for(spec)[0] is None:
        return "their expectation was observed on other machines only"
    return get_lens(spec.lens).unavailable(spec)


def text(report: Report) -> list[str]:
    """The report for people, one line each."""
    lines = [f"prepare: {report.runs} runs; built {report.compiled}, {report.cached} already in the cache ({build.cache_root()})"]
    for rt in report.runtimes:
        took = f" in {rt.seconds:.1f}s" if rt.what != "already built" else ""
        lines.append(f"  {rt.recipe} ({rt.profile}, for {', '.join(rt.cases)}): {rt.what}{took}: {rt.detail}")
    for reason, n in sorted(report.skipped.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {n} run{'s' if n != 1 else ''} need nothing here, they are skipped: {reason}")
    for run, err in report.failed:
        lines.append(f"  FAILED {run}: {err}")
    verdict = ("everything these runs need is in the cache: they run offline" if report.ok
               else f"{len(report.failed)} build(s) failed: those runs will fail or be skipped")  # fmt: skip
    lines.append(f"done in {report.seconds:.1f}s; {verdict}")
    return lines

"""The pipeline for a set of runs: build everything (cached, in parallel), then run, diagnose, compare.

One RunRecord per run is the public, stable output (see README, "The run record").
"""

from __future__ import annotations

import collections
import contextlib
import json
import threading
import time
from collections.abc import Callable

from harness.corpus.manifest import RunSpec
from harness.corpus.paths import write_atomically
from harness.diagnose import diagnose
from harness.diagnose.observation import Observation
from harness.execution import build
from harness.execution.build import Artifact, BuildError, RuntimeUnavailable
from harness.execution.run import ChildResult, Interrupted, kill_everything, run_child, workdir
from harness.lenses import get_lens
from harness.pipeline.compare import Mismatch, compare
from harness.pipeline.record import RunRecord


def _skip(spec: RunSpec, reason: str, expected: dict | None = None, repeat: int = 0) -> RunRecord:
    return RunRecord(spec.case.id, spec.variant, spec.lens, spec.profile, False, reason, expected or {}, {}, 0.0, repeat=repeat)


def _cannot_run(spec: RunSpec, reason: str, expected: dict, repeat: int, replay: bool) -> RunRecord:
    """A run this machine cannot do (a tool or runtime is missing): skipped with the reason; with --replay,
    the blessed snapshot of the run (this machine key's, else the nearest) is attached to be shown."""
    rec = _skip(spec, reason, expected, repeat)
    if not replay:
        return rec
    from harness.pipeline import snapshots

    found = snapshots.nearest(spec.case.path, spec.variant, spec.lens, spec.profile, spec.case.language)
    if found is None:
        rec.skipped = f"{reason} (nothing to replay: no machine has a blessed snapshot of this run)"
        return rec
    key, path = found
    text = path.read_text(encoding="utf-8", errors="replace")
    rel = path.relative_to(spec.case.path.parent.parent) if path.is_relative_to(spec.case.path.parent.parent) else path
    rec.replayed = {"machine_key": key, "snapshot": rel.as_posix(), "observed": snapshots.parse_snapshot(text).observed}
    rec.replay = text
    return rec


Prepared = Artifact | BuildError | RuntimeUnavailable | None


def prepare_one(spec: RunSpec) -> Prepared:
    """Build what one run needs (cached); a failure is returned, to be reported by that run."""
    if get_lens(spec.lens).unavailable(spec) is not None or spec.case.expectation_for(spec)[0] is None:
        return None  # the run will be skipped: build nothing for it
    try:
        return get_lens(spec.lens).prepare(spec)
    except (BuildError, RuntimeUnavailable) as err:
        return err


WORK_S = 0.05  # a lookup in the build cache takes a few ms; longer than this, the spec was built


def prepare(specs: list[RunSpec], jobs: int) -> dict[RunSpec, Prepared]:
    """Build stage for every run; the cache makes a second pass compile nothing.

    Artifacts already in the cache are looked up in this thread, one after another (a lookup is a hash
    and a stat, ~3 ms, and threads would only share the GIL); from the first spec that took real work
    (a compile, a recipe, a failed build), the rest are prepared in parallel. So a warm command starts
    no pool (concurrent.futures and logging: ~10 ms of a one-case command)."""
    prepared: dict[RunSpec, Prepared] = {}
    rest = list(specs)
    while rest:
        start = time.monotonic()
        spec = rest.pop(0)
        prepared[spec] = prepare_one(spec)
        if time.monotonic() - start > WORK_S:
            break
    if rest:
        import concurrent.futures as cf

        with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            prepared.update(zip(rest, pool.map(prepare_one, rest), strict=True))
    return {s: prepared[s] for s in specs}


class Slot:
    """One of the -j CPU slots, held by a run until it ends or its child sleeps (a sleeping hang needs no CPU)."""

    def __init__(self, sem: threading.Semaphore | None):
        self.sem, self.held, self.lock = sem, False, threading.Lock()

    def __enter__(self):
        if self.sem is not None:
            self.sem.acquire()
            self.held = True
        return self

    def release(self) -> None:
        with self.lock:
            if self.held:
                self.held = False
                self.sem.release()

    def __exit__(self, *exc):
        self.release()


def judge_hang(obs: Observation, result: ChildResult) -> None:
    """What the watch decided (a proven deadlock, a livelock window, a fork cap) over the generic diagnosis."""
    if result.hang == "fork-bomb":
        obs.signal, obs.exit_code, obs.kind, obs.tool = None, None, "fork-bomb", "watchdog"
        obs.message = result.evidence
    elif result.timed_out:
        if result.hang:
            obs.kind = result.hang
        if result.evidence:
            cpu = f"{result.cpu_s:.2f} s" if result.cpu_s is not None else "unknown"
            obs.message = f"{result.evidence}; CPU used {cpu}"
    else:
        return
    obs.decided_by = result.decided_by
    obs.latency_s = round(result.latency_s, 3) if result.latency_s is not None else None


def execute(spec: RunSpec, artifact: Prepared, repeat: int = 0, slot: Slot | None = None, replay: bool = False) -> RunRecord:
    """Run one case variant under one lens and judge it. Never raises for anything the child does.

    replay: where the lens cannot run here (a tool or runtime missing), attach its blessed snapshot."""
    case, lens = spec.case, get_lens(spec.lens)
    exp, why = case.expectation_for(spec)
    if exp is None:
        return _skip(spec, why, repeat=repeat)
    expected = exp.as_dict()
    reason = lens.unavailable(spec)
    if reason:
        return _cannot_run(spec, reason, expected, repeat, replay)
    if isinstance(artifact, RuntimeUnavailable):
        return _cannot_run(spec, str(artifact), expected, repeat, replay)
    if isinstance(artifact, BuildError):
        obs = Observation(kind="build-error", message=str(artifact), tool="compiler")
        return RunRecord(case.id, spec.variant, spec.lens, spec.profile, False, False, expected, obs.as_dict(), 0.0,
                         [Mismatch("build", "a successful build", artifact.log[-2000:])], repeat, "", artifact.log)  # fmt: skip
    with workdir() as wd, (slot or contextlib.nullcontext()):
        start = time.monotonic()  # after the wait for a slot: duration_s is the run's own time
        plan = lens.plan(spec, artifact, wd)
        stacks, order, first = "", None, None
        if plan.static is not None:
            obs, stdout, stderr, argv = plan.static, "", plan.static_output, []
        else:
            result = run_child(plan.argv, wd, plan.env, plan.limits, plan.capture_stacks, plan.send_signal,
                               on_idle=slot.release if slot is not None else None)  # fmt: skip
            obs = diagnose(result)
            judge_hang(obs, result)
            extra = lens.refine(spec, plan, result, obs, wd)
            stdout, argv = result.stdout, plan.argv
            stderr = result.stderr + (("\n" + extra) if extra else "")
            stacks, order, first = result.stacks, result.order, result.first
    duration = time.monotonic() - start
    obs.build_warnings = build.warnings_of(artifact, case)
    mismatches = compare(exp, obs, stdout, stderr + ("\n" + stacks if stacks else ""))
    return RunRecord(case.id, spec.variant, spec.lens, spec.profile, not mismatches, False, expected, obs.as_dict(),
                     duration, mismatches, repeat, stdout, stderr, argv, stacks, exp.partial or False,
                     order=order, first=first)  # fmt: skip


def _durations_file():
    return build.cache_root() / "durations.json"


def load_durations() -> dict[str, float]:
    """Each run's last duration (kept beside the build cache): the longest expected runs start first."""
    try:
        return json.loads(_durations_file().read_text())
    except (OSError, ValueError):
        return {}


def save_durations(records: list[RunRecord]) -> None:
    new = {r.id: round(r.duration_s, 3) for r in records if not r.skipped and r.repeat == 0}
    if not new:
        return
    path = _durations_file()
    with contextlib.suppress(OSError):
        write_atomically(path, json.dumps({**load_durations(), **new}, sort_keys=True))  # no indent: the C encoder (indent=0 took ~3 ms here)


def _in_threads(calls: list[Callable[[], RunRecord]], workers: int, on_result: Callable[[int, RunRecord], None]) -> None:
    """Each call in one of `workers` threads, started in the order given; each record is handed to
    `on_result` in this thread as it finishes. Threads and a condition, not concurrent.futures (its
    import brings logging: ~10 ms of a one-case command). The calling thread only waits, so a Ctrl-C
    (raised here by the CLI's handler) kills the live children first, waits for the runs, then goes up.
    A run cut short by that (Interrupted) hands in nothing."""
    finished: collections.deque[tuple[int, RunRecord | None, BaseException | None]] = collections.deque()
    ready = threading.Condition()
    todo = iter(range(len(calls)))
    take = threading.Lock()
    stop = threading.Event()

    def worker() -> None:
        while not stop.is_set():
            with take:
                i = next(todo, None)
            if i is None:
                return
            try:
                out: tuple[int, RunRecord | None, BaseException | None] = (i, calls[i](), None)
            except BaseException as err:  # noqa: BLE001 - handed to the waiting thread
                out = (i, None, err)
            with ready:
                finished.append(out)
                ready.notify()

    threads = [threading.Thread(target=worker, name="crashcourse-run", daemon=True) for _ in range(max(1, min(workers, len(calls))))]
    for t in threads:
        t.start()
    try:
        for _ in range(len(calls)):
            with ready:  # not Thread.join: a join cut short by a signal can mark a running thread ended
                while not finished:
                    ready.wait()
                i, rec, err = finished.popleft()
            if isinstance(err, Interrupted):
                continue
            if err is not None:
                raise err
            on_result(i, rec)  # type: ignore[arg-type]
    except BaseException:
        stop.set()  # nothing more starts
        kill_everything()  # Ctrl-C or a harness error: kill the live children first, so the runs end quickly
        for t in threads:
            while t.is_alive():
                t.join(0.05)
        raise


def run_all(
    specs: list[RunSpec],
    jobs: int = 1,
    repeat: int = 1,
    on_built: Callable[[int, int], None] | None = None,
    on_record: Callable[[RunRecord], None] | None = None,
    replay: bool = False,
) -> list[RunRecord]:
    """Build, then run every spec `repeat` times with `jobs` children at once. Order of the result is stable.

    Runs start longest first (durations of earlier runs); a run whose child sleeps gives its CPU slot
    to the next one, so a hang never holds one of the `jobs` slots while it waits.
    """
    artifacts = prepare(specs, jobs)
    if on_built:
        on_built(build.stats["compiled"], build.stats["cached"])
    work = [(s, r) for r in range(repeat) for s in specs]
    known = load_durations() if len(work) > 1 else {}

    def expected(item):
        s, r = item
        rid = f"{s.case.id}[{s.variant}-{s.lens}-{s.profile}]"
        return (-known.get(rid, 1.0), r)  # unknown: assume a slow one

    order = sorted(range(len(work)), key=lambda i: expected(work[i]))
    records: list[RunRecord | None] = [None] * len(work)
    sem = threading.Semaphore(max(1, jobs))

    def call(i: int) -> Callable[[], RunRecord]:
        s, r = work[i]
        return lambda: execute(s, artifacts.get(s), r, Slot(sem), replay)

    def arrived(k: int, rec: RunRecord) -> None:
        records[order[k]] = rec
        if on_record:
            on_record(rec)

    # a run whose child sleeps gives its slot away: more threads than slots, so the next run can start
    _in_threads([call(i) for i in order], max(1, jobs) * 4, arrived)
    done = [r for r in records if r is not None]
    save_durations(done)
    return done

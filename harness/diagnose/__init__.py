"""Diagnose stage: turn a child's raw outcome into an Observation.

Each tool's report has its own parser module; they are pure functions over text, never raise on
any input (hypothesis checks that), and return None when their report is absent. The first report
found, in the order below, names the kind: a sanitizer knows more than glibc, glibc more than the
bare signal.
"""

from __future__ import annotations

import re

from harness.diagnose import asan, asyncio_debug, gdb, glibc, lens_reports, python, tsan, valgrind
from harness.diagnose.common import Report
from harness.observation import Observation
from harness.run import ChildResult

METRIC_RE = re.compile(r"^CRASHCOURSE_METRIC ([A-Za-z_][\w.]*)=(-?[0-9]+(?:\.[0-9]+)?)\s*$", re.M)


def metrics(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value in METRIC_RE.findall(text):
        num = float(value)
        out[name] = int(num) if num.is_integer() else num
    return out


def first_report(text: str) -> Report | None:
    """The first report that names a kind; failing that, the first report (frames and words, no kind)."""
    fallback = None
    parsers = (asan.parse, tsan.parse, *lens_reports.PARSERS, valgrind.parse, lens_reports.parse_memcheck_leak,
               glibc.parse, asyncio_debug.parse, python.parse)  # fmt: skip
    for parser in parsers:
        report = parser(text)
        if report is None:
            continue
        if report.kind is not None:
            if fallback is not None and not report.frames:
                report.frames = fallback.frames  # e.g. glibc names the abort, valgrind saw the stack
            return report
        fallback = fallback or report
    return fallback


def diagnose(result: ChildResult) -> Observation:
    text = result.stderr + "\n" + result.stdout
    obs = Observation(
        signal=result.signal,
        exit_code=result.returncode if result.signal is None else None,
        timed_out=result.timed_out,
        metrics=metrics(text),
        core_dumped=result.core_dumped,
    )
    report = first_report(result.stderr) or first_report(result.stdout)
    if result.timed_out:
        obs.cpu_s = round(result.cpu_s, 3) if result.cpu_s is not None else None
        busy = result.busy is not None and result.busy >= 0.5
        obs.kind = "livelock" if busy else "deadlock"
        obs.tool = "watchdog"
        cpu = f"{result.cpu_s:.2f} s" if result.cpu_s is not None else "unknown"
        share = f"{result.busy:.0%}" if result.busy is not None else "unknown"
        obs.message = (
            f"no exit before the watchdog; CPU used {cpu}; running in {share} of samples: "
            + ("spinning, not waiting" if busy else "every thread is waiting")
        )
        obs.frames = hang_frames(result.stderr + "\n" + result.stacks)
        return obs
    if report is not None:
        obs.kind, obs.access, obs.size = report.kind, report.access, report.size
        obs.frames, obs.message, obs.tool = report.frames, report.message, report.tool
    return obs


def hang_frames(text: str) -> list[str]:
    """Function names from faulthandler dumps, task dumps and gdb backtraces of a hang, innermost first."""
    frames = python.faulthandler_frames(text)
    frames += [f for f in gdb.frames(text) if f != "??"]
    return frames

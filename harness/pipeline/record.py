"""The run record: what one run did, in the stable shape `crashcourse run --json` promises
(README, "The run record"), and its verdict in words."""

from __future__ import annotations

import json

from harness.corpus.values import Value, field
from harness.pipeline.compare import Mismatch

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a run's start-up does without it
if TYPE_CHECKING:
    from typing import Any


class RunRecord(Value):
    case: str
    variant: str
    lens: str
    profile: str
    ok: bool
    skipped: str | bool
    expected: dict[str, Any]
    observed: dict[str, Any]
    duration_s: float
    mismatches: list[Mismatch] = field(default_factory=list)
    repeat: int = 0
    stdout: str = ""
    stderr: str = ""  # the child's stderr plus what the lens added (a core's backtrace, a syscall summary)
    argv: list[str] = field(default_factory=list)
    stacks: str = ""  # native stacks the watchdog took from a hung child (gdb -p)
    # False, or why the run was checked only in part: its expectation was observed under another
    # compiler, and only the compiler-neutral checks applied (ok then means: those held).
    partial: str | bool = False
    # False, or for a run whose tool is missing here, with --replay: the blessed snapshot shown instead
    # ({"machine_key", "snapshot", "observed"}); the run itself is skipped (never passed).
    replayed: dict[str, str] | bool = False
    replay: str = ""  # that snapshot's text
    # not in the JSON: how the child's own stdout and stderr interleaved (harness.execution.run.ChildResult):
    order: list | None = None  # [(stream, characters, read together with the run before)], over stdout and stderr
    first: str | None = None  # the stream the child wrote first

    @property
    def status(self) -> str:
        """One word: passed, partial (ok on the compiler-neutral checks only), failed, skipped, replayed."""
        if self.replayed:
            return "replayed"
        if self.skipped:
            return "skipped"
        if not self.ok:
            return "failed"
        return "partial" if self.partial else "passed"

    @property
    def id(self) -> str:
        return f"{self.case}[{self.variant}-{self.lens}-{self.profile}]"

    def as_json(self, with_output: bool = False) -> dict[str, Any]:
        d = {
            "case": self.case,
            "variant": self.variant,
            "lens": self.lens,
            "profile": self.profile,
            "repeat": self.repeat,
            "ok": self.ok,
            "skipped": self.skipped,
            "expected": self.expected,
            "observed": self.observed,
            "mismatches": [m.as_dict() for m in self.mismatches],
            "duration_s": round(self.duration_s, 3),
            "partial": self.partial,
            "replayed": self.replayed,
        }
        if with_output:
            d["stdout"], d["stderr"], d["argv"], d["stacks"] = self.stdout, self.stderr, self.argv, self.stacks
            if self.replayed:
                d["replay"] = self.replay
        return d


def describe(obs: dict) -> str:
    """An observation in words: 'SIGABRT · double-free (glibc)', 'heap-buffer-overflow WRITE 15 (asan)'."""
    if not obs:
        return ""
    parts = []
    if obs.get("timed_out"):
        cpu = obs.get("cpu_s")
        parts.append(f"hung, stopped by the watchdog (CPU {cpu:.2f} s)" if cpu is not None else "hung, stopped by the watchdog")
    elif obs.get("signal"):
        parts.append(obs["signal"] + (" (core dumped)" if obs.get("core_dumped") else ""))
    elif obs.get("exit_code") not in (None, 0):
        parts.append(f"exit {obs['exit_code']}")
    if obs.get("kind"):
        k = obs["kind"]
        if obs.get("access"):
            k += f" {obs['access']}"
        if obs.get("size") is not None:
            k += f" {obs['size']}"
        parts.append(k + (f" ({obs['tool']})" if obs.get("tool") else ""))
    if not parts:
        parts.append(f"clean (exit {obs.get('exit_code')})")
    return " · ".join(parts)


def describe_expected(exp: dict) -> str:
    if not exp:
        return ""
    bits = []
    if exp.get("timed_out"):
        bits.append("hang")
    if exp.get("signal") and exp["signal"] != "none":
        bits.append(exp["signal"])
    if exp.get("kind") and exp["kind"] != "none":
        k = exp["kind"]
        if exp.get("access"):
            k += f" {exp['access']}"
        if exp.get("size") is not None:
            k += f" {exp['size']}"
        bits.append(k)
    if exp.get("metrics"):
        bits.append(", ".join(f"{k} {v}" for k, v in exp["metrics"].items()))
    if not bits:
        bits.append("clean" if exp.get("kind") == "none" or exp.get("signal") == "none" else "exit " + str(exp.get("exit_code")))
    return " · ".join(bits)


def to_json(records: list[RunRecord], with_output: bool = False) -> str:
    """`crashcourse run --json`: one array, one object per run (the public shape)."""
    return json.dumps([r.as_json(with_output) for r in records], indent=2, ensure_ascii=False)

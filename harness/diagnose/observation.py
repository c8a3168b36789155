"""What a run did, in the stable shape the JSON export promises (see README, "The run record")."""

from __future__ import annotations

from harness.corpus.values import Value, asdict, field

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a run's start-up does without it
if TYPE_CHECKING:
    from typing import Any


class Observation(Value):
    signal: str | None = None  # "SIGSEGV", ... or None
    exit_code: int | None = None  # None when killed by a signal or by the watchdog
    timed_out: bool = False
    kind: str | None = None  # the diagnosis; None when the run was clean
    access: str | None = None  # "READ" | "WRITE"
    size: int | None = None
    frames: list[str] = field(default_factory=list)  # function names, innermost first
    message: str | None = None  # the report's headline in words
    metrics: dict[str, float] = field(default_factory=dict)
    core_dumped: bool = False
    cpu_s: float | None = None  # CPU the child used before the watchdog stopped it (hangs only)
    tool: str | None = None  # which parser named the kind: asan, tsan, valgrind, glibc, python, watchdog, gcc
    build_warnings: list[dict[str, Any]] = field(default_factory=list)  # the compiler's, on the case's sources
    decided_by: str | None = None  # a hang: "proof" (deadlock proven), "window" (livelock), "timeout"; "cap": fork bomb
    latency_s: float | None = None  # a hang: seconds from the child's last output (or its start) to the decision

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

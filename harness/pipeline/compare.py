"""Compare stage: an expectation against an observation, field by field."""

from __future__ import annotations

import operator
import re

from harness.corpus.manifest import METRIC_RE, Expectation
from harness.corpus.values import Value
from harness.diagnose.observation import Observation

OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq, ">": operator.gt, "<": operator.lt}


class Mismatch(Value):
    field: str
    expected: object
    observed: object

    def __str__(self) -> str:
        return f"{self.field}: expected {self.expected!r}, observed {self.observed!r}"

    def as_dict(self) -> dict:
        return {"field": self.field, "expected": self.expected, "observed": self.observed}


def _none(v):
    return "none" if v is None else v


def is_subsequence(want: list[str], have: list[str]) -> bool:
    it = iter(have)
    return all(any(w == h for h in it) for w in want)


def compare(exp: Expectation, obs: Observation, stdout: str = "", stderr: str = "") -> list[Mismatch]:
    out: list[Mismatch] = []
    c = exp.checks
    if "signal" in c and c["signal"] != _none(obs.signal):
        out.append(Mismatch("signal", c["signal"], _none(obs.signal)))
    if "exit_code" in c and c["exit_code"] != obs.exit_code:
        out.append(Mismatch("exit_code", c["exit_code"], obs.exit_code))
    if "timed_out" in c and c["timed_out"] != obs.timed_out:
        out.append(Mismatch("timed_out", c["timed_out"], obs.timed_out))
    if "kind" in c and c["kind"] != _none(obs.kind):
        out.append(Mismatch("kind", c["kind"], _none(obs.kind)))
    if "access" in c and c["access"] != obs.access:
        out.append(Mismatch("access", c["access"], obs.access))
    if "size" in c and c["size"] != obs.size:
        out.append(Mismatch("size", c["size"], obs.size))
    if "frames" in c and not is_subsequence(c["frames"], obs.frames):
        out.append(Mismatch("frames", c["frames"], obs.frames[:20]))
    if "message" in c and c["message"] not in (obs.message or ""):
        out.append(Mismatch("message", c["message"], obs.message))
    for stream, text in (("stderr", stderr), ("stdout", stdout)):
        for pattern in c.get(stream, []):
            if not re.search(pattern, text, re.M):
                out.append(Mismatch(stream, pattern, "(no match)"))
    given = [w["option"] for w in obs.build_warnings]
    for option in c.get("warnings", []):
        if option not in given:
            out.append(Mismatch("warnings", option, given))
    for name, cond in c.get("metrics", {}).items():
        op, value = METRIC_RE.match(cond).groups()
        have = obs.metrics.get(name)
        if have is None or not OPS[op](have, float(value)):
            out.append(Mismatch(f"metrics.{name}", cond, have))
    return out

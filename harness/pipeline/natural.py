"""Natural timing: a forced race or deadlock case run without its forcing, and how often it still happens.

`crashcourse run --natural` sets CRASHCOURSE_NATURAL=1 in every child; a case's repro reads it and
skips its barrier/event (the bad interleaving is then left to the scheduler). With `--repeat N` the
harness counts the runs that showed the bug (the bug run matched its expectation: the same kind,
the same hang) and, as GoBench publishes for Go, the distribution of runs-to-first-failure: the
number of runs from one hit (or the start) to the next. A hit rate is an observation, never a pass
condition: natural mode always exits 0 (2 for bad input).

`--natural --bless` stores the measurement beside the case, in `cases/<id>/natural.json`, keyed by
machine (the same key as snapshots); the case's site page shows it.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

ENV = "CRASHCOURSE_NATURAL"
FILE = "natural.json"


def buckets(gaps: list[int]) -> list[tuple[str, int]]:
    """Runs-to-first-failure in power-of-two buckets: 1, 2-3, 4-7, 8-15, ..."""
    counts: dict[int, int] = defaultdict(int)
    for g in gaps:
        counts[max(0, g.bit_length() - 1)] += 1
    out = []
    for b in range(max(counts) + 1 if counts else 0):
        lo, hi = 1 << b, (1 << (b + 1)) - 1
        out.append((str(lo) if lo == hi else f"{lo}-{hi}", counts.get(b, 0)))
    return out


def is_hit(rec) -> bool:
    """A bug run hits when it shows what the forced run shows: the same kind (counts, messages and
    lines may differ without the forcing), or the same hang; a fixed run hits when it is not clean."""
    obs, exp = rec.observed, rec.expected
    if rec.variant == "fixed":
        return bool(obs.get("kind") or obs.get("timed_out") or obs.get("signal"))
    if exp.get("timed_out"):  # a hang is a hang: its kind (deadlock/livelock) is reported beside the rate
        return bool(obs.get("timed_out"))
    kind = exp.get("kind")
    if kind and kind != "none":
        return obs.get("kind") == kind
    return rec.ok


def summarize(records) -> list[dict]:
    """One entry per case x variant x lens x profile: runs, hits, the kind shown, runs-to-first-failure."""
    groups: dict[tuple, list] = defaultdict(list)
    for r in records:
        if not r.skipped:
            groups[(r.case, r.variant, r.lens, r.profile)].append(r)
    out = []
    for (case, variant, lens, profile), recs in groups.items():
        recs.sort(key=lambda r: r.repeat)
        hits = [is_hit(r) for r in recs]
        gaps, since, censored = [], 0, 0
        for hit in hits:
            since += 1
            if hit:
                gaps.append(since)
                since = 0
        censored = since  # runs after the last hit, still waiting for one
        kinds = sorted({r.observed.get("kind") or "clean" for r, h in zip(recs, hits, strict=True) if h})
        exp = recs[0].expected
        expected = exp.get("kind") if exp.get("kind") not in (None, "none") else ("a hang" if exp.get("timed_out") else "the bug")
        out.append({
            "case": case, "variant": variant, "lens": lens, "profile": profile,
            "runs": len(recs), "hits": sum(hits), "shows": kinds or ([] if variant == "fixed" else [expected]),
            "runs_to_failure": gaps, "after_last_hit": censored,
            "histogram": buckets(gaps),
        })  # fmt: skip
    return out


def describe(entry: dict) -> str:
    what = "/".join(k if k != "clean" else "the bug" for k in entry["shows"]) or "a failure"
    rate = entry["hits"] / entry["runs"] if entry["runs"] else 0.0
    verb = {"deadlock": "deadlocked", "livelock": "livelocked"}.get(what, what)
    head = f"{entry['case']} · {entry['variant']} · {entry['lens']}@{entry['profile']}: "
    if entry["variant"] == "fixed":
        return head + f"not clean in {entry['hits']}/{entry['runs']}"
    return head + f"{verb} {entry['hits']}/{entry['runs']} ({rate:.1%})"


def histogram_lines(entry: dict, width: int = 30) -> list[str]:
    if not entry["hits"]:
        return [f"    no hit in {entry['runs']} runs"]
    top = max(n for _, n in entry["histogram"]) or 1
    lines = ["    runs to first failure (from the start or the previous hit):"]
    for label, n in entry["histogram"]:
        lines.append(f"    {label:>9} {'#' * max(1 if n else 0, round(n / top * width)):<{width}} {n}")
    if entry["after_last_hit"]:
        lines.append(f"    ({entry['after_last_hit']} runs after the last hit)")
    return lines


def report_lines(records) -> list[str]:
    lines = ["natural timing (no forcing): a hit rate is an observation, not a pass condition"]
    for entry in summarize(records):
        lines.append(describe(entry))
        if entry["variant"] == "bug":
            lines += histogram_lines(entry)
    return lines


def store(records, cases, key: str, command: str) -> list[Path]:
    """Write each case's measurement into cases/<id>/natural.json under this machine's key."""
    by_case = defaultdict(list)
    for entry in summarize(records):
        by_case[entry["case"]].append(entry)
    written = []
    for case in cases:
        if case.id not in by_case:
            continue
        path = case.path / FILE
        data = json.loads(path.read_text()) if path.exists() else {}
        data[key] = {
            "command": command,
            "measured": time.strftime("%Y-%m-%d", time.gmtime()),
            "runs": {f"{e['variant']}.{e['lens']}.{e['profile']}": {k: e[k] for k in ("runs", "hits", "shows", "runs_to_failure", "after_last_hit", "histogram")}
                     for e in by_case[case.id]},
        }  # fmt: skip
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


def load(case_dir: Path) -> dict:
    path = case_dir / FILE
    try:
        return json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError):
        return {}

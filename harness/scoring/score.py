"""Scoring analyzers against the ground truth: TP/FP/FN/TN at file, line and CWE level.

The unit is one case variant. The bug variant is a positive, the fixed twin a negative.

  file  the bug variant: TP when the analyzer reports anything in the case's files, else FN;
        the fixed twin: FP when it reports anything, else TN.
  line  a finding *matches* when its line, or one of its related lines (the other frames of a
        runtime report), is a flaw location of the same file, within +-tolerance lines (0 by
        default). Bug: TP when a finding matches; else FN, and also FP when it reported located
        findings elsewhere (a report at the wrong line is a miss and a false alarm, as in SATE).
        Fixed: FP when it reports any located finding, else TN.
  cwe   as line, and the matching finding's CWE equals one of the flaw's or is equivalent
        (harness.scoring.cwe.CWE_GROUPS). Findings that name no CWE are not scored at this level.

Beside the per-unit levels, two figures that the units hide:

  pairs     races and deadlocks (concurrency-race, concurrency-deadlock) are found only when both sides
            are: a bug unit of those classes counts as a found pair when its findings (with their related
            locations) name at least two distinct flaw locations. pair recall = found pairs / such units.
  findings  every located finding is TP (on a flaw line of a bug unit) or FP (anywhere else, fixed twins
            included): finding precision = TP/(TP+FP), so 40 findings a file are told from 1. Findings
            with no line are counted apart.

A finding without a line (a crash with no trace) counts at file level only. An analyzer that
crashes, times out or prints garbage is an *error* for that unit, reported and left out of the
counts; a case an analyzer does not look at (another language, a lens the case does not run) is
*n/a*. precision = TP/(TP+FP), recall = TP/(TP+FN), specificity = TN/(TN+FP), F1 their harmonic
mean; a 0/0 is "n/a".
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from harness.corpus import paths
from harness.corpus.manifest import VARIANTS, Case
from harness.scoring.analyzers import Analyzer, Finding, Result
from harness.scoring.cwe import cwe_matches

LEVELS = ("file", "line", "cwe")
PAIR_CLASSES = ("concurrency-race", "concurrency-deadlock")  # a flaw found only when both sides are named


def _ratio(num: int, den: int) -> float | str:
    return round(num / den, 3) if den else "n/a"


def metrics(c: dict[str, int]) -> dict[str, float | str]:
    p = _ratio(c["tp"], c["tp"] + c["fp"])
    r = _ratio(c["tp"], c["tp"] + c["fn"])
    s = _ratio(c["tn"], c["tn"] + c["fp"])
    f1: float | str = "n/a"
    if isinstance(p, float) and isinstance(r, float):
        f1 = round(2 * p * r / (p + r), 3) if p + r else 0.0
    return {"precision": p, "recall": r, "specificity": s, "f1": f1}


def case_file(case: Case, path: str) -> str | None:
    """A finding's path as a file of the case folder, or None when it is elsewhere (a system header)."""
    if not path:
        return None
    p = Path(path)
    candidates = [p] if p.is_absolute() else [case.path / p, paths.root() / p, case.path.parent.parent / p]
    base = case.path.resolve()
    for c in candidates:
        try:
            r = c.resolve()
        except OSError:
            continue
        if r.parent == base or base in r.parents:
            return r.relative_to(base).as_posix()
    return None


def judge(case: Case, variant: str, result: Result, tolerance: int = 0) -> dict[str, Any]:
    """One unit's outcome at each level, and its findings annotated with what they matched."""
    flaw = case.flaw
    assert flaw is not None
    unit: dict[str, Any] = {"case": case.id, "variant": variant, "class": flaw.cls}
    if result.skipped:
        return {**unit, "status": "n/a", "reason": result.skipped, "findings": [], "outcome": {}}
    if result.error:
        return {**unit, "status": "error", "reason": result.error, "findings": [], "outcome": {}}
    findings = []
    sides: set[str] = set()  # the flaw locations named by some finding
    for f in result.findings:
        file = case_file(case, f.path)
        if file is None:
            continue  # outside the case: not about it
        points = [(file, f.line)] + [(case_file(case, p), n) for p, n in f.related]
        points = [(fl, n) for fl, n in points if fl and n]
        named = {loc.at for fl, n in points for loc in flaw.locations if fl == loc.file and abs(n - loc.line) <= tolerance}
        line_hit = variant == "bug" and bool(named)
        if line_hit:
            sides |= named
        findings.append({**f.as_dict(), "file": file, "located": bool(points), "line_hit": line_hit,
                         "cwe_hit": line_hit and any(cwe_matches(c, flaw.cwe) for c in f.cwe)})  # fmt: skip
    located = [f for f in findings if f["located"]]
    with_cwe = [f for f in located if f["cwe"]]
    if variant == "bug":
        outcome = {
            "file": ["tp"] if findings else ["fn"],
            "line": ["tp"] if any(f["line_hit"] for f in findings) else (["fn", "fp"] if located else ["fn"]),
            "cwe": ["tp"] if any(f["cwe_hit"] for f in findings) else (["fn", "fp"] if with_cwe else ["fn"]),
        }
    else:
        outcome = {"file": ["fp"] if findings else ["tn"], "line": ["fp"] if located else ["tn"],
                   "cwe": ["fp"] if with_cwe else ["tn"]}  # fmt: skip
    out = {**unit, "status": "ok", "findings": findings, "outcome": outcome}
    if variant == "bug" and flaw.cls in PAIR_CLASSES:
        out["sides"] = sorted(sides)  # both sides of the race or the cycle: two or more
    if result.detail:
        out["detail"] = result.detail
    return out


def _empty() -> dict[str, dict[str, int]]:
    return {lv: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for lv in LEVELS}


def _tally(units: list[dict[str, Any]]) -> dict[str, Any]:
    counts = _empty()
    errors = na = 0
    found = {"tp": 0, "fp": 0, "unlocated": 0}
    pairs = {"found": 0, "units": 0}
    for u in units:
        if u["status"] == "error":
            errors += 1
        elif u["status"] == "n/a":
            na += 1
        else:
            for lv in LEVELS:
                for o in u["outcome"][lv]:
                    counts[lv][o] += 1
            for f in u["findings"]:
                found["unlocated" if not f["located"] else "tp" if f["line_hit"] else "fp"] += 1
            if u["variant"] == "bug" and u["class"] in PAIR_CLASSES:
                pairs["units"] += 1
                pairs["found"] += len(u.get("sides", [])) >= 2
    return {
        "levels": {lv: {**counts[lv], **metrics(counts[lv])} for lv in LEVELS},
        "findings": {**found, "precision": _ratio(found["tp"], found["tp"] + found["fp"])},
        "pairs": {**pairs, "recall": _ratio(pairs["found"], pairs["units"])},
        "errors": errors,
        "not_applicable": na,
        "scored": len(units) - errors - na,
    }


def cell(case: Case, analyzer: str, bug: dict[str, Any], fixed: dict[str, Any]) -> dict[str, Any]:
    """The scoreboard cell for one case: caught | elsewhere | reported | missed | n/a | error, and false_alarm."""
    flaw = case.flaw
    assert flaw is not None
    c: dict[str, Any] = {"false_alarm": fixed.get("status") == "ok" and fixed["outcome"]["file"] == ["fp"]}
    if bug["status"] in ("n/a", "error"):
        c["state"], c["why"] = bug["status"], bug.get("reason", "")
        return c
    if fixed.get("status") == "error":
        c["fixed_error"] = fixed.get("reason", "")
    if bug["outcome"]["line"] == ["tp"]:
        c["state"] = "caught"
        c["cwe_ok"] = bug["outcome"]["cwe"] == ["tp"]
    elif bug["outcome"]["file"] == ["tp"] and not any(f["located"] for f in bug["findings"]):
        c["state"] = "reported"  # it reported the bug variant, naming no line (a crash without a trace)
    elif bug["outcome"]["file"] == ["tp"]:
        c["state"] = "elsewhere"  # it reported the bug variant, not at a flaw line
    else:
        c["state"] = "missed"
    label = flaw.missed_by.get(analyzer) or next(
        (why for key, why in flaw.missed_by.items() if key.split(":")[0] == analyzer), ""
    )
    if label and c["state"] != "caught":
        c["why"] = label
    expected = flaw.analyzers.get(analyzer)
    if expected:
        c["expected"] = expected
    kinds = [f["rule"] for f in bug.get("findings", [])]
    if kinds:
        c["found"] = sorted(set(kinds))[:4]
    return c


def run_scoring(
    analyzers: list[Analyzer], cases: list[Case], tolerance: int = 0, jobs: int = 1,
    on_analyzer=None, sighted: bool = False, seed: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Run every analyzer over every case variant and score it. Never raises for what an analyzer does.

    Blind by default: an analyzer that reads code is given the blind view (harness.scoring.blind), its
    findings mapped back to case files; `sighted` gives it the case folders as they are."""
    import contextlib

    from harness.corpus import machine
    from harness.scoring import blind

    seed = blind.DEFAULT_SEED if seed is None else seed
    board: dict[str, Any] = {
        "format": "crashcourse-score/1", "machine": machine.facts(), "line_tolerance": tolerance,
        "view": "sighted" if sighted else "blind", **({} if sighted else {"seed": seed}),
        "cases": [{"case": c.id, "class": c.flaw.cls if c.flaw else "", "language": c.language} for c in cases],
        "analyzers": {},
    }  # fmt: skip
    units = [(c, v) for c in cases for v in VARIANTS]
    with contextlib.ExitStack() as stack:
        view = None
        if not sighted and any(blind.reads_code(a) for a in analyzers):
            view = stack.enter_context(blind.temporary(cases, seed))
        for a in analyzers:
            _score_one(board, a, cases, units, tolerance, jobs, on_analyzer, view)
    return board


def analyzer_view(a: Analyzer, sighted: bool) -> str:
    """What an analyzer saw: 'blind' (the blind view), 'sighted' (the case folders), or 'run' (a lens: it
    ran the case and read no code)."""
    from harness.scoring import blind

    if not blind.reads_code(a):
        return "blind" if isinstance(a, blind.ExportedSarif) else "run"
    return "sighted" if sighted else "blind"


def _score_one(board, a, cases, units, tolerance, jobs, on_analyzer, view) -> None:
    if on_analyzer:
        on_analyzer(a)
    from harness.scoring import blind

    use_view = view is not None and blind.reads_code(a)
    try:
        results = view.analyze(a, units, jobs) if use_view else a.analyze_all(units, jobs)
    except Exception as e:  # a plug-in whose batch method itself blows up: every unit is an error
        msg = f"{type(e).__name__}: {e}".splitlines()[0][:300]
        results = [Result(error=msg) for _ in units]
    judged = [judge(c, v, r, tolerance) for (c, v), r in zip(units, results, strict=True)]
    if use_view:
        for (c, v), u in zip(units, judged, strict=True):
            u["unit"] = view.unit(c.id, v).name
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for u in judged:
        by_class[u["class"]].append(u)
    cells = {}
    for c in cases:
        bug = next(u for u in judged if u["case"] == c.id and u["variant"] == "bug")
        fixed = next(u for u in judged if u["case"] == c.id and u["variant"] == "fixed")
        cells[c.id] = cell(c, a.name, bug, fixed)
    board["analyzers"][a.name] = {
        "kind": a.kind,
        "description": a.description,
        "view": analyzer_view(a, board["view"] == "sighted"),
        **_tally(judged),
        "by_class": {k: _tally(v) for k, v in sorted(by_class.items())},
        "cells": cells,
        "units": judged,
    }


def as_findings_rows(entry: dict[str, Any], cases: list[Case]) -> list[dict[str, Any]]:
    """An analyzer's units as rows for sarif.findings_sarif (paths relative to the repository)."""
    from harness.corpus.truth import rel

    by_id = {c.id: c for c in cases}
    rows = []
    for u in entry["units"]:
        case = by_id[u["case"]]
        fs = [Finding(rel(case, f["file"]), f["line"], f["cwe"], f["rule"], f["message"]) for f in u["findings"]]
        rows.append({"case": u["case"], "variant": u["variant"], "findings": fs,
                     "error": u.get("reason") if u["status"] == "error" else ""})  # fmt: skip
    return rows


# ---- the stored scoring run (for the site's scoreboard, like blessed snapshots) -----------------------


def board_path(key: str | None = None) -> Path:
    from harness.corpus.machine import machine_key

    return paths.scoreboard_dir() / f"{key or machine_key()}.json"


def _scrub(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    root = str(paths.root())
    out = []
    for u in units:
        u = dict(u)
        u["findings"] = [json.loads(json.dumps({k: v for k, v in f.items() if k != "path"}).replace(root, "<root>"))
                         for f in u.get("findings", [])]  # fmt: skip
        if isinstance(u.get("reason"), str):
            u["reason"] = u["reason"].replace(root, "<root>")
        out.append(u)
    return out


def bless(board: dict[str, Any], path: Path | None = None) -> Path:
    """Merge a scoring run into the stored board of this machine: per analyzer, per case variant."""
    path = path or board_path()
    stored = json.loads(path.read_text()) if path.is_file() else {"format": "crashcourse-scoreboard/1", "analyzers": {}}
    stored["machine"], stored["line_tolerance"] = board["machine"], board["line_tolerance"]
    for name, entry in board["analyzers"].items():
        old = stored["analyzers"].get(name, {"units": []})
        view = entry.get("view", "sighted")
        if old.get("view", "sighted") != view:
            old = {"units": []}  # a blind run replaces a sighted one whole: the two never mix in one row
        fresh = {(u["case"], u["variant"]): u for u in _scrub(entry["units"])}
        units = [u for u in old["units"] if (u["case"], u["variant"]) not in fresh] + list(fresh.values())
        units.sort(key=lambda u: (u["case"], u["variant"]))
        stored["analyzers"][name] = {"kind": entry["kind"], "description": entry["description"], "view": view,
                                     **({"seed": board["seed"]} if view == "blind" and "seed" in board else {}),
                                     "units": units}  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def _lens_cwe(rule: str, stored: list[int]) -> list[int]:
    """A lens finding's CWE from today's KIND_CWE (its rule is 'lens:kind' or 'lens:SIGNAL')."""
    from harness.scoring.cwe import kind_cwe

    head = rule.partition(":")[2]
    if head == "SEGV":  # the zero-page hint is in the report text, which is not stored
        return stored
    return kind_cwe({"signal": head} if head.startswith("SIG") else {"kind": head}) or stored


def rejudge(case: Case, unit: dict[str, Any], tolerance: int = 0, lens: bool = False) -> dict[str, Any]:
    """A stored unit judged again against the case's current [flaw] table (and, for a lens, KIND_CWE)."""
    if unit["status"] != "ok":
        return unit
    findings = [
        Finding(f["file"], f["line"], _lens_cwe(f["rule"], list(f["cwe"])) if lens else list(f["cwe"]), f["rule"], f["message"],
                [(r["path"].replace("<root>", str(paths.root())), r["line"]) for r in f.get("related", [])])
        for f in unit["findings"]
    ]  # fmt: skip
    out = judge(case, unit["variant"], Result(findings=findings, detail=unit.get("detail", {})), tolerance)
    if "unit" in unit:
        out["unit"] = unit["unit"]
    for new, old in zip(out["findings"], unit["findings"], strict=True):
        new.pop("path", None)
        if "related" in old:
            new["related"] = old["related"]
    return out


def summarize(stored: dict[str, Any], cases: list[Case]) -> dict[str, Any]:
    """A stored board, re-tallied for these cases with today's truth (labels, classes): the site's input."""
    from harness.corpus.catalog import LENS_INFO as LENSES

    ids = {c.id for c in cases}
    out = {k: v for k, v in stored.items() if k != "analyzers"}
    out["cases"] = [{"case": c.id, "class": c.flaw.cls if c.flaw else "", "language": c.language} for c in cases]
    out["analyzers"] = {}
    by_id = {c.id: c for c in cases}
    tolerance = stored.get("line_tolerance", 0)
    for name, entry in stored["analyzers"].items():
        # re-judged from the stored findings with today's truth: a moved flaw line moves the verdict too
        lens = entry["kind"] == "dynamic" and name in LENSES
        units = [rejudge(by_id[u["case"]], u, tolerance, lens) for u in entry["units"] if u["case"] in ids]
        by_case: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for u in units:
            by_case[u["case"]][u["variant"]] = u
        cells = {}
        for c in cases:
            pair = by_case.get(c.id, {})
            if "bug" in pair and "fixed" in pair:
                cells[c.id] = cell(c, name, pair["bug"], pair["fixed"])
            else:
                cells[c.id] = {"state": "unscored", "false_alarm": False, "why": "not in the stored scoring run"}
        by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for u in units:
            by_class[u["class"]].append(u)
        out["analyzers"][name] = {"kind": entry["kind"], "description": entry["description"],
                                  "view": entry.get("view", "sighted"), **_tally(units),
                                  "by_class": {k: _tally(v) for k, v in sorted(by_class.items())},
                                  "cells": cells, "units": units}  # fmt: skip
    return out

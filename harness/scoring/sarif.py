"""SARIF 2.1.0 both ways: the corpus's truth as SARD-style SARIF, analyzer results to and from SARIF.

Truth follows the NIST SARD manifest conventions: one result per flaw location of a bug variant,
`ruleId` = `CWE-nnn` (the location's own CWE: its `cwe` in the manifest, else the flaw's first, most
specific one), the location's file and line, and
`properties` with the case id, the variant ("bug"), the flaw class, every CWE and the role. Every
variant file is listed as an artifact with `properties.state` "bad" (bug) or "good" (fixed twin):
a good artifact has no result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness import __version__
from harness.corpus.manifest import Case

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
CWE_URI = "https://cwe.mitre.org/data/definitions/{}.html"


class SarifError(ValueError):
    """Text that is not the SARIF an analyzer promised."""


def _rule(cwe: int) -> dict[str, Any]:
    return {"id": f"CWE-{cwe}", "name": f"CWE-{cwe}", "helpUri": CWE_URI.format(cwe)}


def truth_sarif(cases: list[Case]) -> dict[str, Any]:
    from harness.corpus.truth import case_truth, rel

    results: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    rules: dict[int, dict[str, Any]] = {}
    for case in cases:
        t = case_truth(case)
        for variant, state in (("bug", "bad"), ("fixed", "good")):
            artifacts.append({
                "location": {"uri": rel(case, case.variants[variant]), "uriBaseId": "SRCROOT"},
                "properties": {"case": case.id, "variant": variant, "state": state},
            })  # fmt: skip
        for cwe in t["cwe"]:
            rules.setdefault(cwe, _rule(cwe))
        for loc in t["locations"]:
            results.append({
                "ruleId": f"CWE-{loc.get('cwe') or t['cwe'][0]}",  # the statement's own CWE
                "level": "error",
                "kind": "fail",
                "message": {"text": f"{case.id}: {loc.get('note') or t['class']} ({loc['role']})"},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": loc["path"], "uriBaseId": "SRCROOT"},
                        "region": {"startLine": loc["line"]},
                    }
                }],
                "properties": {
                    "case": case.id, "variant": "bug", "state": "bad", "class": t["class"],
                    "cwe": [f"CWE-{c}" for c in t["cwe"]], "role": loc["role"],
                    **({"upstream": t["upstream"]} if t.get("upstream") else {}),
                },
            })  # fmt: skip
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "crashcourse-truth",
                "version": __version__,
                "informationUri": "https://cwe.mitre.org/",
                "rules": [rules[c] for c in sorted(rules)],
            }},
            "originalUriBaseIds": {"SRCROOT": {"description": {"text": "the crashcourse repository root"}}},
            "artifacts": artifacts,
            "results": results,
            "properties": {"format": "crashcourse-truth/1", "cases": len(cases)},
        }],
    }  # fmt: skip


def findings_sarif(analyzer: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """An analyzer's findings over the corpus as SARIF (crashcourse score --sarif-out).

    rows: {case, variant, findings: [Finding...], error}; the verdicts are in properties."""
    results: list[dict[str, Any]] = []
    rules: dict[str, dict[str, Any]] = {}
    notifications: list[dict[str, Any]] = []
    for row in rows:
        if row.get("error"):
            notifications.append({
                "level": "error",
                "message": {"text": f"{row['case']} {row['variant']}: {row['error']}"},
            })  # fmt: skip
        for f in row["findings"]:
            rule = f.rule or (f"CWE-{f.cwe[0]}" if f.cwe else "finding")
            rules.setdefault(rule, {"id": rule})
            res: dict[str, Any] = {
                "ruleId": rule,
                "level": "warning",
                "message": {"text": f.message or rule},
                "properties": {"case": row["case"], "variant": row["variant"], "cwe": [f"CWE-{c}" for c in f.cwe]},
            }
            if f.path:
                region = {"startLine": f.line} if f.line else {}
                res["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": f.path}, **({"region": region} if region else {})}}]
            results.append(res)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": analyzer, "rules": list(rules.values())}},
            "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }  # fmt: skip


LEVELS = ("none", "note", "warning", "error")  # SARIF's result levels, least severe first


def read_results(text: str, base: Path | None = None, min_level: str | None = None) -> list[dict[str, Any]]:
    """Results of a SARIF log as plain dicts: {path, line, rule, cwe: [int], message, level}.

    Raises SarifError for text that is not JSON, not a SARIF log, or SARIF of another version than
    2.1.0. The CWE comes from the result's properties (cwe / tags), its rule's properties or
    relationships, or a 'CWE-nnn' in the rule id. A result's level is its own, else its rule's
    defaultConfiguration.level, else "warning" (SARIF's default); `min_level` drops the results below it."""
    import re

    try:
        log = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SarifError(f"not JSON ({e.msg} at line {e.lineno})" if isinstance(e, json.JSONDecodeError) else "not JSON") from None
    if not isinstance(log, dict) or not isinstance(log.get("runs"), list):
        raise SarifError("not a SARIF log: no 'runs' array")
    if log.get("version") != "2.1.0":
        raise SarifError(f"SARIF version {log.get('version')!r}: only SARIF 2.1.0 is read (its \"version\" must be \"2.1.0\")")
    if min_level is not None and min_level not in LEVELS:
        raise SarifError(f"unknown SARIF level {min_level!r} (known: {', '.join(LEVELS)})")
    floor = LEVELS.index(min_level) if min_level else 0
    cwe_re = re.compile(r"CWE-(\d+)", re.I)
    out = []
    for run in log["runs"]:
        if not isinstance(run, dict):
            raise SarifError("not a SARIF log: a run is not an object")
        driver = ((run.get("tool") or {}).get("driver") or {})
        rule_cwe: dict[str, list[int]] = {}
        rule_level: dict[str, str] = {}
        for r in driver.get("rules") or []:
            blob = json.dumps([r.get("id"), r.get("properties"), r.get("relationships")])
            rule_cwe[r.get("id", "")] = [int(c) for c in cwe_re.findall(blob)]
            lv = (r.get("defaultConfiguration") or {}).get("level")
            if lv in LEVELS:
                rule_level[r.get("id", "")] = lv
        for res in run.get("results") or []:
            if not isinstance(res, dict):
                raise SarifError("not a SARIF log: a result is not an object")
            rule = res.get("ruleId") or ""
            level = res.get("level") if res.get("level") in LEVELS else rule_level.get(rule, "warning")
            if LEVELS.index(level) < floor:
                continue
            cwe = [int(c) for c in cwe_re.findall(json.dumps([rule, res.get("properties"), res.get("taxa")]))]
            cwe = cwe or rule_cwe.get(rule, [])
            path, line = "", None
            for loc in res.get("locations") or []:
                phys = loc.get("physicalLocation") or {}
                uri = (phys.get("artifactLocation") or {}).get("uri") or ""
                if uri:
                    path = uri.removeprefix("file://")
                    line = (phys.get("region") or {}).get("startLine")
                    break
            msg = res.get("message") or {}
            out.append({"path": path, "line": line, "rule": rule, "cwe": list(dict.fromkeys(cwe)), "level": level,
                        "message": msg.get("text", "") if isinstance(msg, dict) else str(msg)})  # fmt: skip
    return out

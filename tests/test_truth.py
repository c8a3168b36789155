"""The ground truth export: JSON and SARD-style SARIF 2.1.0, validated against the OASIS schema."""

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import FIXTURE_CASES, ROOT, concurrently
from harness.corpus import discover, truth
from harness.corpus.manifest import BUG_MARKER_RE
from harness.scoring import cwe, sarif, scoreboard

SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
CORPUS = discover.load_all(ROOT / "cases")


def validate_sarif(doc):
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    jsonschema.Draft4Validator(SCHEMA).validate(doc)


def test_truth_sarif_validates_and_has_one_result_per_flaw_location():
    doc = sarif.truth_sarif(CORPUS)
    validate_sarif(doc)
    [run] = doc["runs"]
    assert len(run["results"]) == sum(len(c.flaw.locations) for c in CORPUS)
    first = {r["properties"]["case"]: r for r in run["results"]}["double-free"]
    assert first["ruleId"] == "CWE-415"
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "cases/double-free/repro.c"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 58}
    assert first["properties"] | {"class": "memory-temporal", "variant": "bug", "state": "bad"} == first["properties"]
    # each location's own CWE: the NULL write of allocation-size-too-big-dns is CWE-690, not the flaw's first (191)
    dns = {r["locations"][0]["physicalLocation"]["region"]["startLine"]: r["ruleId"]
           for r in run["results"] if r["properties"]["case"] == "allocation-size-too-big-dns"}  # fmt: skip
    assert dns == {34: "CWE-191", 35: "CWE-690"}
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} <= rules
    states = {(a["properties"]["case"], a["properties"]["variant"]): a["properties"]["state"] for a in run["artifacts"]}
    assert states[("double-free", "fixed")] == "good" and len(states) == 2 * len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_every_flaw_line_carries_its_bug_marker(case):
    """The corpus-wide drift check: a [flaw] line that stops pointing at its BUG marker fails here (and
    the manifest no longer loads, naming the field: tests/test_manifest.py)."""
    assert case.flaw.locations
    for loc in case.flaw.locations:
        line = (case.path / loc.file).read_text().splitlines()[loc.line - 1]
        assert BUG_MARKER_RE.search(line), f"{case.id}: {loc.at} is '{line.strip()}', with no BUG marker"
    if case.flaw.cls in ("concurrency-race", "concurrency-deadlock"):
        assert len(case.flaw.locations) >= 2


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_no_fixed_twin_carries_a_bug_marker(case):
    """The lint: a BUG marker in the fixed twin (or in a helper only its unit holds) is a wrong label
    for readers and a free answer for a marker-grepping analyzer in sighted mode. Its comment says what
    the fixed code does instead."""
    from harness.corpus.manifest import bug_marker_lines
    from harness.corpus.strip import unit_files

    for f in unit_files(case, "fixed"):
        marked = sorted(bug_marker_lines(f.source))
        assert not marked, f"{case.id}: {f.source.name} (fixed unit) has BUG markers on line(s) {marked}"


def test_per_lens_truth_comes_from_the_observed_expectations():
    by_id = {c.id: c for c in CORPUS}
    below = truth.lens_truth(by_id["stack-below-sp-write"])
    assert below["asan"]["asan"]["bug"] == "missed" and "redzone" in below["asan"]["asan"]["why"]
    assert below["valgrind"]["O0"] == {"bug": "caught", "kind": "invalid-write", "fixed": "clean"}
    race = truth.lens_truth(by_id["threaded-assign-race"])
    assert race["tsan"]["tsan"]["kind"] == "data-race" and race["asan"]["asan"]["kind"] == "double-free"
    leak = truth.lens_truth(by_id["task-leak"])["plain"]
    assert leak["asyncio"]["bug"] == "missed" and leak["trio"]["bug"] == "caught"
    assert truth.lens_verdict(by_id["double-free"], "tsan") == "n/a"


def test_cwe_equivalences():
    assert cwe.cwe_matches(122, [787]) and cwe.cwe_matches(788, [121, 787]) and cwe.cwe_matches(690, [476])
    assert not cwe.cwe_matches(416, [415]) and not cwe.cwe_matches(476, [787])


def test_cli_truth_json_sarif_and_filters(cli):
    whole, concurrency, cwe_122, xml = concurrently(  # four independent runs
        lambda: cli("truth", cases=ROOT / "cases"),
        lambda: cli("truth", "--format", "sarif", "--class", "concurrency-*", cases=ROOT / "cases"),
        lambda: cli("truth", "--cwe", "122", cases=FIXTURE_CASES),  # 122 is equivalent to nothing in the fixtures
        lambda: cli("truth", "--format", "xml"),
    )
    r = whole
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert {c["case"] for c in doc["cases"]} == {c.id for c in CORPUS}
    r = concurrency
    assert r.returncode == 0, r.stderr
    log = json.loads(r.stdout)
    validate_sarif(log)
    assert {res["properties"]["class"] for res in log["runs"][0]["results"]} == {
        "concurrency-race", "concurrency-deadlock", "concurrency-lifecycle"
    }
    r = cwe_122
    assert r.returncode == 0 and json.loads(r.stdout)["cases"] == []
    r = xml
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_truth_paths_exist():
    for c in scoreboard.corpus_truth(CORPUS)["cases"]:
        for loc in c["locations"]:
            assert (ROOT / loc["path"]).is_file()
        assert all(Path(ROOT / p).is_file() for p in c["variants"].values())


def test_the_documented_cwe_tables_match_the_code():
    doc = (ROOT / "docs" / "analyzer-corpus.md").read_text()
    for name, ids in cwe.CWE_GROUPS:
        assert f"| {name} | {', '.join(str(i) for i in sorted(ids))} |" in doc, name
    for kind, ids in cwe.KIND_CWE.items():
        assert f"| `{kind}` | {', '.join(map(str, ids))} |" in doc, kind

"""The diagnosis vocabulary (harness/diagnose/kinds.py) against the parsers, the docs and the CWE table:
docs drawn from the code cannot drift from it."""

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from harness.corpus.discover import load_all
from harness.diagnose import diagnose_text
from harness.diagnose.kinds import FAMILIES, KINDS, every_kind, in_vocabulary, vocabulary_markdown
from harness.pipeline.snapshots import parse_snapshot
from harness.scoring.cwe import KIND_CWE, NO_CWE, kind_table_markdown

CORPUS = load_all(ROOT / "cases")


def test_every_kind_has_a_cwe_or_a_documented_reason():
    missing = [k for k in every_kind() if k not in KIND_CWE and k not in NO_CWE]
    assert not missing, f"kinds with no CWE and no reason in NO_CWE (harness/scoring/cwe.py): {missing}"
    assert all(why.strip() for why in NO_CWE.values())
    assert not set(KIND_CWE) & set(NO_CWE)


def test_the_cwe_table_names_only_kinds_the_code_produces():
    stale = [k for k in [*KIND_CWE, *NO_CWE] if k not in every_kind() and not in_vocabulary("python", k)]
    assert not stale, f"KIND_CWE/NO_CWE name kinds no parser produces: {stale}"


def test_docs_cwe_table_is_the_codes():
    page = (ROOT / "docs" / "analyzer-corpus.md").read_text()
    assert kind_table_markdown() in page, "docs/analyzer-corpus.md's kind -> CWE table differs from the code; paste:\n" + kind_table_markdown()


def test_readme_vocabulary_is_the_codes():
    readme = (ROOT / "README.md").read_text()
    row = next(ln for ln in readme.splitlines() if ln.startswith("| `observed.kind` |"))
    assert vocabulary_markdown() in row, "README's observed.kind row differs from harness/diagnose/kinds.py; paste:\n" + vocabulary_markdown()


def test_the_guides_kinds_are_words_of_the_vocabulary():
    guide = (ROOT / "docs" / "writing-a-case.md").read_text()
    para = guide[guide.index("`kind` is the stable name an analyzer should produce"):]
    para = para[: para.index("\n\n")]
    words = re.findall(r"`([A-Za-z][\w=-]*)`", para)
    prose = {"kind", "null", "asyncio-debug"}  # the field's own name, its empty value, a lens
    wrong = [w for w in words if not (w in every_kind() or w.startswith("-W") or w[0].isupper() or w in prose)]
    assert not wrong, f"docs/writing-a-case.md names kinds the code does not produce: {wrong}"


def _observed_kinds():
    for p in sorted((ROOT / "cases").glob("*/snapshots/*/*.txt")):
        obs = parse_snapshot(p.read_text(encoding="utf-8")).observation()
        if obs.get("kind"):
            yield p.relative_to(ROOT).as_posix(), obs.get("tool"), obs["kind"]
    for p in sorted((ROOT / "tests" / "fixtures" / "reports").rglob("*.txt")):
        obs = diagnose_text(p.read_text(encoding="utf-8"))
        if obs.kind:
            yield p.relative_to(ROOT).as_posix(), obs.tool, obs.kind


def test_every_kind_a_parser_named_is_in_the_vocabulary():
    """Over every blessed snapshot and every real report fixture: the parser's kind is a word of its tool's."""
    outside = [(where, tool, kind) for where, tool, kind in _observed_kinds() if not in_vocabulary(tool, kind)]
    assert not outside, outside[:10]


def test_every_expected_kind_is_in_the_vocabulary():
    words = set(every_kind())
    outside = sorted({e.checks["kind"] for c in CORPUS for e in c.expectations if e.checks.get("kind", "none") != "none"}
                     - words)  # fmt: skip
    assert all(k.startswith("-W") or in_vocabulary("python", k) for k in outside), outside


def test_the_stored_board_names_only_kinds_the_code_produces():
    """A lens analyzer's rule is '<lens>:<kind>': a stored board that still names an old kind is stale."""
    boards = sorted((ROOT / "docs" / "scoreboard").glob("*.json"))
    if not boards:
        pytest.skip("no stored board (crashcourse score ... --bless)")
    lenses = {"plain", "asan", "gdb", "valgrind", "strace", "tsan", "fanalyzer", "ubsan", "lsan", "msan", "helgrind",
              "drd", "asyncio-debug"}  # fmt: skip
    stale = set()
    for path in boards:
        board = json.loads(path.read_text())
        for name, entry in board["analyzers"].items():
            if name not in lenses:
                continue
            for unit in entry["units"]:
                for f in unit.get("findings", []):
                    kind = f.get("rule", "").partition(":")[2]
                    if kind in ("exit code", "timed out"):  # no kind: the run only failed or hung (harness.scoring.analyzers.lens)
                        continue
                    if kind and kind not in every_kind() and not kind.startswith(("-W", "SIG")) and not in_vocabulary("python", kind):
                        stale.add((path.name, name, kind))
    assert not stale, sorted(stale)


def test_families_are_described():
    assert set(FAMILIES) <= set(KINDS)


def test_a_glibc_bad_free_scores_as_cwe_590(tmp_path):
    """`score --json` of the plain lens: glibc's 'munmap_chunk(): invalid pointer' carries CWE-590."""
    r = run_cli("score", "--analyzer", "plain", "--json", "bad-free-stack-buffer", "munmap-chunk-invalid-pointer",
                cases=ROOT / "cases", timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr
    board = json.loads(r.stdout)
    findings = [f for u in board["analyzers"]["plain"]["units"] for f in u.get("findings", []) if u["variant"] == "bug"]
    assert findings and all(f["cwe"] == [590] for f in findings), findings
    assert {f["rule"] for f in findings} == {"plain:munmap-chunk-invalid-pointer"}


def test_kinds_module_lists_each_tool_once():
    assert len(KINDS) == len(set(KINDS))
    for tool, kinds in KINDS.items():
        assert len(kinds) == len(set(kinds)), tool
    assert Path(__file__).name == "test_kinds.py"

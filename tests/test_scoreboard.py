"""The scoreboard page: drawn from a stored scoring run and today's truth; the store merges runs."""

import json
import re

from conftest import ROOT
from harness.corpus.discover import load_all
from harness.scoring import score, scoreboard
from harness.scoring.analyzers import Finding, Result

SITE_CASES = load_all(ROOT / "tests" / "fixtures" / "site" / "cases")
BY_ID = {c.id: c for c in SITE_CASES}


def board(name, results, kind="dynamic"):
    units = [score.judge(BY_ID[cid], v, r) for (cid, v), r in results.items()]
    return {"machine": {}, "line_tolerance": 0, "analyzers": {name: {"kind": kind, "description": name, "units": units}}}


def test_page_matrix_summary_and_labelled_false_negatives(tmp_path):
    path = tmp_path / "k.json"
    score.bless(board("plain", {
        ("fx-heap-overflow", "bug"): Result(),
        ("fx-heap-overflow", "fixed"): Result(),
        ("fx-null-deref", "bug"): Result(findings=[Finding("repro.c", 9, [476], "plain:SIGSEGV")]),
        ("fx-null-deref", "fixed"): Result(findings=[Finding("fixed.c", 3, [], "plain:SIGSEGV")]),
        ("fx-lua-error", "bug"): Result(error="timed out after 1 s"),
        ("fx-lua-error", "fixed"): Result(),
    }), path)  # fmt: skip
    score.bless(board("cppcheck", {("fx-lua-error", v): Result(skipped="cppcheck does not analyze lua") for v in ("bug", "fixed")},
                      "static"), path)  # fmt: skip
    stored = json.loads(path.read_text())
    assert set(stored["analyzers"]) == {"plain", "cppcheck"}  # merged, not overwritten
    page = scoreboard.render_page(SITE_CASES, ("k", stored), link=lambda c: f"../cases/{c.id}/")
    assert '<td class="cc-sb cc-sb-missed"' in page and "✘ missed<sup>" in page
    assert "cc-sb-caught" in page and "+FA" in page  # fx-null-deref: caught, and a false alarm on the fixed twin
    assert "cc-sb-error" in page and "timed out after 1 s" in page
    assert "cc-sb-unscored" in page
    crash = score.judge(BY_ID["fx-null-deref"], "bug", Result(findings=[Finding("repro.c", None, [], "plain:SIGSEGV")]))
    fixed = score.judge(BY_ID["fx-null-deref"], "fixed", Result())
    assert score.cell(BY_ID["fx-null-deref"], "plain", crash, fixed)["state"] == "reported"  # cppcheck has no stored units for the C fixtures
    assert "`fx-heap-overflow` × `plain`: The 11th byte lands in malloc's rounding slack" in page
    assert '<a href="../cases/fx-null-deref/">' in page
    summary_row = next(ln for ln in page.splitlines() if ln.startswith("<tr><td><code>plain</code>"))
    # line level: TP 1 (fx-null-deref), FP 1 (its fixed twin), FN 1 (fx-heap-overflow), TN 2; one error
    cells = re.findall(r"<td>(.*?)</td>", summary_row)
    assert cells[2:8] == ["1/1/1/2", "0.50", "0.50", "0.67", "0.50", "0.50/0.50"], summary_row
    assert cells[-3:] == ["-", "1", "0"] and "sighted" in cells[1], cells  # no race scored; 1 error; stored before views
    assert "<tr><th>memory-spatial</th><td>0.50 / 0.50</td>" in page


def test_page_without_a_stored_run_says_how_to_make_one():
    page = scoreboard.render_page(SITE_CASES, None)
    assert "No scoring run stored yet" in page and "--bless" in page


def test_the_stored_board_of_this_repository_renders():
    stored = scoreboard.load_stored()
    if stored is None:  # a fresh clone always has one (docs/scoreboard/); this guards the loader's contract
        raise AssertionError("docs/scoreboard/ holds no stored scoring run")
    page = scoreboard.render_page(load_all(ROOT / "cases"), stored)
    matrix = page[page.index('<table class="cc-scoreboard">') :]
    matrix = matrix[: matrix.index("</table>")]
    assert matrix.count("<tr><th>") == 1 + len(load_all(ROOT / "cases"))  # the header row, then one per case


def test_stored_units_are_judged_again_with_todays_truth(tmp_path):
    """A stored lens finding takes its CWE from today's KIND_CWE, and its verdict from today's [flaw]."""
    case = BY_ID["fx-null-deref"]  # cwe 476 at repro.c:9
    stored = board("valgrind", {
        ("fx-null-deref", "bug"): Result(findings=[Finding("repro.c", 9, [], "valgrind:invalid-read")]),
        ("fx-null-deref", "fixed"): Result(),
    })  # fmt: skip
    stored["analyzers"]["valgrind"]["units"] = score._scrub(stored["analyzers"]["valgrind"]["units"])
    s = score.summarize(stored, [case])
    [bug] = [u for u in s["analyzers"]["valgrind"]["units"] if u["variant"] == "bug"]
    assert bug["findings"][0]["cwe"] == [125] and bug["outcome"]["line"] == ["tp"] and bug["outcome"]["cwe"] == ["fn", "fp"]


def test_the_page_tables_scroll_in_their_own_box_with_the_first_column_fixed():
    """At 1300 px the summary's last columns were cut off: the summary is now a compact HTML table, and
    every table of the page scrolls sideways in its own box with its first column (the row's name) sticky."""
    page = scoreboard.render_page(SITE_CASES, ("k", board("plain", {(c.id, v): Result() for c in SITE_CASES for v in ("bug", "fixed")})))
    for cls in ("cc-sb-summary", "cc-scoreboard", "cc-sb-classes"):
        assert f'<div class="cc-sb-wrap"><table class="{cls}">' in page, cls
    assert "| analyzer |" not in page  # no wide Markdown table left
    css = (ROOT / "docs" / "stylesheets" / "site.css").read_text()
    rule = re.search(r"([^}]*table\.cc-scoreboard tr > :first-child[^{]*)\{([^}]*)\}", css)
    assert rule and "table.cc-sb-summary tr > :first-child" in rule[1] and "table.cc-sb-classes tr > :first-child" in rule[1]
    assert "position: sticky" in rule[2] and "left: 0" in rule[2] and "background" in rule[2]
    assert re.search(r"\.cc-sb-wrap \{[^}]*overflow-x: auto", css)


def test_the_stored_board_is_blind():
    """docs/scoreboard/ was regenerated blind: every built-in static analyzer saw the blind view, every
    lens ran the case; none is a sighted leftover."""
    from harness.corpus.catalog import LENS_INFO

    _, stored = scoreboard.load_stored()
    views = {name: entry.get("view", "sighted") for name, entry in stored["analyzers"].items()}
    for name in ("gcc-fanalyzer", "cppcheck", "clang-analyzer", "ruff-async", "mypy-coroutine"):
        assert views[name] == "blind" and stored["analyzers"][name]["seed"] == 17, name
    for name in LENS_INFO:
        assert views[name] == "run", name
    assert "sighted" not in views.values()
    summary = score.summarize(stored, load_all(ROOT / "cases"))
    assert all(a["view"] != "sighted" for a in summary["analyzers"].values())
    page = scoreboard.render_page(load_all(ROOT / "cases"), ("k", stored))
    assert "cc-sb-view-sighted" not in page and "cc-sb-view-blind" in page

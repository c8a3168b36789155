"""Scoring analyzers: the levels, the metrics, bad input, errors recorded, plug-ins, real tools."""

import json
import os
import subprocess
import sys
import textwrap

import jsonschema
import pytest

from conftest import FIXTURE_CASES, ROOT
from harness.corpus.manifest import load_case
from harness.scoring.analyzers import Finding, Result
from harness.scoring.score import judge, metrics

SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
FX = load_case(FIXTURE_CASES / "fx-null")  # cwe 476, flaw at repro.c:7


def outcome(variant, *findings, tolerance=0):
    return judge(FX, variant, Result(findings=list(findings)), tolerance)["outcome"]


def test_metrics_report_n_a_for_zero_over_zero():
    assert metrics({"tp": 0, "fp": 0, "fn": 0, "tn": 0}) == {"precision": "n/a", "recall": "n/a", "specificity": "n/a", "f1": "n/a"}
    assert metrics({"tp": 0, "fp": 2, "fn": 1, "tn": 0}) == {"precision": 0.0, "recall": 0.0, "specificity": 0.0, "f1": 0.0}
    assert metrics({"tp": 3, "fp": 1, "fn": 1, "tn": 4})["f1"] == 0.75


def test_levels_file_line_cwe():
    on_line = Finding(str(FX.path / "repro.c"), 7, [690], "r")
    assert outcome("bug", on_line) == {"file": ["tp"], "line": ["tp"], "cwe": ["tp"]}  # 690 ~ 476
    wrong_cwe = Finding("repro.c", 7, [787], "r")
    assert outcome("bug", wrong_cwe) == {"file": ["tp"], "line": ["tp"], "cwe": ["fn", "fp"]}
    off_by_one = Finding("repro.c", 6, [476], "r")
    assert outcome("bug", off_by_one) == {"file": ["tp"], "line": ["fn", "fp"], "cwe": ["fn", "fp"]}
    assert outcome("bug", off_by_one, tolerance=1)["line"] == ["tp"]
    no_line = Finding("repro.c", None, [476], "crash")
    assert outcome("bug", no_line) == {"file": ["tp"], "line": ["fn"], "cwe": ["fn"]}
    elsewhere = Finding("/usr/include/stdio.h", 1, [476], "r")
    assert outcome("bug", elsewhere) == {"file": ["fn"], "line": ["fn"], "cwe": ["fn"]}
    assert outcome("fixed") == {"file": ["tn"], "line": ["tn"], "cwe": ["tn"]}
    assert outcome("fixed", Finding("fixed.c", 3, [], "r")) == {"file": ["fp"], "line": ["fp"], "cwe": ["tn"]}
    err = judge(FX, "bug", Result(error="timed out after 1 s"))
    assert err["status"] == "error" and err["outcome"] == {}


def test_unknown_analyzer_and_missing_command_are_one_line_exit_2(cli):
    for spec in ("no-such-analyzer", "mine=no-such-command-xyz {source}", "mine=cat {nope}"):
        r = cli("score", "--analyzer", spec, "fx-null")
        assert r.returncode == 2, (spec, r.stdout, r.stderr)
        assert r.stderr.count("\n") == 1 and "analyzer" in r.stderr, r.stderr


GOOD = textwrap.dedent('''
    # a lexical NULL-store finder: `*p = NULL` ... `*p = ...` on a later line; it reads only the code it is given
    import json, re, sys
    source, out = sys.argv[1], sys.argv[2]
    results, null = [], set()
    for n, line in enumerate(open(source).read().splitlines(), 1):
        m = re.search(r"\\*\\s*(\\w+)\\s*=\\s*NULL", line)
        if m:
            null.add(m[1])
        elif any(re.search(r"\\*" + v + r"\\s*=", line) for v in null):
            results.append({"ruleId": "null-store", "message": {"text": "store through NULL"},
                            "properties": {"cwe": "CWE-476"},
                            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "file://" + source},
                                                                "region": {"startLine": n}}}]})
    json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "good"}}, "results": results}]}, open(out, "w"))
''')


def test_command_adapter_scores_sarif_and_records_errors(cli, tmp_path):
    script = tmp_path / "good.py"
    script.write_text(GOOD)
    out = tmp_path / "sarif"
    r = cli("score", "fx-null", "--json", "--sarif-out", out,
            "--analyzer", f"good={sys.executable} {script} {{source}} {{sarif}}",
            "--analyzer", "failing=sh -c 'echo boom >&2; exit 3'",
            "--analyzer", "garbage=echo this is not SARIF")  # fmt: skip
    # some unit errored: exit 1, and one line saying which analyzer failed where
    assert r.returncode == 1, r.stderr
    assert r.stderr.splitlines()[-1] == ("crashcourse score: analyzers failed (failing on 2 units, garbage on 2 units); "
                                         "exit 1 (--allow-errors: exit 0)")  # fmt: skip
    board = json.loads(r.stdout)["analyzers"]
    good = board["good"]
    assert good["levels"]["cwe"] | {"tp": 1, "fp": 0, "fn": 0, "tn": 1} == good["levels"]["cwe"]
    assert good["levels"]["line"]["precision"] == 1.0 and good["cells"]["fx-null"]["state"] == "caught"
    assert [u["findings"][0]["file"] for u in good["units"] if u["findings"]] == ["repro.c"]  # main.c:7 -> repro.c:7
    for bad, why in (("failing", "exited 3 (accepted: 0; --ok-exit): boom"), ("garbage", "did not write valid SARIF")):
        assert board[bad]["errors"] == 2 and board[bad]["scored"] == 0
        assert all(why in u["reason"] for u in board[bad]["units"])
        assert board[bad]["levels"]["file"]["recall"] == "n/a"
    for name in ("good", "failing", "garbage"):
        log = json.loads((out / f"{name}.sarif").read_text())
        jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert len(json.loads((out / "good.sarif").read_text())["runs"][0]["results"]) == 1
    r = cli("score", "fx-null", "--allow-errors", "--analyzer", "failing=sh -c 'exit 3'")
    assert r.returncode == 0, r.stderr
    r = cli("score", "fx-null", "--analyzer", f"good={sys.executable} {script} {{source}} {{sarif}}")
    assert r.returncode == 0, r.stderr


def test_a_third_party_package_plugs_in_through_the_entry_point(tmp_path):
    """pip-installs tests/analyzer_plugin (its own pyproject, one entry point) and scores it."""
    import importlib.util

    target = tmp_path / "site"
    # offline when this environment has setuptools; else pip fetches it for an isolated build
    offline = ["--no-build-isolation", "--no-index"] if importlib.util.find_spec("setuptools") else []
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", *offline,
         "--target", str(target), str(ROOT / "tests" / "analyzer_plugin")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr
    env = dict(os.environ, PYTHONPATH=f"{target}{os.pathsep}{ROOT}", CRASHCOURSE_CASES=str(ROOT / "cases"))
    r = subprocess.run([sys.executable, "-m", "harness", "score", "--analyzer", "unbounded-copy", "--json",
                        "stack-smash", "double-free"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)["analyzers"]["unbounded-copy"]
    assert a["cells"]["stack-smash"]["state"] == "caught"
    # double-free's strcpy(s->user, "alice") is bounded by a constant: a report elsewhere, and a false alarm
    assert a["cells"]["double-free"] | {"state": "elsewhere", "false_alarm": True} == a["cells"]["double-free"]
    assert a["levels"]["cwe"]["tp"] == 1  # CWE-120 counts for the flaw's CWE-121/787


def test_real_analyzers_and_a_lens_score_real_cases(cli):
    """gcc -fanalyzer, cppcheck, clang --analyze and ASan, run for real; each verdict below was observed."""
    r = cli("score", "--json", "double-free", "sigfpe-divide", "-j", "2",
            *[x for a in ("gcc-fanalyzer", "cppcheck", "clang-analyzer", "asan") for x in ("--analyzer", a)],
            cases=ROOT / "cases", timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr
    board = json.loads(r.stdout)["analyzers"]
    state = {(a, c): board[a]["cells"][c]["state"] for a in board for c in ("double-free", "sigfpe-divide")}
    assert state == {
        ("gcc-fanalyzer", "double-free"): "caught", ("gcc-fanalyzer", "sigfpe-divide"): "missed",
        ("cppcheck", "double-free"): "missed", ("cppcheck", "sigfpe-divide"): "caught",
        ("clang-analyzer", "double-free"): "caught", ("clang-analyzer", "sigfpe-divide"): "caught",
        ("asan", "double-free"): "caught", ("asan", "sigfpe-divide"): "n/a",
    }  # fmt: skip
    assert board["asan"]["levels"]["cwe"] | {"tp": 1, "tn": 1} == board["asan"]["levels"]["cwe"]
    for a in board.values():
        assert a["errors"] == 0 and not any(c["false_alarm"] for c in a["cells"].values())


def test_pytest_option_makes_each_case_variant_an_item():
    env = dict(os.environ, CRASHCOURSE_CASES=str(ROOT / "cases"))
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "cases/double-free/case.toml", "cases/sigfpe-divide/case.toml",
         "-p", "no:cacheprovider", "-q", "--cc-analyzer", "cppcheck", "-p", "no:xdist", "--junitxml", os.devnull],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert r.returncode == 1, r.stdout
    assert "1 failed, 3 passed" in r.stdout
    assert "double-free[cppcheck-bug]" in r.stdout and "did not report the flaw at repro.c:58" in r.stdout
    bad = subprocess.run([sys.executable, "-m", "pytest", "cases", "-q", "--cc-analyzer", "nope", "--co"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)  # fmt: skip
    assert bad.returncode == 4 and "unknown analyzer 'nope'" in bad.stderr


@pytest.mark.parametrize("spec", ["gcc-fanalyzer", "cppcheck", "clang-analyzer", "ruff-async", "mypy-coroutine"])
def test_builtin_analyzers_are_installed_here(spec):
    from harness.scoring.analyzers import get_analyzer

    assert get_analyzer(spec).missing() is None  # .ci/run and the analyzers extra install them

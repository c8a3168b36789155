"""Scoring analyzers: the levels, the metrics, bad input, errors recorded, plug-ins, real tools."""

import json
import os
import re
import subprocess
import sys
import textwrap

import jsonschema
import pytest

from conftest import FIXTURE_CASES, ROOT, concurrently
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
    r, allowed, good_alone = concurrently(  # three independent runs
        lambda: cli("score", "fx-null", "--json", "--sarif-out", out,
                    "--analyzer", f"good={sys.executable} {script} {{source}} {{sarif}}",
                    "--analyzer", "failing=sh -c 'echo boom >&2; exit 3'",
                    "--analyzer", "garbage=echo this is not SARIF"),
        lambda: cli("score", "fx-null", "--allow-errors", "--analyzer", "failing=sh -c 'exit 3'"),
        lambda: cli("score", "fx-null", "--analyzer", f"good={sys.executable} {script} {{source}} {{sarif}}"),
    )  # fmt: skip
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
    r = allowed
    assert r.returncode == 0, r.stderr
    r = good_alone
    assert r.returncode == 0, r.stderr


def test_a_third_party_package_plugs_in_through_the_entry_point(tmp_path):
    """pip-installs tests/analyzer_plugin (its own pyproject, one entry point) and scores it."""
    import importlib.util
    import shutil

    target = tmp_path / "site"
    plugin = shutil.copytree(ROOT / "tests" / "analyzer_plugin", tmp_path / "analyzer_plugin",
                             ignore=shutil.ignore_patterns("build", "*.egg-info"))  # pip builds in place: not in the checkout
    # offline when this environment has setuptools; else pip fetches it for an isolated build
    offline = ["--no-build-isolation", "--no-index"] if importlib.util.find_spec("setuptools") else []
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", *offline,
         "--target", str(target), str(plugin)],
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

    def pytest_run(*args, timeout=300):
        return lambda: subprocess.run([sys.executable, "-m", "pytest", *args], capture_output=True, text=True, cwd=ROOT,
                                      env=env, timeout=timeout)  # fmt: skip

    headers = ("crashcourse: blind analyzer scoring (cppcheck)", "crashcourse: SIGHTED analyzer scoring (cppcheck)")
    r, *cos, bad = concurrently(  # four pytest sessions, independent of each other
        pytest_run("cases/double-free/case.toml", "cases/sigfpe-divide/case.toml", "-p", "no:cacheprovider", "-q",
                   "--cc-analyzer", "cppcheck", "-p", "no:xdist", "--junitxml", os.devnull),
        *[pytest_run("cases/double-free/case.toml", "-p", "no:cacheprovider", "--co", "--cc-analyzer", "cppcheck", *extra)
          for extra in ([], ["--cc-sighted"])],
        pytest_run("cases", "-q", "--cc-analyzer", "nope", "--co", timeout=120),
    )  # fmt: skip
    assert r.returncode == 1, r.stdout
    assert "1 failed, 3 passed" in r.stdout
    assert "double-free[cppcheck-bug]" in r.stdout and "did not report the flaw at repro.c:58" in r.stdout
    for co, header in zip(cos, headers, strict=True):
        assert co.returncode == 0 and header in co.stdout, co.stdout
    assert bad.returncode == 4 and "unknown analyzer 'nope'" in bad.stderr


@pytest.mark.parametrize("spec", ["gcc-fanalyzer", "cppcheck", "clang-analyzer", "ruff-async", "mypy-coroutine"])
def test_builtin_analyzers_are_installed_here(spec):
    from harness.scoring.analyzers import get_analyzer

    assert get_analyzer(spec).missing() is None  # .ci/run and the analyzers extra install them


# ---- races as pairs, findings one by one ----------------------------------------------------------------


def test_a_race_is_found_when_both_sides_are_named():
    """lost-update-counter: the read (repro.py:45) and the write (repro.py:47). One side is a line hit, not
    a found race: pair recall says so."""
    from harness.scoring.score import _tally

    race = load_case(ROOT / "cases" / "lost-update-counter")
    one = judge(race, "bug", Result(findings=[Finding("repro.py", 47, [362], "w")]))
    both = judge(race, "bug", Result(findings=[Finding("repro.py", 45, [362], "r", related=[("repro.py", 47)])]))
    assert one["outcome"]["line"] == both["outcome"]["line"] == ["tp"]
    assert one["sides"] == ["repro.py:47"] and both["sides"] == ["repro.py:45", "repro.py:47"]
    assert _tally([one])["pairs"] == {"found": 0, "units": 1, "recall": 0.0}
    assert _tally([one, both])["pairs"] == {"found": 1, "units": 2, "recall": 0.5}
    assert "sides" not in judge(FX, "bug", Result())  # not a race: no pair to find


def test_finding_precision_tells_a_noisy_tool_from_a_quiet_one():
    """Both tools catch fx-null at the unit level; one says 40 other things on the way."""
    from harness.scoring.score import _tally

    hit = Finding("repro.c", 7, [476], "r")
    quiet = [judge(FX, "bug", Result(findings=[hit])), judge(FX, "fixed", Result())]
    noisy = [judge(FX, "bug", Result(findings=[hit] + [Finding("repro.c", 5, [], "n")] * 20)),
             judge(FX, "fixed", Result(findings=[Finding("fixed.c", 3, [], "n")] * 20 + [Finding("fixed.c", None, [], "crash")]))]  # fmt: skip
    assert _tally(quiet)["levels"]["line"]["precision"] == 1.0 == _tally(quiet)["findings"]["precision"]
    t = _tally(noisy)
    assert t["levels"]["line"]["precision"] == 0.5  # the unit level: TP on the bug, FP on its twin
    assert t["findings"] == {"tp": 1, "fp": 40, "unlocated": 1, "precision": 0.024}


def test_plain_text_score_prints_findings_pairs_and_the_per_class_table(cli, tmp_path):
    script = tmp_path / "good.py"
    script.write_text(GOOD)
    r = cli("score", "fx-null", "--analyzer", f"good={sys.executable} {script} {{source}} {{sarif}}")
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "findings: 1 located (TP 1, FP 0), finding precision 1.00" in text
    assert "race/deadlock pairs: none scored" in text
    assert re.search(r"per class \(line level\)\s+recall precis\.\s+F1 scored\n\s+memory-spatial\s+1\.00\s+1\.00\s+1\.00\s+2\n", text), text


# ---- the command adapter, as authors need it -------------------------------------------------------------

EMIT = textwrap.dedent('''
    # writes SARIF with one result per (level) argument, at line 7 of the source, then exits with the status asked for
    import json, sys
    source, status, version, *levels = sys.argv[1:]
    results = [{"ruleId": "r-" + lv, "level": lv, "message": {"text": lv}, "properties": {"cwe": "CWE-476"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": source}, "region": {"startLine": 7}}}]}
               for lv in levels]
    print(json.dumps({"version": version, "runs": [{"tool": {"driver": {"name": "emit"}}, "results": results}]}))
    sys.exit(int(status))
''')


def test_command_adapter_languages_exit_codes_levels_braces_and_versions(cli, tmp_path):
    script = tmp_path / "emit.py"
    script.write_text(EMIT)
    emit = f"{sys.executable} {script} {{source}}"
    site = ROOT / "tests" / "fixtures" / "site" / "cases"  # fx-heap-overflow and fx-null-deref (C), fx-lua-error (Lua)
    echo = tmp_path / "echo.py"
    echo.write_text("import json, sys\nopen(sys.argv[1], 'w').write(sys.argv[2])\n"
                    "print(json.dumps({'version': '2.1.0', 'runs': [{'tool': {'driver': {'name': 'e'}}, 'results': []}]}))\n")  # fmt: skip
    levels = ([], ["--min-level", "warning"], ["--min-level", "note"])
    # the runs are independent of each other: all at once, then each checked
    c_only, rust, lint, lint_ok, ok_exit_bad, brace, old, *noted = concurrently(
        lambda: cli("score", "--json", "--analyzer", f"c-only[c,cpp]={emit} 0 2.1.0 error", cases=site),
        lambda: cli("score", "--analyzer", f"bad[c,rust]={emit} 0 2.1.0", cases=site),
        lambda: cli("score", "fx-null", "--json", "--analyzer", f"lint[c]={emit} 1 2.1.0 error"),
        lambda: cli("score", "fx-null", "--json", "--ok-exit", "0,1", "--analyzer", f"lint[c]={emit} 1 2.1.0 error"),
        lambda: cli("score", "fx-null", "--ok-exit", "zero", "--analyzer", f"lint[c]={emit} 1 2.1.0 error"),
        lambda: cli("score", "fx-null", "--analyzer", f"brace={sys.executable} {echo} {tmp_path / 'arg.txt'} {{{{.runs}}}}-{{variant}}"),
        lambda: cli("score", "fx-null", "--json", "--analyzer", f"old={emit} 0 2.0.0 error"),
        *[lambda extra=extra: cli("score", "fx-null", "--json", *extra, "--analyzer", f"notes[c]={emit} 0 2.1.0 note")
          for extra in levels],
    )  # fmt: skip

    # a C tool is never fed a Lua unit: n/a (this command would fail if it ran)
    r = c_only
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)["analyzers"]["c-only"]
    assert a["cells"]["fx-lua-error"]["state"] == "n/a" and a["not_applicable"] == 2 and a["errors"] == 0
    r = rust
    assert r.returncode == 2 and "unknown language 'rust'" in r.stderr and r.stderr.count("\n") == 1

    # a linter exits 1 when it found something: an error by default, scored with --ok-exit 0,1
    r = lint
    assert r.returncode == 1 and json.loads(r.stdout)["analyzers"]["lint"]["errors"] == 2
    r = lint_ok
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["analyzers"]["lint"]["cells"]["fx-null"]["state"] == "caught"
    r = ok_exit_bad
    assert r.returncode == 2 and "--ok-exit" in r.stderr

    # --min-level warning drops notes: a note-only tool reports nothing
    for extra, found, r in zip(levels, (2, 0, 2), noted, strict=True):
        a = json.loads(r.stdout)["analyzers"]["notes"]
        assert a["findings"]["tp"] + a["findings"]["fp"] == found, (extra, a["findings"])

    # {{ and }} are literal braces
    r = brace
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "arg.txt").read_text() == "{.runs}-unit"

    # SARIF of another version is refused with a message that says so
    r = old
    assert r.returncode == 1
    reasons = {u["reason"] for u in json.loads(r.stdout)["analyzers"]["old"]["units"]}
    assert reasons == {"'" + sys.executable + "' did not write valid SARIF: SARIF version '2.0.0': only SARIF 2.1.0 is read "
                       "(its \"version\" must be \"2.1.0\")"}  # fmt: skip


# ---- a broken plug-in ---------------------------------------------------------------------------------------


def test_a_broken_entry_point_is_one_line_naming_its_distribution(tmp_path):
    site = tmp_path / "site"
    (site / "cc_broken_plugin-0.3.dist-info").mkdir(parents=True)
    (site / "cc_broken_plugin-0.3.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: cc-broken-plugin\nVersion: 0.3\n")
    (site / "cc_broken_plugin-0.3.dist-info" / "entry_points.txt").write_text(
        "[crashcourse.analyzers]\nbroken = cc_broken:analyzer\nnot-one = cc_notone:NOT_AN_ANALYZER\n")
    (site / "cc_broken.py").write_text("import no_such_module_xyz\n")
    (site / "cc_notone.py").write_text("NOT_AN_ANALYZER = 3\n")
    env = dict(os.environ, PYTHONPATH=f"{site}{os.pathsep}{ROOT}", CRASHCOURSE_CASES=str(FIXTURE_CASES))

    def python_m(*args):
        return lambda: subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)

    broken, broken_pytest, not_one = concurrently(  # three independent runs
        python_m("harness", "score", "--analyzer", "broken", "fx-null"),
        python_m("pytest", "-p", "no:cacheprovider", "--cc-analyzer", "broken", "--co", "-q", str(FIXTURE_CASES)),
        python_m("harness", "score", "--analyzer", "not-one", "fx-null"),
    )
    r = broken
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr == ("analyzer 'broken': the entry point cc_broken:analyzer of distribution cc-broken-plugin 0.3 is broken "
                        "(ModuleNotFoundError: No module named 'no_such_module_xyz')\n")  # fmt: skip
    r = broken_pytest
    assert r.returncode == 4 and "distribution cc-broken-plugin 0.3 is broken" in r.stderr
    r = not_one
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "cc_notone:NOT_AN_ANALYZER of distribution cc-broken-plugin 0.3 is not a crashcourse Analyzer" in r.stderr

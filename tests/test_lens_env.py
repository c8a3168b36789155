"""A case's own ASAN_OPTIONS ([run] env) override the asan lens's defaults one option at a time."""

from pathlib import Path

from conftest import FIXTURE_CASES
from harness.corpus.manifest import RunSpec, load_case
from harness.execution.build import Artifact
from harness.lenses.asan import AsanLens
from harness.lenses.base import ASAN_OPTIONS, parse_options


def plan_env(tmp_path: Path, env: dict) -> dict[str, str]:
    case = load_case(FIXTURE_CASES / "fx-null")
    case.run = {**case.run, "env": env}
    art = Artifact("module", tmp_path, "mod")
    return AsanLens().plan(RunSpec(case, "bug", "asan", "asan"), art, tmp_path).env


def test_parse_options_accepts_both_separators_and_later_wins():
    assert parse_options("a=1:b=2,c=3: a=4") == {"a": "4", "b": "2", "c": "3"}
    assert parse_options("") == {} and parse_options("novalue::=x") == {}


def test_case_asan_options_override_one_default_and_keep_the_rest(tmp_path):
    got = parse_options(plan_env(tmp_path, {"ASAN_OPTIONS": "detect_stack_use_after_return=1:check_initialization_order=1"})["ASAN_OPTIONS"])
    assert got["detect_stack_use_after_return"] == "1" and got["check_initialization_order"] == "1"
    assert {k: v for k, v in got.items() if k in ASAN_OPTIONS and k != "detect_stack_use_after_return"} == {
        k: v for k, v in ASAN_OPTIONS.items() if k != "detect_stack_use_after_return"
    }
    assert got["hard_rss_limit_mb"] == "2048"


def test_without_case_options_the_defaults_apply(tmp_path):
    got = parse_options(plan_env(tmp_path, {"OTHER": "1"})["ASAN_OPTIONS"])
    assert got["detect_stack_use_after_return"] == "0" and got["detect_leaks"] == "0"


def test_asan_runs_a_python_case_with_libasan_preloaded_and_no_faulthandler(tmp_path, monkeypatch):
    """A Python case under asan: python_case.py with its profile, libasan first, faulthandler off (it would
    catch SIGSEGV before ASan), and $CC for a C helper the case builds itself."""
    monkeypatch.setattr("harness.lenses.asan.asan_runtime", lambda: "/x/libasan.so")
    case = load_case(FIXTURE_CASES / "fx-null")
    case.language = "python"
    case.variants = {"bug": "repro.c", "fixed": "fixed.c"}
    plan = AsanLens().plan(RunSpec(case, "bug", "asan", "asan"), None, tmp_path)
    assert Path(plan.argv[-3]).name == "python_case.py" and plan.argv[-1] == "asan"
    assert "faulthandler" not in plan.argv
    assert plan.env["LD_PRELOAD"] == "/x/libasan.so" and plan.env["CRASHCOURSE_PROFILE"] == "asan"
    assert plan.env["CC"]
    assert "python" in AsanLens().languages

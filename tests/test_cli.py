"""The CLI contract: exit statuses, one-line errors, the JSON shapes, the cache, and no leftovers."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, ROOT

RECORD_KEYS = {"case", "variant", "lens", "profile", "repeat", "ok", "skipped", "expected", "observed", "mismatches", "duration_s"}
OBSERVED_KEYS = {"signal", "exit_code", "timed_out", "kind", "access", "size", "frames", "message"}


def _leftovers(tmpdir: Path) -> list[str]:
    return sorted(os.listdir(tmpdir))


def _grandchildren() -> set[int]:
    """PIDs of the fixture's grandchild processes (sleep 600) alive right now."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,stat=,args="], capture_output=True, text=True).stdout
    pids = set()
    for ln in out.splitlines():
        pid, stat, args = (ln.split(None, 2) + ["", ""])[:3]
        if "crashcourse-fixture-grandchild" in args and "ps -ww" not in args and not stat.startswith("Z"):
            pids.add(int(pid))
    return pids


def test_unknown_case_is_one_line_exit_2(cli):
    r = cli("run", "no-such-case")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1 and "unknown case 'no-such-case'" in r.stderr


def test_unknown_lens_is_one_line_exit_2(cli):
    r = cli("run", "fx-null", "--lens", "xray")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "unknown lens 'xray'" in r.stderr


def test_bad_option_is_one_line_exit_2(cli):
    r = cli("run", "--repeat", "zero")
    assert r.returncode == 2 and r.stderr.count("\n") == 1


@pytest.mark.parametrize("jobs", ["0", "-3"])
def test_jobs_below_one_is_one_line_exit_2(cli, jobs):
    r = cli("run", "fx-null", "-j", jobs)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "-j must be at least 1" in r.stderr


def test_malformed_manifest_names_file_and_field_and_runs_nothing(cli, tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES / "fx-null", cases / "fx-null")
    toml = cases / "fx-null" / "case.toml"
    toml.write_text(toml.read_text().replace('signal = "SIGSEGV"', 'signal = "SEGFAULT"'))
    (tmp_path / "t").mkdir()
    r = cli("run", cases=cases, cache=tmp_path / "cache", tmpdir=tmp_path / "t")
    assert r.returncode == 2 and r.stdout == ""
    assert str(toml) in r.stderr and "expect[0].signal" in r.stderr
    assert r.stderr.count("\n") == 1
    assert not (tmp_path / "cache").exists(), "nothing may be built for a malformed corpus"
    assert _leftovers(tmp_path / "t") == []


def test_list_json_contract(cli):
    r = cli("list", "--json")
    assert r.returncode == 0, r.stderr
    cases = json.loads(r.stdout)
    assert {c["id"] for c in cases} == {"fx-null", "fx-hang", "fx-escape", "fx-sleep", "fx-forkbomb"}
    for c in cases:
        assert {"id", "title", "language", "tags", "lenses"} <= set(c)


def test_run_json_contract_and_cache(cli, tmp_path):
    r = cli("run", "fx-null", "--json", cache=tmp_path)
    assert r.returncode == 0, r.stderr
    records = json.loads(r.stdout)
    assert len(records) == 4  # bug + fixed under plain and asan
    for rec in records:
        assert RECORD_KEYS <= set(rec)
        assert OBSERVED_KEYS <= set(rec["observed"])
        assert rec["variant"] in ("bug", "fixed") and rec["ok"] is True and rec["skipped"] is False
    bug_plain = next(x for x in records if x["variant"] == "bug" and x["lens"] == "plain")
    assert bug_plain["observed"]["signal"] == "SIGSEGV"
    bug_asan = next(x for x in records if x["variant"] == "bug" and x["lens"] == "asan")
    assert bug_asan["observed"]["kind"] == "SEGV" and bug_asan["observed"]["access"] == "WRITE"
    assert "cc_main" in bug_asan["observed"]["frames"]
    fixed = [x for x in records if x["variant"] == "fixed"]
    assert all(x["observed"]["signal"] is None and x["observed"]["kind"] is None for x in fixed)
    assert "4 compiled, 0 from cache" in r.stderr
    again = cli("run", "fx-null", "--json", cache=tmp_path)
    assert "0 compiled, 4 from cache" in again.stderr, "a second run must compile nothing"


def test_mismatch_exits_1_and_says_what_differed(cli, tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES / "fx-null", cases / "fx-null")
    toml = cases / "fx-null" / "case.toml"
    toml.write_text(toml.read_text().replace('signal = "SIGSEGV"', 'signal = "SIGBUS"'))
    r = cli("run", "--lens", "plain", cases=cases)
    assert r.returncode == 1
    assert "signal: expected 'SIGBUS', observed 'SIGSEGV'" in r.stdout


@pytest.mark.xdist_group("fx-hang")
def test_hang_is_killed_with_its_whole_group_and_nothing_is_left(tmp_path):
    proc = _start("run", "fx-hang", "--json", tmpdir=tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    bug = next(x for x in json.loads(out) if x["variant"] == "bug")
    assert bug["observed"]["kind"] == "deadlock" and bug["observed"]["timed_out"] is True
    # only this harness's grandchildren count (other test runs on the machine have their own): by run cookie
    assert {p for p in _grandchildren() if _cookie_of(p).startswith(f"{proc.pid}-")} == set()
    assert _leftovers(tmp_path) == []


def _cookie_of(pid: int) -> str:
    try:
        env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return ""
    return next((e.split(b"=", 1)[1].decode() for e in env if e.startswith(b"CRASHCOURSE_RUN=")), "")


@pytest.mark.xdist_group("fx-hang")
def test_ctrl_c_kills_children_and_removes_temp_dirs(tmp_path):
    before = _grandchildren()
    env = dict(os.environ, CRASHCOURSE_CASES=str(FIXTURE_CASES), NO_COLOR="1", TMPDIR=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "harness", "run", "fx-hang", "--variant", "bug"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 20
    def mine():
        return {p for p in _grandchildren() - before if _cookie_of(p).startswith(f"{proc.pid}-")}

    while time.monotonic() < deadline and not mine():
        time.sleep(0.05)
    ours = mine()
    if not ours:
        proc.kill()
        raise AssertionError("the hanging child never started: " + "".join(proc.communicate()))
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    time.sleep(0.2)
    assert _grandchildren() & ours == set()
    assert _leftovers(tmp_path) == []
    assert not list(Path(ROOT).glob("core*"))


def test_runtime_that_cannot_be_built_here_is_a_skip_with_its_reason(cli, tmp_path):
    cases = tmp_path / "cases"
    case = cases / "fx-lua"
    case.mkdir(parents=True)
    (case / "repro.lua").write_text("print('bug') -- BUG: the fixture's flaw\n")
    (case / "fixed.lua").write_text("print('fixed')\n")
    (case / "case.toml").write_text(
        'id = "fx-lua"\ntitle = "t"\nsummary = "s"\nlanguage = "lua"\nlenses = ["plain"]\n'
        '[incident]\ntitle = "t"\nurl = "u"\n[variants]\nbug = "repro.lua"\nfixed = "fixed.lua"\n'
        '[run]\nlua_runtime = { bug = "tests/fixtures/recipes/unbuildable" }\n'
        '[[expect]]\nlens = "plain"\nsignal = "none"\n'
        '[flaw]\ncwe = [710]\nclass = "api-misuse"\nlocations = [{ at = "repro.lua:1", role = "call" }]\n'
        'missed_by = { plain = "a fixture: nothing fails" }\n'
    )
    r = cli("run", "--json", cases=cases)
    assert r.returncode == 0, r.stderr
    bug, fixed = json.loads(r.stdout)
    assert bug["skipped"].startswith("unbuildable: this fixture never builds")
    assert fixed["ok"] is True  # the twin runs on lupa's LuaJIT
    strict = cli("run", "--strict", cases=cases)
    assert strict.returncode == 1


# ---- containment: nothing of a run survives it, whatever the case or the harness's fate ---------------

def _run_procs(harness_pid: int, tag: str) -> set[int]:
    """Live processes of the runs of one harness: their command line carries the run's cookie (pid-n) or the tag."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,stat=,args="], capture_output=True, text=True).stdout
    pids = set()
    for ln in out.splitlines():
        pid, stat, args = (ln.split(None, 2) + ["", ""])[:3]
        if stat.startswith("Z") or "ps -ww" in args:
            continue
        if f"crashcourse-fixture-escapee-{harness_pid}-" in args or (tag and tag in args and "-m harness" not in args):
            pids.add(int(pid))
    return pids


def _start(*args, tmpdir: Path, env_extra: dict | None = None) -> subprocess.Popen:
    env = dict(os.environ, CRASHCOURSE_CASES=str(FIXTURE_CASES), NO_COLOR="1", TMPDIR=str(tmpdir), **(env_extra or {}))
    return subprocess.Popen([sys.executable, "-m", "harness", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def _wait_for(pred, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def _cores() -> list[Path]:
    return [p for p in [*ROOT.glob("core*"), *(FIXTURE_CASES.glob("*/core*"))] if p.is_file()]


MODES = [pytest.param({}, id="cgroup-or-fallback"), pytest.param({"CRASHCOURSE_NO_CGROUP": "1"}, id="no-cgroup")]


@pytest.mark.xdist_group("containment")
@pytest.mark.parametrize("mode", MODES)
def test_descendants_that_leave_the_group_and_session_are_killed(tmp_path, mode):
    proc = _start("run", "fx-escape", "--json", "-j", "2", tmpdir=tmp_path, env_extra=mode)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    bug, fixed = sorted(json.loads(out), key=lambda r: r["variant"])
    assert bug["observed"]["kind"] == "deadlock" and bug["observed"]["decided_by"] == "proof"
    assert bug["observed"]["message"].count("pause for a signal") == 3  # the three escapees, in the evidence
    assert fixed["ok"] and fixed["observed"]["exit_code"] == 0
    assert _run_procs(proc.pid, "") == set(), "an escapee outlived its run"
    assert _leftovers(tmp_path) == [] and not _cores()


@pytest.mark.xdist_group("containment")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_signal_ends_a_run_cleanly(tmp_path, signum):
    proc = _start("run", "fx-sleep", "--variant", "bug", tmpdir=tmp_path)
    if not _wait_for(lambda: len(_run_procs(proc.pid, "")) >= 3):
        proc.kill()
        raise AssertionError("the escapees never started: " + "".join(proc.communicate()))
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum, err
    assert err.strip().splitlines()[-1] == (
        f"crashcourse: interrupted by {signum.name}; every child was killed and its temporary directory removed"
    )
    assert _wait_for(lambda: not _run_procs(proc.pid, ""), timeout=2), "a process of the run survived"
    assert _leftovers(tmp_path) == [] and not _cores()


@pytest.mark.xdist_group("containment")
@pytest.mark.parametrize("mode", MODES)
def test_sigkill_of_the_harness_kills_its_child_and_the_next_run_sweeps_the_rest(tmp_path, mode):
    proc = _start("run", "fx-sleep", "--variant", "bug", tmpdir=tmp_path, env_extra=mode)
    child_tag = str(FIXTURE_CASES / "fx-sleep" / "repro.py")
    if not _wait_for(lambda: len(_run_procs(proc.pid, "")) >= 3 and _run_procs(0, child_tag)):
        proc.kill()
        raise AssertionError("the run never started: " + "".join(proc.communicate()))
    children = _run_procs(0, child_tag)
    proc.kill()
    proc.communicate()
    assert _wait_for(lambda: not (_run_procs(0, child_tag) & children), timeout=5), "PR_SET_PDEATHSIG: the child must die with the harness"
    assert len(os.listdir(tmp_path)) == 1  # the dead harness's directory, named after it ...
    assert os.listdir(tmp_path)[0].startswith(f"crashcourse-{proc.pid}-")
    after = _start("run", "fx-sleep", "--variant", "fixed", tmpdir=tmp_path, env_extra=mode)
    after.communicate(timeout=60)
    assert after.returncode == 0
    assert _run_procs(proc.pid, "") == set(), "the next run must kill what a dead harness's run left"
    assert _leftovers(tmp_path) == [] and not _cores()


@pytest.mark.xdist_group("containment")
@pytest.mark.parametrize("mode", MODES)
def test_fork_bomb_is_capped_and_reported(tmp_path, mode):
    proc = _start("run", "fx-forkbomb", "--json", tmpdir=tmp_path, env_extra=mode)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    bug, fixed = sorted(json.loads(out), key=lambda r: r["variant"])
    assert bug["observed"]["kind"] == "fork-bomb" and bug["observed"]["decided_by"] == "cap", bug["observed"]
    assert "fork bomb" in bug["observed"]["message"]
    assert fixed["ok"]
    assert _run_procs(0, str(FIXTURE_CASES / "fx-forkbomb")) == set()
    assert _leftovers(tmp_path) == [] and not _cores()


def test_repeat_folds_identical_rows_with_a_count(cli):
    r = cli("run", "fx-null", "--lens", "plain", "--repeat", "3")
    assert r.returncode == 0, r.stderr
    rows = [ln for ln in r.stdout.splitlines() if " plain " in ln]
    assert len(rows) == 2 and all("×3" in ln for ln in rows), r.stdout


def test_commands_that_run_children_say_in_one_line_that_they_need_linux():
    from harness.cli import _check_platform
    from harness.errors import UsageError

    for cmd in ("run", "quiz", "prepare", "exercise"):
        with pytest.raises(UsageError) as e:
            _check_platform(cmd, "darwin")
        assert "Linux only" in str(e.value) and "docs/platforms.md" in str(e.value) and "\n" not in str(e.value)
        _check_platform(cmd, "linux")
    for cmd in ("list", "show", "diagnose", "truth", "score"):
        _check_platform(cmd, "darwin")  # files only: anywhere


def test_plain_goes_before_or_after_any_command_exercise_included():
    from harness.cli import build_parser

    for argv in (["--plain", "exercise", "check", "x"], ["exercise", "--plain", "check", "x"],
                 ["exercise", "check", "x", "--plain"], ["show", "double-free", "--plain"], ["run", "--plain"]):  # fmt: skip
        assert build_parser().parse_args(argv).plain is True, argv


def test_building_only_the_command_that_runs_parses_the_same():
    """main() builds the arguments of the command it runs, not all twelve: same namespace as the full parser."""
    from harness.cli import COMMANDS, _command_of, build_parser
    from harness.errors import UsageError

    for argv in (["run", "double-free", "--lens", "asan", "--json"], ["--plain", "list", "--tag", "memory"],
                 ["exercise", "check", "x", "--plain"], ["score", "--analyzer", "plain", "double-free"],
                 ["show", "double-free", "--section", "story"], ["diagnose", "-"]):  # fmt: skip
        assert vars(build_parser(_command_of(argv)).parse_args(argv)) == vars(build_parser().parse_args(argv)), argv
    assert _command_of(["--help"]) is None and _command_of(["--plain", "run"]) == "run"
    full = build_parser()
    [sub] = [a for a in full._actions if a.dest == "command"]
    assert tuple(sub.choices) == COMMANDS  # what build_parser(only=...) relies on to skip the others
    with pytest.raises(UsageError, match="invalid choice: 'runn' \\(choose from 'list', 'show', 'run',"):
        build_parser(_command_of(["runn", "x"])).parse_args(["runn", "x"])  # a typo still lists every command

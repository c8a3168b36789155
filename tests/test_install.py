"""Where the corpus is: in a clone, or inside an installed package (the wheel and the sdist carry it).

An installed package works from any folder (list, run with no snapshot drift, truth as in the clone),
refuses --bless, and an empty or missing corpus is an error that says where it looked (exit 2)."""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import FIXTURE_CASES, ROOT, run_cli

CASE_IDS = sorted(p.parent.name for p in (ROOT / "cases").glob("*/case.toml"))
# a C case under every lens it has (plain, asan, valgrind, fanalyzer) and a Python one: their snapshots hold
# paths (the repro's, the interpreter's, the cache's) that differ between a clone and an install
DRIFT_CASES = ["double-free", "async-lock-across-await"]


# ---- an empty or missing corpus ---------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["list"], ["list", "--json"], ["run"], ["run", "double-free"], ["show", "double-free"], ["truth"],
    ["score", "--analyzer", "plain"], ["prepare"], ["quiz", "--answers", os.devnull],
])  # fmt: skip
@pytest.mark.parametrize("state", ["empty", "missing"])
def test_no_corpus_is_exit_2_saying_where_and_how(tmp_path, command, state):
    where = tmp_path / "cases"
    if state == "empty":
        where.mkdir()
        (where / "not-a-case").mkdir()  # a folder without a case.toml is not a case
    r = run_cli(*command, cases=where, cache=tmp_path / "cache")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == "" and r.stderr.count("\n") == 1
    assert str(where) in r.stderr and "CRASHCOURSE_CASES" in r.stderr
    assert ("does not exist" if state == "missing" else "has no case folder") in r.stderr
    assert not (tmp_path / "cache").exists()


# ---- --bless only in a clone ------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["run", "fx-null", "--bless"], ["run", "fx-null", "--natural", "--bless"]])
def test_bless_refuses_outside_a_git_checkout(tmp_path, command):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES / "fx-null", cases / "fx-null")
    r = run_cli(*command, cases=cases, cache=tmp_path / "cache")
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "--bless" in r.stderr and "git checkout" in r.stderr and str(cases) in r.stderr
    assert sorted(p.name for p in (cases / "fx-null").iterdir()) == ["case.toml", "fixed.c", "repro.c"]
    assert not (tmp_path / "cache").exists(), "nothing runs before the refusal"


# ---- the wheel and the sdist --------------------------------------------------------------------------------

def _source_copy(dest: Path) -> Path:
    """The checkout's files as git sees them (tracked and new, not ignored), copied: a build leaves build/ behind."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")  # fmt: skip
    for f in filter(None, files):
        if (ROOT / f).is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, dest / f)
    return dest


def _backend(where: Path, call: str, out: Path) -> str:
    """setuptools' PEP 517 backend, as `python -m build --no-isolation` calls it; the built file's name."""
    code = f"import sys; from setuptools import build_meta as b; print(b.{call}(sys.argv[1]))"
    r = subprocess.run([sys.executable, "-c", code, str(out)], cwd=where, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r.stdout.strip().splitlines()[-1]


def _once_per_session(tmp_path_factory, name: str, make) -> Path:
    """<the session's temp dir>/<name>, filled by make(folder) once per test session: the first xdist worker
    to ask makes it under a file lock, the others wait and reuse it (they only read it)."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # popen-gwN's parent: the session's
    out = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / f"{name}.done").exists():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            make(out)
            (shared / f"{name}.done").write_text("ok")
    return out


@pytest.fixture(scope="session")
def dists(tmp_path_factory):
    """The sdist of the checkout, and the wheel built from that sdist (the way pip installs an sdist): built
    once per session, for every worker."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed; install it with: apt-get install -y git")
    tmp = _once_per_session(tmp_path_factory, "install-dists", _build_dists)
    names = json.loads((tmp / "dists.json").read_text())
    return tmp / "out" / names["sdist"], tmp / "out" / names["wheel"]


def _build_dists(tmp: Path) -> None:
    src = _source_copy(tmp / "src")
    sdist = tmp / "out" / _backend(src, "build_sdist", tmp / "out")
    with tarfile.open(sdist) as t:
        if hasattr(tarfile, "data_filter"):  # 3.11.4+
            t.extractall(tmp / "unpacked", filter="data")
        else:
            t.extractall(tmp / "unpacked")
    [top] = (tmp / "unpacked").iterdir()
    wheel = tmp / "out" / _backend(top, "build_wheel", tmp / "out")
    (tmp / "dists.json").write_text(json.dumps({"sdist": sdist.name, "wheel": wheel.name}))


def test_sdist_and_wheel_carry_the_corpus(dists):
    sdist, wheel = dists
    with tarfile.open(sdist) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    assert {f"cases/{c}/case.toml" for c in CASE_IDS} <= names
    assert {"native/main.c", "native/luajit-old/build.sh", "setup.py", "MANIFEST.in"} <= names
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        mode = z.getinfo("harness/_corpus/native/luajit-old/build.sh").external_attr >> 16
    manifests = {n for n in names if n.startswith("harness/_corpus/cases/") and n.endswith("/case.toml")}
    assert manifests == {f"harness/_corpus/cases/{c}/case.toml" for c in CASE_IDS}
    for case in CASE_IDS:  # every file of every case folder: sources, README, snapshots
        for f in (ROOT / "cases" / case).rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts:
                assert f"harness/_corpus/cases/{f.relative_to(ROOT / 'cases')}" in names, f
    assert {"harness/_corpus/native/main.c", "harness/corpus/paths.py", "harness/execution/children/c_module.py"} <= names
    assert any(n.startswith("harness/_corpus/docs/scoreboard/") and n.endswith(".json") for n in names)
    assert mode & 0o111, "the recipe keeps its executable bit"
    assert not any(n.startswith(("tests/", "cases/", "native/")) for n in names), "only the package at the top"


@pytest.fixture(scope="session")
def installed(dists, tmp_path_factory):
    """The wheel installed into a folder of its own (pip --target, no dependencies: this interpreter has them),
    once per session, for every worker: the tests only read it (and copy it)."""

    def install(target: Path) -> None:
        r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target),
                            str(dists[1])], capture_output=True, text=True, timeout=600)  # fmt: skip
        assert r.returncode == 0, r.stderr

    return _once_per_session(tmp_path_factory, "install-site", install)


def _from_install(target: Path, cwd: Path, *args, cache: Path, timeout=600):
    env = {k: v for k, v in os.environ.items() if k not in ("CRASHCOURSE_CASES", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PYTHONPATH=str(target), CRASHCOURSE_CACHE=str(cache), NO_COLOR="1", COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)  # fmt: skip


def test_installed_package_works_from_any_folder(installed, tmp_path):
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    corpus = installed / "harness" / "_corpus" / "cases"
    with ThreadPoolExecutor(3) as pool:  # three commands that only read, at once
        listed = pool.submit(_from_install, installed, elsewhere, "list", cache=tmp_path / "cache")
        my_truth = pool.submit(_from_install, installed, elsewhere, "truth", cache=tmp_path / "cache")
        clone_truth = pool.submit(run_cli, "truth", cases=ROOT / "cases")
    r = listed.result()
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == f"{len(CASE_IDS)} cases in {corpus}"

    # the truth is the clone's, path for path (both name files as cases/<id>/...)
    mine, clone = my_truth.result(), clone_truth.result()
    assert mine.returncode == 0 and json.loads(mine.stdout) == json.loads(clone.stdout)

    # runs match their expectations, and their output matches the snapshots blessed in the clone
    r = _from_install(installed, elsewhere, "run", *DRIFT_CASES, "--strict", "-j", "2", cache=tmp_path / "cache", timeout=900)
    assert "snapshot drift" not in r.stderr, r.stderr[-4000:]
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert not list(elsewhere.iterdir()), "nothing is written where the command was run"

    refusals = (["run", "double-free", "--lens", "plain", "--bless"], ["score", "--analyzer", "plain", "double-free", "--bless"])
    with ThreadPoolExecutor(2) as pool:
        done = [(args, pool.submit(_from_install, installed, elsewhere, *args, cache=tmp_path / "cache")) for args in refusals]
    for args, r in ((args, f.result()) for args, f in done):
        assert r.returncode == 2 and r.stderr.count("\n") == 1, (args, r.stderr)
        assert "installed package's copy of the corpus" in r.stderr and "clone" in r.stderr


def test_installed_package_without_its_corpus_says_so(installed, tmp_path):
    bare = tmp_path / "bare"
    shutil.copytree(installed / "harness", bare / "harness", ignore=shutil.ignore_patterns("_corpus"))
    r = _from_install(bare, tmp_path, "list", cache=tmp_path / "cache")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "installed without its corpus" in r.stderr and "CRASHCOURSE_CASES" in r.stderr


def test_cases_env_points_an_install_at_other_cases(installed, tmp_path, monkeypatch):
    monkeypatch.setenv("CRASHCOURSE_CASES", str(FIXTURE_CASES))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(installed), CRASHCOURSE_CACHE=str(tmp_path / "cache"))
    r = subprocess.run([sys.executable, "-m", "harness", "list", "--json"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(c["id"] for c in json.loads(r.stdout)) == sorted(p.name for p in FIXTURE_CASES.iterdir() if p.is_dir())

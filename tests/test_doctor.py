"""`crashcourse doctor`: what it finds agrees with what runs would do, tools are tried (not only found),
sanitizer probes are cached after a success, and a stripped PATH shows as skipped lenses and an install line."""

import json
import os
import shutil
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, path_without, run_cli
from harness.corpus import discover
from harness.execution import toolchain
from harness.teaching import doctor

CORPUS = ROOT / "cases"
GDB_VALGRIND_LENSES = {"gdb", "valgrind", "helgrind", "drd"}


def _doctor(tmp_path, *args, path: str | None = None):
    """`crashcourse doctor ARGS` on the corpus, as run_cli runs it, with the test's own cache; on another PATH
    if given (passed to it, not set in this process: a test may run several at once, on different PATHs)."""
    env = dict(os.environ, CRASHCOURSE_CASES=str(CORPUS), CRASHCOURSE_CACHE=str(tmp_path / "cache"), NO_COLOR="1", COLUMNS="200")
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "harness", "doctor", *args], capture_output=True, text=True, env=env,
                          timeout=600, cwd=ROOT)  # fmt: skip


def _runs_in_corpus() -> int:
    return sum(len(c.runs()) for c in discover.load_all(CORPUS))


def test_doctor_here_accounts_for_every_run_and_caches_its_probes(tmp_path):
    first = _doctor(tmp_path, "--json")
    assert first.returncode in (0, 1), first.stderr
    found = json.loads(first.stdout)
    # every run of the corpus is counted once: run, fetch first, or skipped (tool / other machines)
    counted = sum(v["run"] + v["fetch_first"] + v["skip_tool"] + v["skip_machine"] for v in found["lenses"])
    assert counted == _runs_in_corpus()
    assert found["corpus"]["ok"] and f"{len(discover.case_dirs(CORPUS))} cases in {CORPUS}" in found["corpus"]["detail"]
    # the exit status is the verdict: 0 exactly when every lens can run
    assert found["ok"] == all(v["ok"] for v in found["lenses"]) and first.returncode == (0 if found["ok"] else 1)
    for v in found["lenses"]:
        assert v["ok"] == (v["skip_tool"] == 0 and not v["broken"]), v
    for t in found["tools"]:  # found means on PATH; ok means it also ran a program
        assert bool(t["path"]) == (shutil.which(t["name"]) is not None), t
        if t["ok"]:
            assert "ran a program" in t["detail"]
    sans = found["sanitizers"]
    assert {s["name"].split()[0] for s in sans} == {"asan", "ubsan", "lsan", "tsan", "msan"}
    worked = [s for s in sans if s["ok"]]
    for s in worked:
        assert "planted bug" in s["detail"] and not s["cached"], s
    again = json.loads(_doctor(tmp_path, "--json").stdout)
    for s in again["sanitizers"]:
        assert s["cached"] == (s["name"] in {w["name"] for w in worked}), s  # a success is remembered, a failure tried again
    assert [v["run"] for v in again["lenses"]] == [v["run"] for v in found["lenses"]]


def test_doctor_without_gdb_and_valgrind(tmp_path):
    # three independent doctors at once (--no-probe writes nothing): the full PATH, and without gdb and
    # valgrind in JSON and in plain text
    stripped = path_without(tmp_path / "bin", "gdb", "valgrind")
    with ThreadPoolExecutor(3) as pool:
        full = pool.submit(_doctor, tmp_path, "--json", "--no-probe")
        as_json = pool.submit(_doctor, tmp_path, "--json", "--no-probe", path=stripped)
        as_text = pool.submit(_doctor, tmp_path, "--no-probe", path=stripped)
    base = json.loads(full.result().stdout)
    r = as_json.result()
    assert r.returncode == 1, r.stderr
    found = json.loads(r.stdout)
    lenses = {v["lens"]: v for v in found["lenses"]}
    for name in GDB_VALGRIND_LENSES:
        v = lenses[name]
        tool = "gdb" if name == "gdb" else "valgrind"
        assert not v["ok"] and v["run"] == 0 and v["skip_tool"] > 0, v
        assert all(f"'{tool}' is not installed" in reason for reason in v["reasons"]), v
    for v in base["lenses"]:  # the others are as they were with the full PATH
        if v["lens"] not in GDB_VALGRIND_LENSES:
            assert lenses[v["lens"]]["ok"] == v["ok"] and lenses[v["lens"]]["run"] == v["run"], v["lens"]
    tools = {t["name"]: t for t in found["tools"]}
    assert not tools["gdb"]["ok"] and "not on PATH" in tools["gdb"]["detail"]
    assert not tools["valgrind"]["ok"] and "not on PATH" in tools["valgrind"]["detail"]
    if found["os"]["package_manager"] in ("apt", "dnf", "pacman"):
        assert {"gdb", "valgrind"} <= set(found["install"][0].split()), found["install"]

    # the same, for people: plain text in a pipe (no colour codes), the verdict last
    r = as_text.result()
    assert r.returncode == 1 and "\x1b[" not in r.stdout
    lines = r.stdout.splitlines()
    assert any(ln.strip().startswith("✘ gdb") for ln in lines)
    assert lines[-1] == "✘ 4 lenses cannot run here: gdb, valgrind, helgrind, drd"


def test_doctor_without_a_corpus_says_where_it_looked(tmp_path):
    empty = tmp_path / "no-cases"
    empty.mkdir()
    r = run_cli("doctor", "--json", "--no-probe", cases=empty, cache=tmp_path / "cache", timeout=300)
    assert r.returncode == 1
    found = json.loads(r.stdout)
    assert not found["corpus"]["ok"] and str(empty) in found["corpus"]["detail"]
    assert "CRASHCOURSE_CASES" in found["corpus"]["detail"]


def test_a_sanitizer_probe_that_does_not_report_is_broken(tmp_path, monkeypatch):
    """A compiler that builds a program whose runtime stays silent (here: it always links /bin/true) is not 'working'."""
    fake = tmp_path / "bin" / "fakecc"
    fake.parent.mkdir()
    true = shutil.which("true")
    fake.write_text(f'#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = -o ] && cp {true} "$2"; shift; done\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("CRASHCOURSE_CACHE", str(tmp_path / "cache"))
    c = toolchain.sanitizer("fakecc", "asan", true, "not installed")
    assert c.ok is False and "did not report the planted bug" in c.detail
    assert not (tmp_path / "cache" / "doctor" / "probes.json").exists()  # a failure is not remembered
    assert toolchain.sanitizer("fakecc", "asan", None, "install libasan8").detail == "install libasan8"


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf is not installed; install it with: apt-get install -y binutils")
def test_build_id_reader_agrees_with_readelf():
    import subprocess

    exe = os.path.realpath(shutil.which("true"))
    out = subprocess.run(["readelf", "-n", exe], capture_output=True, text=True).stdout
    want = next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if "Build ID" in ln), None)
    if want is None:
        pytest.skip(f"{exe} has no GNU build id")
    assert toolchain._build_id(exe) == want


@pytest.mark.parametrize("release, manager", [
    ('ID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 24.04 LTS"\n', "apt"),
    ('ID=debian\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n', "apt"),
    ('ID=fedora\nPRETTY_NAME="Fedora Linux 40"\n', "dnf"),
    ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', "dnf"),
    ('ID=arch\nPRETTY_NAME="Arch Linux"\n', "pacman"),
    ('ID=alpine\n', None),
])  # fmt: skip
def test_os_detection(tmp_path, release, manager):
    f = tmp_path / "os-release"
    f.write_text(release)
    assert doctor.detect_os(f, system="Linux").manager == manager


def test_install_lines_per_package_manager(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    osi = lambda m: doctor.OSInfo("linux", "x", "X", m)  # noqa: E731
    assert doctor.install_lines(osi("apt"), ["gdb", "valgrind", "tsan"]) == ["sudo apt-get install -y gdb valgrind libtsan2"]
    assert doctor.install_lines(osi("dnf"), ["g++", "libc-dbg"]) == ["sudo dnf install -y gcc-c++", doctor.OTHERWISE[("dnf", "libc-dbg")]]
    assert doctor.install_lines(osi("pacman"), ["asan", "tsan"]) == ["sudo pacman -S --needed gcc"]
    assert doctor.install_lines(osi("apt"), []) == []
    mac = doctor.detect_os(Path("/nonexistent"), system="Darwin")
    assert mac.manager == "brew" and doctor.CANNOT["darwin"]
    assert doctor.install_lines(mac, ["valgrind"]) == ["valgrind: no brew package (see 'cannot work here')"]

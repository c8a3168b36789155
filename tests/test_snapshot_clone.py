"""A fresh clone at another path, with another cache directory and an interpreter of another name,
shows no drift against the blessed snapshots (the install must not leak into them)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

# cases whose snapshots hold what used to depend on the install: the interpreter's path and name and
# libpython in a C crash handler's backtrace (handler-returns-refault), cffi's generated-file line
# numbers and a core's cut command line (double-free: asan, gdb), a trio task dump (async-lock-across-await)
CASES = ["double-free", "handler-returns-refault", "async-lock-across-await"]


def _interpreter_elsewhere(tmp: Path) -> Path:
    """The same virtualenv, seen from another prefix and under another name: <tmp>/venv-b/bin/py-other."""
    venv = Path(sys.prefix)
    other = tmp / "venv-b"
    (other / "bin").mkdir(parents=True)
    shutil.copy(venv / "pyvenv.cfg", other / "pyvenv.cfg")
    for sub in ("lib", "lib64"):
        if (venv / sub).exists():
            (other / sub).symlink_to((venv / sub).resolve())
    py = other / "bin" / "py-other"
    py.symlink_to(Path(sys.executable).resolve())
    return py


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed; install it with: apt-get install -y git")
def test_fresh_clone_elsewhere_shows_no_drift(tmp_path):
    clone = tmp_path / "a-much-longer-directory-name-than-the-original-one" / "crashcourse-clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    py = _interpreter_elsewhere(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CRASHCOURSE_CASES", "PYTHONPATH")}
    env.update(CRASHCOURSE_CACHE=str(tmp_path / "another-cache-dir-x"), NO_COLOR="1", COLUMNS="200",
               PYTHONPATH=str(clone))  # the clone's harness, not this checkout's
    where = subprocess.run([str(py), "-c", "import sys; from harness.corpus.paths import ROOT; print(ROOT); print(sys.prefix)"],
                           capture_output=True, text=True, env=env, cwd=clone)  # fmt: skip
    assert where.stdout.split() == [str(clone), str(tmp_path / "venv-b")], where.stdout + where.stderr
    r = subprocess.run([str(py), "-m", "harness", "run", *CASES, "--strict", "-j", "2"],
                       capture_output=True, text=True, env=env, cwd=clone, timeout=600)  # fmt: skip
    assert "snapshot drift" not in r.stderr, r.stderr[-4000:]
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]

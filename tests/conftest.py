import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CASES = ROOT / "tests" / "fixtures" / "cases"


def run_cli(*args, cases=FIXTURE_CASES, cache=None, timeout=120, tmpdir=None, **kw):
    """Run `python -m harness ...` as a user would, against the given cases folder.

    tmpdir becomes the harness's TMPDIR, so a test can check that no temporary directory is left.
    """
    env = dict(os.environ, CRASHCOURSE_CASES=str(cases), NO_COLOR="1", COLUMNS="200")
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    if cache is not None:
        env["CRASHCOURSE_CACHE"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "harness", *map(str, args)],
        capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT, **kw,
    )  # fmt: skip


@pytest.fixture
def cli():
    return run_cli


def path_without(folder: Path, *tools: str) -> str:
    """A PATH on which `tools` are missing and everything else of /usr/bin and /bin is still found: a folder of
    symlinks to every command there but those (and their versioned names, valgrind-di-server, gdb-add-index ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in ("/usr/bin", "/bin", "/usr/local/bin"):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            if any(name == t or name.startswith(t + "-") for t in tools) or os.path.lexists(folder / name):
                continue
            (folder / name).symlink_to(os.path.join(d, name))
    return str(folder)

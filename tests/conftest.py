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

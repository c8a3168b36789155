import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CASES = ROOT / "tests" / "fixtures" / "cases"

# Python as a user runs it: with its bytecode cached. Some sandboxes export PYTHONDONTWRITEBYTECODE=1, and then
# every `python -m harness` and every `python -m pytest` these tests start compiles the harness again (~0.25 s of
# CPU each), pytest rewrites the asserts of every plugin it loads (hypothesis, anyio, xdist: ~1.5 s each), and each
# xdist worker rewrites every test module. No user pays that (bench/bench.py drops it for the same reason); the
# children the harness starts are unaffected (it gives them their own environment). This process and the xdist
# workers, which inherit os.environ, write their rewritten tests too.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False


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


def concurrently(*calls):
    """Run independent calls (each a function of no arguments, typically starting a subprocess) at once, in threads;
    their results in the order given. An exception in any of them is raised here, after all have ended."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
    return [f.result() for f in futures]

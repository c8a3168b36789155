"""`crashcourse prepare`: after it, the runs build nothing and fetch nothing; luajit-finalizer-uaf runs with
the package index unreachable (and, as a control, without `prepare` it cannot)."""

import json
import os
import shutil
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import FIXTURE_CASES, ROOT, path_without, run_cli

CORPUS = ROOT / "cases"
# Everything pip could fetch from is made unreachable: no PIP_* variable and no config file (no index,
# extra index or find-links of theirs), no index at all (and one on a port nobody listens on), every proxy
# there too, no retries. The test's control shows that this does block the download.
OFFLINE = {
    "PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_NO_INDEX": "1",
    "PIP_RETRIES": "0", "PIP_TIMEOUT": "2",
    "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9",
}  # fmt: skip


def test_prepare_builds_what_runs_need_and_then_nothing(tmp_path):
    cache = tmp_path / "cache"
    first = run_cli("prepare", "--json", cache=cache, timeout=600)
    assert first.returncode == 0, first.stderr
    done = json.loads(first.stdout)
    assert done["ok"] and done["compiled"] > 0 and done["failed"] == []
    assert done["cache"] == str(cache)
    again = json.loads(run_cli("prepare", "--json", cache=cache, timeout=600).stdout)
    assert again["compiled"] == 0 and again["from_cache"] == done["compiled"] + done["from_cache"]
    r = run_cli("run", "fx-null", cache=cache, timeout=600)  # the run finds everything built
    assert r.returncode == 0 and "build: 0 compiled" in r.stderr, r.stderr
    text = run_cli("prepare", cache=cache, timeout=600)
    assert text.returncode == 0 and text.stdout.splitlines()[-1].startswith("done in ")


def test_prepare_builds_nothing_for_runs_that_will_skip(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", path_without(tmp_path / "bin", "gdb"))
    r = run_cli("prepare", "assert-failure", "--lens", "gdb", "--variant", "bug", "--json", cases=CORPUS, cache=tmp_path / "c")
    assert r.returncode == 0, r.stderr
    done = json.loads(r.stdout)
    assert done["compiled"] == 0 and done["from_cache"] == 0
    assert list(done["skipped"]) == ["'gdb' is not installed; install it with: apt-get install -y gdb"]


def test_prepare_bad_input_is_exit_2(tmp_path):
    for args in (["no-such-case"], ["--lens", "xray"], ["-j", "0"]):
        r = run_cli("prepare", *args, cache=tmp_path / "c")
        assert r.returncode == 2 and r.stderr.count("\n") == 1, (args, r.stderr)


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


def _offline_run(cache, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(OFFLINE, CRASHCOURSE_CASES=str(CORPUS), CRASHCOURSE_CACHE=str(cache), NO_COLOR="1")
    r = subprocess.run([sys.executable, "-m", "harness", "run", "luajit-finalizer-uaf", "--variant", "bug", "--json", *args],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)  # fmt: skip
    return r, json.loads(r.stdout)


@pytest.mark.skipif(any(shutil.which(t) is None for t in ("gcc", "make", "tar", "sha256sum")),
                    reason="native/luajit-old needs gcc, make, tar, sha256sum; install them with: apt-get install -y build-essential")
def test_after_prepare_luajit_finalizer_uaf_runs_offline(tmp_path):
    # The control and `prepare` are independent (each its own cache; the control reaches no index): they run
    # at once, the control beside the download and the build.
    reachable = _pypi_reachable()
    cache = tmp_path / "cache"
    with ThreadPoolExecutor(2) as pool:
        control = pool.submit(_offline_run, tmp_path / "empty-cache", "--lens", "plain")
        if reachable:
            prepared = pool.submit(run_cli, "prepare", "luajit-finalizer-uaf", "--lens", "plain", "--json", cases=CORPUS,
                                   cache=cache, timeout=1800)  # fmt: skip
        # control: with the index unreachable and nothing fetched, the recipe cannot download: the run is skipped
        r, [rec] = control.result()
        assert rec["skipped"] and "pip could not download lupa==2.0" in rec["skipped"], r.stderr
    if not reachable:
        pytest.skip("prepare must download the lupa 2.0 sdist from PyPI once, and pypi.org:443 is unreachable here")

    p = prepared.result()
    assert p.returncode == 0, p.stdout + p.stderr
    [rt] = json.loads(p.stdout)["runtimes"]
    assert (rt["recipe"], rt["profile"], rt["before"], rt["what"]) == ("native/luajit-old", "plain", "fetch", "downloaded and built")
    assert os.access(rt["detail"], os.X_OK), rt

    r, [rec] = _offline_run(cache, "--lens", "plain")
    assert rec["skipped"] is False and rec["ok"], r.stdout[-2000:] + r.stderr[-2000:]
    assert rec["observed"]["exit_code"] == 0  # the old LuaJIT ran repro.lua (the bug is invisible without ASan)
    # the other profile was not built, but its source is kept: it builds without the network too
    status = subprocess.run(["bash", str(ROOT / "native" / "luajit-old" / "build.sh"), str(cache), "asan", "--status"],
                            capture_output=True, text=True)  # fmt: skip
    assert status.returncode == 3 and "downloads/lupa-2.0.tar.gz" in status.stdout, status.stdout + status.stderr


def test_prepare_selects_like_run():
    r = run_cli("prepare", "--tag", "no-such-tag-anywhere", cases=FIXTURE_CASES)
    assert r.returncode == 2 and "no case matches" in r.stderr


def test_a_recipe_runtimes_key_is_scrubbed_from_snapshots(monkeypatch, tmp_path):
    """The old LuaJIT's folder is named by a hash of its recipe and the compiler's version string: a rebuilt
    runtime (an edited recipe, a gcc update) must not drift the snapshots that show its frames."""
    from harness.pipeline.snapshots import normalize

    monkeypatch.setenv("CRASHCOURSE_CACHE", str(tmp_path))
    a = normalize(f"#0 0x4242 in lj_gc_finalize_cdata {tmp_path}/luajit-old-a4cec9c5b09810d8/src/lj_gc.c:539")
    b = normalize(f"#0 0x4343 in lj_gc_finalize_cdata {tmp_path}/luajit-old-c68fbd6300fa8ac7/src/lj_gc.c:539")
    assert a == b == "#0 0xADDR in lj_gc_finalize_cdata <cache>/luajit-old-<key>/src/lj_gc.c:539\n"

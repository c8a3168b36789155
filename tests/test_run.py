"""The child runner: limits, the watchdog, output that survives anything, nothing left behind."""

import sys

from harness.run import Limits, run_child, workdir


def py(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_spinning_and_waiting_hangs_are_told_apart():
    with workdir() as wd:
        spin = run_child(py("while True: pass"), wd, {}, Limits(timeout_s=1.0))
    with workdir() as wd:
        wait = run_child(py("import threading; l = threading.Lock(); l.acquire(); l.acquire()"), wd, {}, Limits(timeout_s=1.0))
    assert spin.timed_out and wait.timed_out
    assert spin.busy >= 0.5 > wait.busy
    assert spin.returncode is None and spin.signal is None  # the watchdog's SIGKILL is not the bug's


def test_output_flood_and_binary_bytes_are_capped_not_fatal():
    code = "import os; os.write(1, bytes(range(256)) * 40000); os.write(2, b'\\xff\\x00tail\\n')"
    with workdir() as wd:
        r = run_child(py(code), wd, {}, Limits(timeout_s=20))
    assert r.returncode == 0
    assert "bytes cut by crashcourse" in r.stdout and len(r.stdout) < 6 << 20
    assert r.stderr.endswith("tail\n")


def test_address_space_limit_applies():
    with workdir() as wd:
        r = run_child(py("b = bytearray(3 << 30)"), wd, {}, Limits(timeout_s=20, memory_mb=512))
    assert r.returncode == 1 and "MemoryError" in r.stderr


def test_signal_death_is_named_and_workdir_removed():
    with workdir() as wd:
        r = run_child(py("import os, signal; os.kill(os.getpid(), signal.SIGBUS)"), wd, {}, Limits(timeout_s=20))
        path = wd
    assert r.signal == "SIGBUS" and r.returncode == -7
    assert not path.exists()

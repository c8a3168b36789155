"""The child runner: limits, the watchdog, output that survives anything, nothing left behind."""

import os
import sys

import pytest

from harness.execution.run import Limits, run_child, workdir


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


# ---- the watch: a deadlock proven in milliseconds, never a false one -----------------------------------

def _run(code: str, timeout_s: float = 10.0):
    with workdir() as wd:
        return run_child(py(code), wd, {}, Limits(timeout_s=timeout_s))


DEADLOCKS = {
    "lock": ("import threading; l = threading.Lock(); l.acquire(); l.acquire()", "futex wait"),
    "idle-epoll": ("import selectors, socket; a, b = socket.socketpair(); s = selectors.DefaultSelector(); "
                   "s.register(a, selectors.EVENT_READ); s.select()", "epoll_wait, no timeout"),
    "pipe": ("import os; r, w = os.pipe(); os.read(r, 1)", "read on a pipe only the run can write"),
    "full-pipe": ("import os; r, w = os.pipe(); os.write(w, b'x' * (1 << 20))", "write on a full pipe only the run can read"),
    "wait4": ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
              "'import threading; l = threading.Lock(); l.acquire(); l.acquire()'])", "wait4 for a child of the run"),
    "long-timeout": ("import threading; threading.Event().wait(3600)", "timeout after the deadline"),
}


@pytest.mark.parametrize("name", sorted(DEADLOCKS))
def test_deadlock_is_proven_long_before_the_timeout(name):
    code, evidence = DEADLOCKS[name]
    r = _run(code, timeout_s=20)
    assert r.timed_out and r.hang == "deadlock" and r.decided_by == "proof", (r.decided_by, r.evidence)
    assert evidence in r.evidence
    assert r.duration_s < 5


NOT_DEADLOCKS = {
    "timed sleep": "import time; time.sleep(0.8)",
    "timed lock wait": "import threading; l = threading.Lock(); l.acquire(); l.acquire(timeout=0.8)",
    "slow writer": ("import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', "
                    "'import time, sys\\nfor i in range(4): time.sleep(0.2); print(i, flush=True)'], stdout=subprocess.PIPE); "
                    "print(p.stdout.read()); p.wait()"),
    "short compute": "sum(i * i for i in range(3_000_000))",
}


@pytest.mark.parametrize("name", sorted(NOT_DEADLOCKS))
def test_sleeping_slow_io_and_computing_children_are_not_hangs(name):
    r = _run(NOT_DEADLOCKS[name], timeout_s=20)
    assert not r.timed_out and r.hang is None and r.returncode == 0, (r.decided_by, r.evidence, r.stderr)


def test_a_sleep_past_the_deadline_is_decided_by_the_timeout_not_called_proven():
    r = _run("import time; time.sleep(60)", timeout_s=1.0)
    assert r.timed_out and r.decided_by == "timeout" and r.hang is None


def test_livelock_is_decided_after_a_short_window_not_the_timeout():
    r = _run("while True: pass", timeout_s=30)
    assert r.timed_out and r.hang == "livelock" and r.decided_by == "window"
    assert r.duration_s < 10


# ---- stdout and stderr: in the order the child wrote them ----------------------------------------------

def test_stdout_and_stderr_come_back_in_the_order_written():
    code = ("import os, time\n"
            "for fd, text in ((1, b'one\\n'), (2, b'two\\n'), (1, b'three\\n'), (2, b'four\\n')):\n"
            "    os.write(fd, text); time.sleep(0.2)\n")  # fmt: skip
    r = _run(code)
    assert (r.stdout, r.stderr) == ("one\nthree\n", "two\nfour\n")  # the record's fields are as they were
    assert [(name, n) for name, n, _ in r.order] == [("stdout", 4), ("stderr", 4), ("stdout", 6), ("stderr", 5)]
    assert r.first == "stdout"


def _pipe_empty(fd: int) -> bool:
    import fcntl
    import struct
    import termios

    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0] == 0


def _wait_read(cap, fd):
    import time

    end = time.monotonic() + 10
    while not _pipe_empty(fd):  # the reader took it, and now waits for the lock we hold
        assert time.monotonic() < end
        time.sleep(0.001)


def test_writes_that_wait_while_the_reader_is_busy_keep_their_order():
    """The reader holds a chunk of stdout; meanwhile stderr then stdout are written: epoll's ready list
    gives them in that order."""
    from harness.execution.run import _Capture

    cap = _Capture()
    out_r, err_r = list(cap._fds)
    with cap._lock:
        os.write(cap.out_w, b"a\n")
        _wait_read(cap, out_r)
        os.write(cap.err_w, b"b\n")
        os.write(cap.out_w, b"c\n")
    cap.started()
    cap.finish()
    assert cap.result() == ("a\nc\n", "b\n", [("stdout", 2, False), ("stderr", 2, False), ("stdout", 2, True)], "stdout")


def test_writes_that_all_land_before_the_reader_wakes_are_marked_together():
    """stdout, stderr, stdout again, all waiting: one stdout run, then stderr, marked as read together."""
    from harness.execution.run import _Capture

    cap = _Capture()
    out_r, err_r = list(cap._fds)
    with cap._lock:
        os.write(cap.err_w, b"x\n")
        _wait_read(cap, err_r)
        for fd, data in ((cap.out_w, b"a\n"), (cap.err_w, b"b\n"), (cap.out_w, b"c\n")):
            os.write(fd, data)
    cap.started()
    cap.finish()
    assert cap.result() == ("a\nc\n", "x\nb\n", [("stderr", 2, False), ("stdout", 4, False), ("stderr", 2, True)], "stderr")


def test_a_cut_stream_says_which_began_and_no_order():
    r = _run("import os; os.write(2, b'first\\n'); os.write(1, b'x' * (5 << 20))", timeout_s=30)
    assert r.order is None and r.first == "stderr" and "bytes cut by crashcourse" in r.stdout


@pytest.mark.parametrize("child", ["python", "native"])
def test_output_past_the_file_cap_ends_the_run_as_a_file_would(monkeypatch, child):
    from harness.execution import run as run_mod

    monkeypatch.setattr(run_mod, "FILE_CAP", 1 << 20)
    argv = py("import os\nwhile True: os.write(1, b'y' * 65536)") if child == "python" else ["yes"]
    with workdir() as wd:
        r = run_child(argv, wd, {}, Limits(timeout_s=30))
    assert not r.timed_out and "crashcourse stopped reading at 1048576 bytes" in r.stdout
    if child == "native":  # the next write to the closed pipe: SIGPIPE, or EPIPE if the child ignores it
        assert r.signal == "SIGPIPE" or (r.signal is None and r.returncode not in (0, None)), r
    else:
        assert r.returncode == 1 and "BrokenPipeError" in r.stderr  # Python ignores SIGPIPE: the write fails


def test_a_writer_that_never_closes_does_not_hold_the_capture():
    """A process that escaped the run and keeps stdout open: the capture gives up after its grace."""
    import time

    from harness.execution.run import _Capture

    cap = _Capture()
    holder = os.dup(cap.out_w)
    try:
        os.write(holder, b"still here\n")
        cap.started()
        t = time.monotonic()
        cap.finish(grace_s=0.2)
        assert time.monotonic() - t < 2 and not cap._thread.is_alive()
        assert cap.result()[0] == "still here\n"
    finally:
        os.close(holder)

"""The child runner: limits, the watchdog, output that survives anything, nothing left behind."""

import os
import signal
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


# ---- a proof is a proof: what looks asleep but is not --------------------------------------------------
# A process whose main thread has exited while another thread still runs shows 'Z' in /proc/PID/stat:
# ThreadSanitizer's fork child is like that for a moment (its background thread exits after the main
# thread's exit_group). Under load that moment lasts; its parent's waitid must not look like a deadlock.

_EXIT_MAIN_THREAD = (  # the main thread leaves with the exit system call (not exit_group): a zombie leader
    "import ctypes, platform; ctypes.CDLL(None).syscall({'x86_64': 60, 'aarch64': 93}[platform.machine()], 0)"
)


def _fork_child(body: str) -> str:
    """Code that forks; the child runs body in a second thread and exits its main thread at once."""
    return (
        "import os, sys, threading, time\n"
        "def work():\n"
        f"{body}\n"
        "    os._exit(0)\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    threading.Thread(target=work).start()\n"
        f"    {_EXIT_MAIN_THREAD}\n"
    )


def test_a_runnable_thread_is_not_part_of_a_deadlock():
    code = ("import threading, time\nl = threading.Lock(); l.acquire()\n"
            "def work():\n    end = time.monotonic() + 1.0\n    while time.monotonic() < end: pass\n    l.release()\n"
            "threading.Thread(target=work).start()\nl.acquire()\nprint('done')")
    r = _run(code, timeout_s=20)
    assert not r.timed_out and r.hang is None and r.returncode == 0 and r.stdout == "done\n", (r.decided_by, r.evidence)


def test_waitid_on_a_live_child_whose_main_thread_exited_is_not_a_deadlock():
    code = _fork_child("    end = time.monotonic() + 1.0\n    while time.monotonic() < end: pass") + (
        "os.waitid(os.P_PID, pid, os.WEXITED)\nprint('reaped')")
    r = _run(code, timeout_s=20)
    assert not r.timed_out and r.hang is None and r.returncode == 0 and r.stdout == "reaped\n", (r.decided_by, r.evidence)


def test_a_pipe_read_whose_writer_is_alive_and_running_is_not_a_deadlock():
    code = ("import os\nr, w = os.pipe()\n" + _fork_child(
        "    end = time.monotonic() + 1.0\n    while time.monotonic() < end: pass\n    os.write(w, b'x')") + (
        "os.close(w)\nprint(os.read(r, 1).decode())\nos.waitpid(pid, 0)"))
    r = _run(code, timeout_s=20)
    assert not r.timed_out and r.hang is None and r.returncode == 0 and r.stdout == "x\n", (r.decided_by, r.evidence)


def test_a_child_whose_main_thread_exited_and_whose_thread_is_stuck_is_a_proven_deadlock():
    code = _fork_child("    l = threading.Lock(); l.acquire(); l.acquire()") + "os.waitid(os.P_PID, pid, os.WEXITED)"
    r = _run(code, timeout_s=20)
    assert r.hang == "deadlock" and r.decided_by == "proof", (r.decided_by, r.evidence)
    assert "the child: main thread: waitid for a child of the run | process 2: thread 1: futex wait" in r.evidence
    assert r.duration_s < 5


def test_the_proof_covers_the_whole_process_tree_not_only_the_pids_it_is_given():
    """Given only the waiting parent's pid, the sample still finds its running child, so no proof."""
    import subprocess
    import time

    from harness.execution import hang

    child = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'while True: pass'])"
    proc = subprocess.Popen(py(child))
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not hang.children(proc.pid):
            time.sleep(0.02)
        time.sleep(0.3)
        samples = [hang.sample({proc.pid}, time.monotonic() + 60, 60, ()) for _ in range(3)]
    finally:
        for kid in hang.children(proc.pid):
            os.kill(kid, signal.SIGKILL)
        proc.kill()
        proc.wait()
    assert all(len(s.pids) == 2 and s.waits is None for s in samples), [(s.pids, s.waits) for s in samples]
    assert not hang.proven(samples[0], samples[1]) and not hang.proven(samples[1], samples[2])


def test_a_run_past_the_limit_is_crowded_at_once_and_below_it_looked_at_in_full():
    """A fork bomb multiplies while it is walked: past the limit the sample stops (the watch caps the run)."""
    import subprocess
    import time

    from harness.execution import hang

    parent = "import os, time\nfor _ in range(4):\n    if os.fork() == 0:\n        time.sleep(60)\ntime.sleep(60)"
    proc = subprocess.Popen(py(parent))
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(hang.children(proc.pid)) < 4:
            time.sleep(0.02)
        time.sleep(0.1)
        over = hang.sample({proc.pid}, time.monotonic() + 60, 60, (), limit=3)
        under = hang.sample({proc.pid}, time.monotonic() + 60, 60, (), limit=5)
        unlimited = hang.sample({proc.pid}, time.monotonic() + 60, 60, ())
    finally:
        for kid in hang.children(proc.pid):
            os.kill(kid, signal.SIGKILL)
        proc.kill()
        proc.wait()
    assert over.crowded and len(over.pids) == 4 and over.waits is None, over
    assert not under.crowded and len(under.pids) == 5 and under.tasks == 5, under
    assert not unlimited.crowded and unlimited.pids == under.pids


# ---- the child starts clean: no ignored signal, no blocked signal, whatever the harness inherited ----------
# A harness started from a background shell, nohup or a CI runner has SIGINT and SIGQUIT ignored; a thread
# of it may have signals blocked. exec keeps both. The shim below starts Python that way.

_DIRTY = ("import os, signal, sys\n"
          "for s in (signal.SIGQUIT, signal.SIGINT): signal.signal(s, signal.SIG_IGN)\n"
          "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGQUIT, signal.SIGINT})\n"
          "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])\n")

# sh cannot undo a signal ignored on entry (POSIX): if the program is not clean, it survives its own SIGQUIT.
_SELF_QUIT = ["sh", "-c", "kill -QUIT $$; echo survived"]
_WRAPPERS = {
    "plain": [],
    "strace": ["strace", "-f", "-qq", "-o", "/dev/null"],
    "valgrind": ["valgrind", "-q", "--tool=memcheck"],
    "gdb": ["gdb", "-nx", "-batch", "-ex", "run", "--args"],
}


def test_the_program_starts_with_default_signals_under_every_wrapper():
    import json
    import shutil
    import subprocess

    wrappers = {k: v for k, v in _WRAPPERS.items() if not v or shutil.which(v[0])}
    runner = ("import json, sys, threading\nfrom harness.execution.run import Limits, run_child, workdir\n"
              "out = {}\ndef go(name, argv):\n    with workdir() as wd:\n"
              "        r = run_child(argv, wd, {'PATH': '/usr/bin:/bin'}, Limits(timeout_s=60, memory_mb=None))\n"
              "    out[name] = [r.signal, r.stdout]\n"
              f"for name, w in {wrappers!r}.items():\n"
              f"    t = threading.Thread(target=go, args=(name, w + {_SELF_QUIT!r})); t.start(); t.join()\n"
              "print(json.dumps(out))\n")
    from conftest import ROOT

    proc = subprocess.run([sys.executable, "-c", _DIRTY, "-c", runner], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert set(seen) == set(wrappers)
    for name, (sig, stdout) in seen.items():
        assert "survived" not in stdout, (name, sig, stdout)
        if name == "gdb":  # gdb stops the program at the signal, and -batch then kills it
            assert "Program received signal SIGQUIT" in stdout, stdout
        else:
            assert sig == "SIGQUIT", (name, sig, stdout)


def test_sigquit_core_passes_when_the_harness_ignores_and_blocks_sigquit_and_sigint():
    import json
    import subprocess

    from conftest import ROOT

    proc = subprocess.run([sys.executable, "-c", _DIRTY, "-m", "harness", "run", "sigquit-core", "-j", "1", "--json"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), CRASHCOURSE_CASES=str(ROOT / "cases")))  # fmt: skip
    records = json.loads(proc.stdout)
    assert {(r["variant"], r["lens"]) for r in records} == {(v, lens) for v in ("bug", "fixed") for lens in ("plain", "gdb")}
    bad = [(r["variant"], r["lens"], r["mismatches"], r["skipped"]) for r in records if not r["ok"] or r["skipped"]]
    assert not bad and proc.returncode == 0, (bad, proc.stderr[-2000:])


def test_the_timeout_counts_the_childs_time_not_the_time_it_waited_for_a_cpu():
    """A child that shares its CPU with a spinning sibling needs twice its CPU time in wall time: the time it
    waited runnable moves the deadline (a loaded machine made fixed twins miss a tight timeout_s). It sleeps
    0.2 s and computes 1.6 s within a 3.0 s timeout, so it needs about 3.4 s of wall time beside the spinner;
    the 1.2 s left is for its interpreter's start-up and what the last look has not counted yet, which on a
    loaded machine (CI, a third process on that CPU) ate margins of 0.1 s and 0.4 s (0.8 s in 1.2 s, 0.6 s in 1.2 s)."""
    code = ("import os, subprocess, sys, time\ncpu = min(os.sched_getaffinity(0))\nos.sched_setaffinity(0, {cpu})\n"
            "subprocess.Popen([sys.executable, '-c', f'import os; os.sched_setaffinity(0, {{{cpu}}})\\nwhile True: pass'])\n"
            "time.sleep(0.2)\nstart = time.process_time(); tick = start\n"
            "while time.process_time() - start < 1.6:\n"
            "    if time.process_time() - tick > 0.1: tick = time.process_time(); print('.', end='', flush=True)\n"
            "print('done')")
    r = _run(code, timeout_s=3.0)
    assert not r.timed_out and r.returncode == 0 and r.stdout.endswith("done\n"), (r.decided_by, r.duration_s, r.cpu_s, r.stderr)
    assert r.duration_s > 3.0  # it did need more than timeout_s of wall time



def test_a_process_whose_environment_reads_empty_is_unknown_not_a_stranger(monkeypatch):
    """/proc/PID/environ gives no bytes while a process is inside execve (its new memory is in place, its
    environment not yet): such a read says nothing about the run's cookie, so a run's daemon caught there is
    looked at again instead of being set aside as not the run's for good (seen once in CI: fx-escape's
    proof listed two of its three escapees)."""
    import io

    from harness.execution import contain

    seen = []
    monkeypatch.setattr(contain, "open", lambda path, mode="r": seen.append(path) or io.BytesIO(b""), raising=False)
    assert contain._environ_cookie(4242) is None and seen == ["/proc/4242/environ"]
    monkeypatch.setattr(contain, "open", lambda path, mode="r": io.BytesIO(b"A=1\0" + contain.COOKIE.encode() + b"=x\0"), raising=False)
    assert contain._environ_cookie(4242) == "x"
    monkeypatch.setattr(contain, "open", lambda path, mode="r": io.BytesIO(b"A=1\0"), raising=False)
    assert contain._environ_cookie(4242) == ""


def test_a_signal_after_output_waits_until_the_child_sleeps_where_it_announced():
    """The marker is readable while the child is still busy after writing it (inside write(), or, here, a
    spin): the signal goes once the child sleeps, so the handler sees the phase the case announced."""
    code = ("import signal, sys, time\nphase = 'busy'\n"
            "def h(*_):\n    print('signalled while ' + phase, flush=True)\n    sys.exit(0)\n"
            "signal.signal(signal.SIGUSR2, h)\nprint('ready', flush=True)\nend = time.monotonic() + 0.3\n"
            "while time.monotonic() < end: pass\nphase = 'asleep'\ntime.sleep(30)\n")  # fmt: skip
    with workdir() as wd:
        r = run_child(py(code), wd, {}, Limits(timeout_s=20), send_signal={"signal": "SIGUSR2", "after_output": "ready"})
    assert r.returncode == 0 and "signalled while asleep" in r.stdout, r.stdout + r.stderr
    # a child that never sleeps after its marker still gets the signal (SETTLE_MAX_S later), not the timeout
    spin = code.replace("end = time.monotonic() + 0.3", "end = time.monotonic() + 60")
    with workdir() as wd:
        r = run_child(py(spin), wd, {}, Limits(timeout_s=20), send_signal={"signal": "SIGUSR2", "after_output": "ready"})
    assert r.returncode == 0 and "signalled while busy" in r.stdout and not r.timed_out, r.stdout + r.stderr

"""Run one child process safely, and observe what it did.

Every child runs in its own process group and session, with a timeout, RLIMIT_AS/CPU/CORE/FSIZE caps,
stdin closed, output sent to files (so no pipe can fill and any bytes survive), and a fresh temporary
working directory that is removed afterwards. The whole group is killed at the end of every run, so
nothing the child forked outlives it. On a timeout the watchdog first asks for stacks (SIGUSR1 to a
Python child, gdb for native code), measures how much CPU the child burned, then kills the group.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

OUTPUT_CAP = 4 << 20  # bytes of stdout/stderr kept (head and tail); RLIMIT_FSIZE caps the files themselves
FILE_CAP = 64 << 20
STACKS_END = "CRASHCOURSE_STACKS_END"

_live_lock = threading.Lock()
_live: set[subprocess.Popen] = set()
_workdirs: set[str] = set()
_stopping = threading.Event()


class Interrupted(Exception):
    """The user pressed Ctrl-C: no new child is started."""


@dataclass
class Limits:
    timeout_s: float = 10.0
    memory_mb: int | None = 2048  # RLIMIT_AS; None where a sanitizer or valgrind reserves huge address space
    cpu_s: int = 60
    core: bool = False  # allow a core dump (RLIMIT_CORE unlimited) for the gdb lens


@dataclass
class ChildResult:
    argv: list[str]
    returncode: int | None
    signal: str | None
    core_dumped: bool
    timed_out: bool
    stdout: str
    stderr: str
    duration_s: float
    cpu_s: float | None = None  # CPU used by the child when the watchdog stopped it
    busy: float | None = None  # share of samples, at the timeout, in which some thread was running
    stacks: str = ""  # stacks captured before a hang was killed
    stacks_via: str = ""
    pid: int = 0
    extra: dict = field(default_factory=dict)


def signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"SIG{num}"


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    """A fresh temporary directory for one run; removed afterwards, even on Ctrl-C."""
    path = tempfile.mkdtemp(prefix="crashcourse-")
    with _live_lock:
        _workdirs.add(path)
    try:
        yield Path(path)
    finally:
        shutil.rmtree(path, ignore_errors=True)
        with _live_lock:
            _workdirs.discard(path)


def _preexec(limits: Limits) -> Callable[[], None]:
    mem = None if limits.memory_mb is None else limits.memory_mb << 20
    cpu = int(limits.cpu_s)
    core = resource.RLIM_INFINITY if limits.core else 0

    def apply() -> None:  # runs in the child between fork and exec: only plain system calls here
        if mem is not None:
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        hard_core = resource.getrlimit(resource.RLIMIT_CORE)[1]
        resource.setrlimit(resource.RLIMIT_CORE, (min(core, hard_core) if hard_core != resource.RLIM_INFINITY else core, hard_core))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_CAP, FILE_CAP))

    return apply


def _read_capped(path: Path) -> str:
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            if size <= OUTPUT_CAP:
                data = f.read()
            else:
                head = f.read(OUTPUT_CAP // 2)
                f.seek(size - OUTPUT_CAP // 2)
                data = head + b"\n[... %d bytes cut by crashcourse ...]\n" % (size - OUTPUT_CAP) + f.read()
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace").replace("\x00", "\\0")


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime, all threads
    except (OSError, IndexError, ValueError):
        return None


def _busy_share(pid: int, samples: int = 25, interval: float = 0.008) -> float | None:
    """How often, over ~0.2 s, at least one thread of pid is running (state R).

    A spinning process is runnable even when the machine is loaded and it gets little CPU;
    a deadlocked one sleeps (futex, S) in every sample. CPU seconds alone mislead under load.
    """
    hits = seen = 0
    for _ in range(samples):
        states = []
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError):
                    with open(f"/proc/{pid}/task/{tid}/stat") as f:
                        states.append(f.read().rsplit(")", 1)[1].split()[0])
        except OSError:
            break
        if states:
            seen += 1
            hits += any(s == "R" for s in states)
        time.sleep(interval)
    return hits / seen if seen else None


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def kill_everything() -> None:
    """Ctrl-C: stop starting children, kill every live process group."""
    _stopping.set()
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        _kill_group(proc)


def run_child(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    limits: Limits,
    capture_stacks: Callable[[subprocess.Popen, Path], tuple[str, str]] | None = None,
    send_signal: dict | None = None,
) -> ChildResult:
    """Start argv in its own process group, wait with a watchdog, and collect what happened."""
    out_path, err_path = cwd / ".crashcourse-stdout", cwd / ".crashcourse-stderr"
    with _live_lock:
        if _stopping.is_set():
            raise Interrupted()
        out_f, err_f = open(out_path, "wb"), open(err_path, "wb")
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out_f,
                stderr=err_f,
                start_new_session=True,
                preexec_fn=_preexec(limits),
                close_fds=True,
            )
        finally:
            out_f.close()
            err_f.close()
        _live.add(proc)
    timed_out = False
    cpu = busy = None
    stacks, stacks_via = "", ""
    try:
        deadline = start + limits.timeout_s
        if send_signal:
            _deliver_when_ready(proc, send_signal, out_path, err_path, deadline)
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            busy = _busy_share(proc.pid)
            cpu = _cpu_seconds(proc.pid)
            if capture_stacks is not None and not _stopping.is_set():
                try:
                    stacks, stacks_via = capture_stacks(proc, cwd)
                except Exception as exc:  # a failed capture must not lose the observation
                    stacks, stacks_via = f"(stack capture failed: {exc})", "none"
    finally:
        _kill_group(proc)
        proc.wait()
        with _live_lock:
            _live.discard(proc)
    duration = time.monotonic() - start
    rc = proc.returncode
    sig = signal_name(-rc) if rc is not None and rc < 0 else None
    if timed_out:
        sig = None  # the SIGKILL is ours, not the bug's
    core_dumped = False
    if sig is not None:
        # Popen hides the core-dump bit; a core file (or the kernel's word) tells us afterwards.
        core_dumped = find_core(cwd) is not None
    return ChildResult(
        argv=argv,
        returncode=None if timed_out else rc,
        signal=sig,
        core_dumped=core_dumped,
        timed_out=timed_out,
        stdout=_read_capped(out_path),
        stderr=_read_capped(err_path),
        duration_s=duration,
        cpu_s=cpu,
        busy=busy,
        stacks=stacks,
        stacks_via=stacks_via,
        pid=proc.pid,
    )


def find_core(cwd: Path) -> Path | None:
    """The core file a child left in its working directory (core_pattern 'core' or 'core.%p')."""
    for p in cwd.iterdir():
        if p.name == "core" or p.name.startswith("core."):
            return p
    return None


def _deliver_when_ready(proc, spec: dict, out_path: Path, err_path: Path, deadline: float) -> None:
    """Send spec['signal'] to the child once it printed spec['after_output'] (or after spec['after_s'])."""
    sig = getattr(signal, spec["signal"])
    marker = spec.get("after_output")
    not_before = time.monotonic() + float(spec.get("after_s", 0))
    while time.monotonic() < deadline and proc.poll() is None:
        ready = time.monotonic() >= not_before
        if marker:
            text = _read_capped(out_path) + _read_capped(err_path)
            ready = ready and re.search(marker, text) is not None
        if ready:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, sig)
            return
        time.sleep(0.01)


def python_stacks(proc: subprocess.Popen, cwd: Path) -> tuple[str, str]:
    """Ask a Python child (our bootstrap) for every thread's and task's stack via SIGUSR1."""
    err = cwd / ".crashcourse-stderr"
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGUSR1)
    # faulthandler's thread dump comes at once; the task dump only when the main thread runs Python
    # again. Stop waiting at the end marker, or once the thread dump is in and nothing more comes.
    end = time.monotonic() + 2.0
    last_size, quiet_since = -1, time.monotonic()
    while time.monotonic() < end:
        text = _read_capped(err)
        if STACKS_END in text:
            break
        if len(text) != last_size:
            last_size, quiet_since = len(text), time.monotonic()
        elif "most recent call first" in text and time.monotonic() - quiet_since > 0.4:
            break
        time.sleep(0.02)
    return "", "faulthandler+tasks"  # the dump lands in the child's own stderr


def gdb_stacks(proc: subprocess.Popen, cwd: Path) -> tuple[str, str]:
    """Attach gdb to a hung native child and take every thread's backtrace."""
    gdb = shutil.which("gdb")
    if not gdb:
        return "(install gdb to see native stacks of a hang: apt-get install -y gdb)", "none"
    try:
        out = subprocess.run(
            [gdb, "-nx", "-batch", "-iex", "set auto-load python-scripts off", "-p", str(proc.pid), "-ex", "thread apply all bt"],
            capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL, errors="replace",
        ).stdout  # fmt: skip
    except subprocess.TimeoutExpired:
        return "(gdb did not answer within 20 s)", "none"
    return out, "gdb -p"

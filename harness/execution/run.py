"""Run one child process safely, and observe what it did.

Every child runs in its own process group and session, with a timeout, RLIMIT_AS/CPU/CORE/FSIZE caps,
every signal at its default disposition and none blocked (whatever the harness inherited), stdin
closed, stdout and stderr read through two pipes by one thread that drains them as they fill
(so the child never waits on them, and any bytes written survive the child's death) and records the
order in which the two streams were written (_Capture), and a fresh temporary working directory
that is removed afterwards. The whole group is killed at the end of every run, so
nothing the child forked outlives it. On a timeout the watchdog first asks for stacks (SIGUSR1 to a
Python child, gdb for native code), measures how much CPU the child burned, then kills the group.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from harness.corpus.values import Value, field
from harness.execution import contain
from harness.execution import hang as hang_mod

OUTPUT_CAP = 4 << 20  # bytes of stdout/stderr kept (head and tail)
FILE_CAP = 64 << 20  # RLIMIT_FSIZE of the files a child writes; a stream past it ends the run (_Capture._drain)
ORDER_CAP = 10_000  # alternations between stdout and stderr recorded; past it, only which stream began
STACKS_END = "CRASHCOURSE_STACKS_END"

_live_lock = threading.Lock()
_live: dict[subprocess.Popen, contain.RunGroup] = {}
_captures: dict[subprocess.Popen, _Capture] = {}  # a live run's output, for python_stacks
_workdirs: set[str] = set()
_stopping = threading.Event()


class Interrupted(Exception):
    """The user pressed Ctrl-C: no new child is started."""


class Limits(Value):
    timeout_s: float = 10.0
    memory_mb: int | None = 2048  # RLIMIT_AS; None where a sanitizer or valgrind reserves huge address space
    cpu_s: int = 60
    core: bool = False  # allow a core dump (RLIMIT_CORE unlimited) for the gdb lens


class ChildResult(Value):
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
    order: list[tuple[str, int, bool]] | None = None  # (stream, characters of it, read together with the one before)
    first: str | None = None  # the stream written first (known even where `order` is not: output cut)
    hang: str | None = None  # "deadlock" / "livelock" decided by the watch, "fork-bomb" at the cap; None otherwise
    evidence: str | None = None  # why: which call each thread waits in, or what the window saw
    decided_by: str | None = None  # "proof", "window", "timeout" (the backstop), "cap"
    latency_s: float | None = None  # from the child's last output (or its start) to the decision


def signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"SIG{num}"


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    """A fresh temporary directory for one run; removed afterwards, even on Ctrl-C."""
    contain.setup()
    path = tempfile.mkdtemp(prefix=f"{contain.PREFIX}{os.getpid()}-")  # the owner's pid: a dead owner's dirs are swept
    with _live_lock:
        _workdirs.add(path)
    try:
        yield Path(path)
    finally:
        shutil.rmtree(path, ignore_errors=True)
        with _live_lock:
            _workdirs.discard(path)


# Every signal but the two that cannot be caught: the child gets each at its default disposition.
_RESET_SIGNALS = tuple(s for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP))


def _clean_signals() -> None:
    """In the child, between fork and exec: an empty signal mask and every signal at its default action.

    exec resets caught signals only; an ignored signal (SIG_IGN) and the blocked mask are inherited.
    A harness started from a background shell or nohup (CI runners) ignores SIGINT and SIGQUIT; the
    harness thread that forks may have signals blocked; the harness ignores SIGINT/SIGTERM/SIGHUP
    while it cleans up after Ctrl-C. None of that may reach the case, nor a tool that runs it (gdb,
    valgrind and strace pass their own disposition on to the program under them).
    """
    signal.pthread_sigmask(signal.SIG_SETMASK, ())
    for s in _RESET_SIGNALS:
        with contextlib.suppress(OSError, ValueError):
            signal.signal(s, signal.SIG_DFL)


def _preexec(limits: Limits, group: contain.RunGroup | None = None) -> Callable[[], None]:
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
        if group is not None:
            group.preexec()
        _clean_signals()  # last: nothing the harness ignores or blocks reaches the program

    return apply


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").replace("\x00", "\\0")


class _Stream:
    """One stream's bytes: all of them up to OUTPUT_CAP, then its head and tail (OUTPUT_CAP / 2 each)."""

    def __init__(self) -> None:
        self.head, self.tail, self.total = bytearray(), None, 0
        self.closed = False  # past FILE_CAP: no longer read

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if self.tail is None:
            self.head += chunk
            if len(self.head) > OUTPUT_CAP:
                self.tail = bytearray(self.head[OUTPUT_CAP // 2 :])
                del self.head[OUTPUT_CAP // 2 :]
        else:
            self.tail += chunk
            if len(self.tail) > OUTPUT_CAP:  # trimmed now and then, not at every chunk
                del self.tail[: len(self.tail) - OUTPUT_CAP // 2]

    def data(self) -> bytes:
        end = b"\n[... crashcourse stopped reading at %d bytes and closed the pipe: the next write failed]\n" % FILE_CAP if self.closed else b""
        if self.tail is None:
            return bytes(self.head) + end
        tail = self.tail[-(OUTPUT_CAP // 2) :]
        return bytes(self.head) + b"\n[... %d bytes cut by crashcourse ...]\n" % (self.total - len(self.head) - len(tail)) + bytes(tail) + end


class _Capture:
    """A child's stdout and stderr, read through two pipes by one thread, and the order they were written in.

    The thread waits on both pipes with one edge-triggered epoll, registered before the child starts.
    The kernel puts a pipe on epoll's ready list when data arrives in an empty pipe, in arrival order,
    so even when both pipes hold data by the time the thread wakes, the list says which was written
    first. Each ready pipe is read until a read comes back short (it is empty then, and its next write
    is a new edge), so a write that lands during the read of the other pipe is a later event, in its
    place. Each chunk joins its stream, and `runs` keeps the order across the two (a run per
    alternation). What cannot be told apart: writes that all land before the thread wakes (stdout,
    stderr, stdout again are read as one stdout run, then the stderr one); such a run is marked as read
    together with the one before. The thread drains each pipe as it fills, so the child never blocks on
    its output for long, and bytes written before the child died are read after it (a pipe keeps them).
    """

    NAMES = ("stdout", "stderr")

    def __init__(self) -> None:
        self.streams = (_Stream(), _Stream())
        self.runs: list[list[int]] = []  # [stream index, bytes, 1 if read in the same wake-up as the run before]
        self._woke = 0  # wake-ups of the thread; the one that read each stream last
        self._read_in = [-1, -1]
        self.order_lost = False
        self.last_wall = 0.0  # time.time() of the last chunk
        self._lock = threading.Lock()
        self._stop = threading.Event()
        (out_r, self.out_w), (err_r, self.err_w) = os.pipe(), os.pipe()
        self._fds = {out_r: 0, err_r: 1}
        for fd in self._fds:
            os.set_blocking(fd, False)
        self._ep = select.epoll()
        for fd in self._fds:  # before the child can write: every arrival is an event, in order
            self._ep.register(fd, select.EPOLLIN | select.EPOLLET)
        self._thread = threading.Thread(target=self._pump, name="crashcourse-capture", daemon=True)
        self._thread.start()

    def started(self) -> None:
        """The child has the write ends (or failed to start): close ours, so EOF comes when its side does."""
        os.close(self.out_w)
        os.close(self.err_w)

    def _pump(self) -> None:
        live = set(self._fds)
        try:
            while live and not self._stop.is_set():
                events = self._ep.poll(0.1)  # in the order the pipes became ready
                self._woke += 1
                for fd, ev in events:
                    if not self._drain(fd, bool(ev & select.EPOLLHUP)):
                        self._ep.unregister(fd)
                        live.discard(fd)
                        os.close(fd)  # EOF; or past FILE_CAP: the writer's next write fails (EPIPE, SIGPIPE)
        finally:
            self._ep.close()
            for fd in live:
                os.close(fd)

    def _drain(self, fd: int, hup: bool) -> bool:
        """Read the pipe until a read comes back short (it was empty then: its next write is a new event),
        or, once every writer is gone (hup), until EOF. False at EOF, and past FILE_CAP: the stream is
        closed, and the writer's next write fails (SIGPIPE; EPIPE where it is ignored), as a file's
        would past RLIMIT_FSIZE (SIGXFSZ; EFBIG): a flood ends the run, it does not run to the timeout."""
        i = self._fds[fd]
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                return True
            except OSError:
                return False
            if not chunk:
                return False
            with self._lock:
                self.streams[i].add(chunk)
                self.last_wall = time.time()
                if self.runs and self.runs[-1][0] == i:
                    self.runs[-1][1] += len(chunk)
                elif len(self.runs) < ORDER_CAP:  # the other stream's bytes were read in this wake-up too: both
                    self.runs.append([i, len(chunk), int(self._read_in[1 - i] == self._woke)])  # were waiting
                else:
                    self.order_lost = True
                self._read_in[i] = self._woke
                self.streams[i].closed = self.streams[i].total > FILE_CAP
            if self.streams[i].closed:
                return False
            if len(chunk) < 1 << 16 and not hup:
                return True

    def finish(self, grace_s: float = 1.0) -> None:
        """After the run's processes are gone: read to EOF (a process that escaped the run and holds a
        write end gets grace_s, then is left behind)."""
        self._thread.join(grace_s)
        self._stop.set()
        self._thread.join(0.5)

    def sizes(self) -> tuple[int, int]:
        return self.streams[0].total, self.streams[1].total

    def last_output(self, start_wall: float) -> float:
        """Wall-clock time of the child's last output (its last sign of life), or its start."""
        return max(start_wall, self.last_wall)

    def text(self, name: str) -> str:
        with self._lock:
            return _decode(self.streams[self.NAMES.index(name)].data())

    def result(self) -> tuple[str, str, list[tuple[str, int, bool]] | None, str | None]:
        """(stdout, stderr, order, first). order: the two texts run by run, (stream, characters, together):
        together when the run was read in the same wake-up as the one before (both were waiting: the
        earlier run's end may have been written after this run's start). None when the order is not
        known in full (a stream was cut or closed, or alternated past ORDER_CAP); first is known even then."""
        with self._lock:
            first = self.NAMES[self.runs[0][0]] if self.runs else None
            if self.order_lost or any(st.tail is not None or st.closed for st in self.streams):
                return self._text(0), self._text(1), None, first
            data = [bytes(st.head) for st in self.streams]
            pos, parts, order = [0, 0], ([], []), []
            for i, n, together in self.runs:
                a, b = pos[i], pos[i] + n
                while b < len(data[i]) and (data[i][b] & 0xC0) == 0x80:  # never split a character
                    b += 1
                if b <= a:
                    continue
                seg = _decode(data[i][a:b])
                parts[i].append(seg)
                order.append((self.NAMES[i], len(seg), bool(together)))
                pos[i] = b
            return "".join(parts[0]), "".join(parts[1]), order, first

    def _text(self, i: int) -> str:
        return _decode(self.streams[i].data())


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
    """Ctrl-C (or SIGTERM, SIGHUP): stop starting children, kill every process of every live run."""
    _stopping.set()
    with _live_lock:
        live = list(_live.items())
    for proc, group in live:
        _kill_group(proc)
        group.kill()


POLL_GRACE_S = 0.05  # the first look at a child, then one every POLL_S
POLL_S = 0.02
# The timeout is the child's time, not the machine's: time the child spent runnable, waiting for a CPU
# (on a loaded machine, seconds for an interpreter's start-up), moves the deadline, up to this many
# times the case's timeout_s. A child that sleeps or hangs waits for no CPU: its deadline does not move.
STARVED_EXTENSION_MAX = 10.0


def run_child(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    limits: Limits,
    capture_stacks: Callable[[subprocess.Popen, Path], tuple[str, str]] | None = None,
    send_signal: dict | None = None,
    on_idle: Callable[[], None] | None = None,
) -> ChildResult:
    """Start argv in its own process group and run group, watch it, and collect what happened.

    The watch: after a short grace, every POLL_S the run's tasks are sampled (harness.execution.hang): a
    proven deadlock or a livelock window stops the child at once; the timeout is the backstop.
    on_idle is called (once) when the child sleeps using no CPU, so a scheduler can give its slot away.
    """
    group = contain.RunGroup.create()
    with _live_lock:
        if _stopping.is_set():
            group.close()
            raise Interrupted()
        preexec = _preexec(limits, group)
        group.before_start()
        cap = _Capture()
        start, start_wall = time.monotonic(), time.time()
        try:
            proc = subprocess.Popen(
                argv,
                cwd=cwd,
                env=group.env(env),
                stdin=subprocess.DEVNULL,
                stdout=cap.out_w,
                stderr=cap.err_w,
                start_new_session=True,
                preexec_fn=preexec,
                close_fds=True,
            )
        except BaseException:
            group.close()
            cap.started()
            raise
        cap.started()
        group.root_pid = proc.pid
        _live[proc] = group
        _captures[proc] = cap
    timed_out = False
    cpu = busy = None
    stacks, stacks_via = "", ""
    decided_by = hang = evidence = None
    latency = None
    try:
        deadline = base_deadline = start + limits.timeout_s
        starved_s = 0.0
        if send_signal:
            _deliver_when_ready(proc, send_signal, cap, deadline)
        watch = hang_mod.Watch() if hang_mod.supported() else None
        idle_told = on_idle is None
        next_look = time.monotonic() + POLL_GRACE_S
        while True:
            now = time.monotonic()
            try:
                proc.wait(timeout=max(0.0, min(deadline, next_look) - now))
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if now >= deadline:
                timed_out, decided_by = True, "timeout"
                break
            if _stopping.is_set():
                break
            next_look = now + POLL_S
            if watch is None:
                continue
            look = None
            if not group.over_cap():
                # Without a cgroup the cap is a count, and a fork bomb multiplies while the run is walked: both
                # walks stop past the cap and decide it, rather than chase the bomb through /proc (seconds)
                pids = group.pids(limit=contain.PIDS_MAX)
                if not group.capped:
                    look = hang_mod.sample(pids, deadline, limits.timeout_s, cap.sizes(), limit=contain.PIDS_MAX)
            if look is None or look.crowded:
                group.capped = True
                hang, decided_by = "fork-bomb", "cap"
                _kill_group(proc)  # at once: a bomb's processes share the child's process group
                break
            verdict = watch.feed(look)
            if look.wait_ns / 1e9 > starved_s:
                starved_s = look.wait_ns / 1e9
                deadline = base_deadline + min(starved_s, STARVED_EXTENSION_MAX * limits.timeout_s)
            if not idle_told and watch.idle:
                idle_told = True
                on_idle()
            if verdict:
                timed_out, hang, decided_by = True, verdict, "proof" if verdict == "deadlock" else "window"
                latency = time.time() - cap.last_output(start_wall)
                if verdict == "deadlock":
                    evidence = hang_mod.evidence(watch.decided, proc.pid)
                    busy = 0.0
                else:
                    busy = 1.0
                    evidence = (f"livelock: running for {hang_mod.LIVELOCK_WINDOW_S:.0f} s with no progress "
                                "(no output, no read or write, no page fault, no voluntary context switch)")
                break
        if timed_out:
            if decided_by == "timeout":
                latency = time.time() - cap.last_output(start_wall)
                busy = _busy_share(proc.pid)
            cpu = _cpu_seconds(proc.pid)
            if capture_stacks is not None and not _stopping.is_set():
                try:
                    stacks, stacks_via = capture_stacks(proc, cwd)
                except Exception as exc:  # a failed capture must not lose the observation
                    stacks, stacks_via = f"(stack capture failed: {exc})", "none"
        if hang == "fork-bomb":
            cpu = _cpu_seconds(proc.pid)
    finally:
        _kill_group(proc)
        group.close()
        proc.wait()
        cap.finish()
        with _live_lock:
            _live.pop(proc, None)
            _captures.pop(proc, None)
    duration = time.monotonic() - start
    rc = proc.returncode
    sig = signal_name(-rc) if rc is not None and rc < 0 else None
    if timed_out or hang == "fork-bomb":
        sig = None  # the SIGKILL is ours, not the bug's
    core_dumped = False
    if sig is not None:
        # Popen hides the core-dump bit; a core file (or the kernel's word) tells us afterwards.
        core_dumped = find_core(cwd) is not None
    stdout, stderr, order, first = cap.result()
    if hang == "fork-bomb":
        evidence = f"fork bomb: the run reached its cap of {contain.PIDS_MAX} tasks; every process of it was killed"
    return ChildResult(
        argv=argv,
        returncode=None if (timed_out or hang == "fork-bomb") else rc,
        signal=sig,
        core_dumped=core_dumped,
        timed_out=timed_out,
        stdout=stdout,
        stderr=stderr,
        duration_s=duration,
        cpu_s=cpu,
        busy=busy,
        stacks=stacks,
        stacks_via=stacks_via,
        pid=proc.pid,
        hang=hang,
        evidence=evidence,
        decided_by=decided_by,
        latency_s=latency,
        order=order,
        first=first,
    )


def find_core(cwd: Path) -> Path | None:
    """The core file a child left in its working directory (core_pattern 'core' or 'core.%p')."""
    for p in cwd.iterdir():
        if p.name == "core" or p.name.startswith("core."):
            return p
    return None


def _deliver_when_ready(proc, spec: dict, cap: _Capture, deadline: float) -> None:
    """Send spec['signal'] to the child once it printed spec['after_output'] (or after spec['after_s'])."""
    sig = getattr(signal, spec["signal"])
    marker = spec.get("after_output")
    not_before = time.monotonic() + float(spec.get("after_s", 0))
    while time.monotonic() < deadline and proc.poll() is None:
        ready = time.monotonic() >= not_before
        if marker:
            text = cap.text("stdout") + cap.text("stderr")
            ready = ready and re.search(marker, text) is not None
        if ready:
            if marker:
                _until_asleep(proc.pid, min(deadline, time.monotonic() + SETTLE_MAX_S))
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, sig)
            return
        time.sleep(0.01)


SETTLE_MAX_S = 1.0  # a child that never waits after its marker gets the signal this long after it


def _until_asleep(pid: int, until: float) -> None:
    """Return once every thread of pid sleeps (state S), or at `until`. The marker is in the pipe as soon as
    write() copied it, while the child is still inside that write(): signalled then, a loaded machine caught
    sigquit-core in printf's write instead of the sleep(30) it announced (CI, the gdb lens's frames)."""
    while time.monotonic() < until:
        states = hang_mod.thread_states(pid)
        if states is None or all(st == "S" for st in states):
            return  # asleep, or gone: nothing more to wait for
        time.sleep(0.002)


def _task_cpu_ns(pid: int) -> int | None:
    """CPU ns of all pid's threads, or None if it cannot be read or a thread is runnable (it will use more)."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] in ("R", "D"):
                        return None  # waiting for a CPU under load is not being quiet
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
    except OSError:
        return None
    return total


def python_stacks(proc: subprocess.Popen, cwd: Path) -> tuple[str, str]:
    """Ask a Python child (our bootstrap) for every thread's and task's stack via SIGUSR1."""
    cap = _captures[proc]
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGUSR1)
    # faulthandler's thread dump comes at once; the task dump only when the main thread runs Python
    # again. Stop waiting at the end marker, or once the thread dump is in and the child is back
    # asleep (no CPU spent over 30 ms: a main thread stuck in C will never print the tasks), or has
    # spun 0.3 s of CPU printing nothing. A child that is runnable but gets no CPU (a loaded machine)
    # is still on its way: wait for it, up to 5 s.
    end = time.monotonic() + 5.0
    last_cpu, quiet = None, 0
    last_size, cpu_at_growth = -1, _cpu_seconds(proc.pid) or 0.0
    while time.monotonic() < end:
        text = cap.text("stderr")
        if STACKS_END in text:
            break
        cpu = _task_cpu_ns(proc.pid)
        quiet = quiet + 1 if cpu is not None and cpu == last_cpu else 0
        last_cpu = cpu
        used = _cpu_seconds(proc.pid) or 0.0
        if len(text) != last_size:
            last_size, cpu_at_growth = len(text), used
        dumped = "most recent call first" in text
        if dumped and (quiet >= 3 or used - cpu_at_growth > 0.3):  # asleep again, or spinning silently
            break
        time.sleep(0.01)
    return "", "faulthandler+tasks"  # the dump lands in the child's own stderr


def gdb_stacks(proc: subprocess.Popen, cwd: Path) -> tuple[str, str]:
    """Attach gdb to a hung native child and take every thread's backtrace."""
    gdb = shutil.which("gdb")
    if not gdb:
        return "(install gdb to see native stacks of a hang: apt-get install -y gdb)", "none"
    try:
        out = subprocess.run(
            [gdb, "-nx", "-batch", "-iex", "set auto-load python-scripts off", "-iex", "set debuginfod enabled off", "-p", str(proc.pid), "-ex", "thread apply all bt"],
            capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL, errors="replace",
        ).stdout  # fmt: skip
    except subprocess.TimeoutExpired:
        return "(gdb did not answer within 20 s)", "none"
    return out, "gdb -p"

"""Proving a hang from outside, the way Go's runtime does from inside ("all goroutines are asleep").

A run is deadlocked when every thread of every one of its processes sleeps in a system call that
can only end by something another thread of the run does, with no timeout (or one after the run's
deadline), and no CPU time was spent between two samples. /proc/PID/task/TID/syscall names the call
and its arguments: a futex wait with a NULL timeout (a Python or pthread lock), epoll_wait with -1
(an idle asyncio loop) or trio's 24-hour timeout, a read on a pipe whose every writer is in the run
(or a write on a full pipe whose every reader is),
wait4/waitid for a child that is itself in the run and blocked, pause. A timed sleep (nanosleep, a futex wait that ends before the deadline) is never a
deadlock; a thread that runs (state R, even when it gets no CPU on a loaded machine), or sleeps
uninterruptibly (disk I/O), disproves it.

The proof is over the whole process tree of the run: every process the caller names, and every
descendant of theirs found in /proc (a process whose main thread has exited but whose other threads
have not is still alive: its live threads are looked at one by one). A wait for a child is a
wait forever only when the children it can return are alive, in the run, and themselves blocked
(every thread of every process must be, for a proof); a child that is a zombie, or exiting with
a thread still runnable, ends the wait. Whatever cannot be read is no proof: the window or the
timeout decides then, and `decided_by` says which.

A livelock (threads running, nothing moving) cannot be proven: it is decided after a short window
in which the run burned CPU and showed no progress (no output, no read/write system call, no page
fault, no voluntary context switch, no new thread or process).
"""

from __future__ import annotations

import contextlib
import os
import struct
import time

from harness.corpus.values import Value, field

# syscall numbers per architecture; only the calls that block
_X86_64 = {
    "read": 0, "write": 1, "readv": 19, "writev": 20, "pread64": 17, "poll": 7, "select": 23, "pause": 34, "recvfrom": 45,
    "recvmsg": 47, "wait4": 61, "rt_sigtimedwait": 128, "rt_sigsuspend": 130, "futex": 202,
    "epoll_wait": 232, "waitid": 247, "pselect6": 270, "ppoll": 271, "epoll_pwait": 281,
    "epoll_pwait2": 441, "futex_waitv": 449,
}  # fmt: skip
_AARCH64 = {
    "read": 63, "write": 64, "readv": 65, "writev": 66, "pread64": 67, "pselect6": 72, "ppoll": 73, "recvfrom": 207,
    "recvmsg": 212, "wait4": 260, "waitid": 95, "rt_sigtimedwait": 137, "rt_sigsuspend": 133,
    "futex": 98, "epoll_pwait": 22, "epoll_pwait2": 441, "futex_waitv": 449,
}  # fmt: skip
NR = {"x86_64": _X86_64, "aarch64": _AARCH64}.get(os.uname().machine, {})
BY_NR = {v: k for k, v in NR.items()}

FUTEX_WAIT, FUTEX_LOCK_PI, FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI, FUTEX_LOCK_PI2 = 0, 6, 9, 11, 13
FUTEX_CLOCK_REALTIME = 256
LIVELOCK_WINDOW_S = 1.0  # no progress for this long while burning CPU: livelock
LIVELOCK_MIN_CPU_S = 0.8  # ... and this much CPU burnt in it: under load the window stretches, so a slow computation is never a livelock


def supported() -> bool:
    return bool(NR) and os.path.exists("/proc/self/task")


class Sample(Value):
    t: float
    cpu_ns: int = 0
    wait_ns: int = 0  # the longest any task of the run has waited for a CPU, runnable (schedstat's run-queue delay)
    tasks: int = 0
    all_asleep: bool = False  # every task sleeps (S), whatever the call
    waits: dict[tuple[int, int], str] | None = None  # every task waits forever: (pid, tid) -> what in; else None
    progress: tuple = ()
    pids: frozenset[int] = field(default_factory=frozenset)
    crowded: bool = False  # more than the limit given to sample() of live processes: not looked at (a fork bomb)


def _read(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def _timespec(pid: int, addr: int, usec: bool = False) -> float | None:
    """Read a struct timespec (or timeval) from the child's memory; None if it cannot be read."""
    try:
        fd = os.open(f"/proc/{pid}/mem", os.O_RDONLY)
        try:
            data = os.pread(fd, 16, addr)
        finally:
            os.close(fd)
        sec, frac = struct.unpack("qq", data)
    except (OSError, struct.error, OverflowError):
        return None
    return sec + frac / (1e6 if usec else 1e9)


def _pipe_only_in_run(pid: int, fd: int, run_pids: frozenset[int], other_end: str) -> bool:
    """A read on a pipe ends only if someone writes, a write on a full pipe only if someone reads: true when
    no process outside the run holds the pipe's other end (other_end "write" or "read")."""
    link = None
    with contextlib.suppress(OSError):
        link = os.readlink(f"/proc/{pid}/fd/{fd}")
    if not link or not link.startswith("pipe:"):
        return False
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in run_pids:
            continue
        try:
            fds = os.listdir(f"/proc/{name}/fd")
        except OSError:
            continue
        for f in fds:
            try:
                if os.readlink(f"/proc/{name}/fd/{f}") != link:
                    continue
            except OSError:
                continue
            info = _read(f"/proc/{name}/fdinfo/{f}") or ""
            mode = next((int(ln.split()[1], 8) for ln in info.splitlines() if ln.startswith("flags:")), 0) & 3
            if mode == 2 or mode == (1 if other_end == "write" else 0):  # O_RDWR, or the other end's mode
                return False
    return True


def classify(pid: int, line: str, deadline_mono: float, span_s: float, run_pids: frozenset[int]) -> str | None:
    """What a sleeping task waits in, if that wait cannot end before the deadline by itself; else None.

    line: /proc/PID/task/TID/syscall ('nr arg0 .. arg5 sp pc'). span_s: the whole run's timeout, the
    bound used for relative timeouts (we cannot know when the call began).
    """
    parts = line.split()
    if len(parts) < 7 or not parts[0].lstrip("-").isdigit():
        return None
    name = BY_NR.get(int(parts[0]))
    if name is None:
        return None
    a = [int(x, 16) for x in parts[1:7]]

    def rel_beyond(seconds: float | None) -> bool:
        return seconds is not None and seconds >= span_s

    if name == "futex":
        op = a[1] & 127
        if op not in (FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_WAIT_REQUEUE_PI):
            return None
        if a[3] == 0:
            return "futex wait (a lock or condition), no timeout"
        ts = _timespec(pid, a[3])
        if op == FUTEX_WAIT:
            return "futex wait, timeout after the deadline" if rel_beyond(ts) else None
        if ts is None:
            return None
        realtime = bool(a[1] & FUTEX_CLOCK_REALTIME) or op in (FUTEX_LOCK_PI,)
        deadline = deadline_mono + ((time.time() - time.monotonic()) if realtime else 0.0)
        return "futex wait, timeout after the deadline" if ts > deadline else None
    if name in ("epoll_wait", "epoll_pwait"):
        ms = a[3] if a[3] < 1 << 31 else a[3] - (1 << 32)
        if ms < 0:
            return f"{name}, no timeout"
        return f"{name}, timeout after the deadline" if ms / 1000 >= span_s else None
    if name == "poll":
        ms = a[2] if a[2] < 1 << 31 else a[2] - (1 << 32)
        if ms < 0:
            return "poll, no timeout"
        return "poll, timeout after the deadline" if ms / 1000 >= span_s else None
    if name in ("ppoll", "epoll_pwait2", "pselect6", "select"):
        idx = {"ppoll": 2, "epoll_pwait2": 3, "pselect6": 4, "select": 4}[name]
        if a[idx] == 0:
            return f"{name}, no timeout"
        return f"{name}, timeout after the deadline" if rel_beyond(_timespec(pid, a[idx], usec=name == "select")) else None
    if name in ("wait4", "waitid"):
        return f"{name} for a child of the run"
    if name in ("pause", "rt_sigsuspend"):
        return f"{name} for a signal"
    if name == "rt_sigtimedwait":
        return "rt_sigtimedwait, no timeout" if a[2] == 0 else None
    if name in ("read", "readv", "pread64", "recvfrom", "recvmsg"):
        if _pipe_only_in_run(pid, a[0], run_pids, "write"):
            return f"{name} on a pipe only the run can write"
        return None
    if name in ("write", "writev"):
        if _pipe_only_in_run(pid, a[0], run_pids, "read"):
            return f"{name} on a full pipe only the run can read"
        return None
    return None


def _state(stat: str | None) -> str | None:
    try:
        return stat.rsplit(")", 1)[1].split()[0] if stat else None
    except IndexError:
        return None


def thread_states(pid: int) -> list[str] | None:
    """The state letter of each thread of pid (R, S, D, Z...); None when the process is gone or unreadable."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    states = [_state(_read(f"/proc/{pid}/task/{t}/stat")) for t in tids]
    return [st for st in states if st is not None] or None


def _live_tids(pid: int) -> list[int] | None:
    """The threads of pid that have not exited (a zombie main thread with live threads beside it is
    skipped, not the process); None when the process is gone or cannot be read."""
    try:
        tids = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except (OSError, ValueError):
        return None
    return [t for t in tids if _state(_read(f"/proc/{pid}/task/{t}/stat")) not in (None, "Z", "X")]


def children(pid: int) -> set[int]:
    """Every child of pid, forked by any of its threads, zombies included."""
    out: set[int] = set()
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for t in tids:
        text = _read(f"/proc/{pid}/task/{t}/children")
        if text:
            out.update(int(x) for x in text.split())
    return out


def _tree(pids: set[int], limit: int | None = None) -> set[int]:
    """pids and all their descendants (the whole process tree of the run), as /proc shows them now; with a
    limit, the walk stops once it has found more than limit processes (a fork bomb grows while it is walked)."""
    out, todo = set(), list(pids)
    while todo:
        p = todo.pop()
        if p in out:
            continue
        out.add(p)
        if limit is not None and len(out) > limit:
            break
        todo.extend(children(p))
    return out


def _pgrp(pid: int) -> int | None:
    stat = _read(f"/proc/{pid}/stat")
    try:
        return int(stat.rsplit(")", 1)[1].split()[2]) if stat else None
    except (IndexError, ValueError):
        return None


P_ALL, P_PID, P_PGID, P_PIDFD = 0, 1, 2, 3


def wait_targets(pid: int, name: str, args: list[int]) -> set[int] | None:
    """The children a wait4/waitid call of pid can return (by pid, process group, pidfd or any);
    None when the selector cannot be read."""
    kids = children(pid)
    if name == "wait4":
        sel = args[0] if args[0] < 1 << 31 else args[0] - (1 << 32)  # pid_t
        if sel > 0:
            return kids & {sel}
        if sel == -1:
            return kids
        group = _pgrp(pid) if sel == 0 else -sel
    else:
        idtype, ident = args[0], args[1] & 0xFFFFFFFF
        if idtype == P_ALL:
            return kids
        if idtype == P_PID:
            return kids & {ident}
        if idtype == P_PIDFD:
            info = _read(f"/proc/{pid}/fdinfo/{ident}") or ""
            target = next((ln.split()[1] for ln in info.splitlines() if ln.startswith("Pid:")), None)
            return kids & {int(target)} if target and target.lstrip("-").isdigit() else None
        if idtype != P_PGID:
            return None
        group = _pgrp(pid) if ident == 0 else ident
    if group is None:
        return None
    return {k for k in kids if _pgrp(k) == group}


def sample(pids: set[int], deadline_mono: float, span_s: float, out_sizes: tuple, limit: int | None = None) -> Sample:
    """One look at every task of the run: the processes given and every descendant of theirs.

    With a limit, a run found to have more live processes than that is not looked at: the sample comes back
    crowded at once, instead of chasing a fork bomb through /proc while it multiplies."""
    tree = _tree(set(pids), limit)
    live = {p: t for p in tree if (t := _live_tids(p))}  # processes with a thread that has not exited
    if limit is not None and len(tree) > limit:
        if len(live) > limit:
            return Sample(time.monotonic(), tasks=len(live), pids=frozenset(live), crowded=True)
        tree = _tree(set(pids))  # the walk stopped at zombies: every process, then, as without a limit
        live = {p: t for p in tree if (t := _live_tids(p))}
    s = Sample(time.monotonic(), pids=frozenset(live))
    waits: dict[tuple[int, int], str] | None = {}
    asleep = True
    progress: list = [out_sizes]
    tids_all = []
    for pid in sorted(live):
        stat = _read(f"/proc/{pid}/stat")
        f = stat.rsplit(")", 1)[1].split() if stat else []
        io = _read(f"/proc/{pid}/io") or ""
        rw = sum(int(ln.split()[1]) for ln in io.splitlines() if ln.startswith(("syscr", "syscw")))
        status = _read(f"/proc/{pid}/status") or ""
        vcsw = next((int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("voluntary_ctxt")), 0)
        progress.append((pid, int(f[7]) + int(f[9]) if len(f) > 9 else -1, rw, vcsw))
        for tid in live[pid]:
            base = f"/proc/{pid}/task/{tid}"
            state = _state(_read(base + "/stat"))
            if state is None or state in ("Z", "X"):
                continue  # exited between two reads
            tids_all.append(tid)
            sched = _read(base + "/schedstat")
            if sched:
                on_cpu, waited = (int(x) for x in sched.split()[:2])
                s.cpu_ns += on_cpu
                s.wait_ns = max(s.wait_ns, waited)
            s.tasks += 1
            if state != "S":  # running or runnable (R, even when starved of CPU), D, stopped...: no proof
                asleep = False
                waits = None
                continue
            if waits is not None:
                line = _read(base + "/syscall") or ""
                what = classify(pid, line, deadline_mono, span_s, s.pids)
                if what is not None and what.startswith(("wait4", "waitid")):
                    what = _blocked_wait(pid, line, what, live)
                if what is None:
                    waits = None
                else:
                    waits[(pid, tid)] = what
    progress.append(tuple(tids_all))
    s.progress = tuple(progress)
    s.all_asleep = asleep and s.tasks > 0
    s.waits = waits if (waits and s.tasks > 0) else None
    return s


def _blocked_wait(pid: int, line: str, what: str, live: dict[int, list[int]]) -> str | None:
    """A wait for a child waits forever only if every child it can return is alive and in the run (the
    proof then needs each of them blocked too); a zombie child, or none it can find, ends the wait."""
    parts = line.split()
    targets = wait_targets(pid, BY_NR[int(parts[0])], [int(x, 16) for x in parts[1:7]])
    if not targets or any(t not in live for t in targets):
        return None
    return what


def proven(prev: Sample | None, cur: Sample) -> bool:
    """Two consecutive samples, both with every task waiting forever in the same calls, no CPU spent between."""
    return (
        prev is not None and cur.waits is not None and prev.waits == cur.waits
        and prev.cpu_ns == cur.cpu_ns and prev.pids == cur.pids
    )  # fmt: skip


def evidence(s: Sample, root_pid: int) -> str:
    """Which call each thread waits in, in words that do not depend on pids (processes and threads are numbered)."""
    assert s.waits is not None
    procs = sorted({pid for pid, _ in s.waits}, key=lambda p: (p != root_pid, p))
    parts = []
    for n, pid in enumerate(procs, 1):
        tids = sorted((t for p, t in s.waits if p == pid), key=lambda t: (t != pid, t))
        threads = []
        for i, tid in enumerate(tids, 1):
            label = "main thread" if tid == pid else f"thread {i}"
            threads.append(f"{label}: {s.waits[(pid, tid)]}")
        who = "the child" if pid == root_pid else f"process {n}"
        parts.append(f"{who}: " + "; ".join(threads))
    return "deadlock proven: every thread waits with no timeout and no CPU was used between two samples; " + " | ".join(parts)


class Watch:
    """Fed one sample at a time; says 'deadlock' or 'livelock' once it is sure, else None."""

    def __init__(self) -> None:
        self.prev: Sample | None = None
        self.last_progress: tuple = ()
        self.progress_t = 0.0
        self.progress_cpu = 0
        self.asleep_count = 0
        self.decided: Sample | None = None

    def feed(self, s: Sample) -> str | None:
        prev, self.prev = self.prev, s
        self.asleep_count = self.asleep_count + 1 if s.all_asleep and prev is not None and prev.cpu_ns == s.cpu_ns else 0
        if proven(prev, s):
            self.decided = s
            return "deadlock"
        if s.progress != self.last_progress or prev is None:
            self.last_progress, self.progress_t, self.progress_cpu = s.progress, s.t, s.cpu_ns
            return None
        if s.t - self.progress_t >= LIVELOCK_WINDOW_S and (s.cpu_ns - self.progress_cpu) / 1e9 >= LIVELOCK_MIN_CPU_S:
            self.decided = s
            return "livelock"
        return None

    @property
    def idle(self) -> bool:
        """Asleep with no CPU spent over the last two samples: the run does not need a CPU slot now."""
        return self.asleep_count >= 3  # 80 ms asleep, not a short wait between two bursts of work

"""Containment: every process a run starts is found and killed, whatever it does and whatever happens to us.

- Each run gets a *run group*: a pids cgroup of its own where the kernel lets us make one
  (cgroup v1 `pids` hierarchy, or a cgroup v2 tree with the pids controller), else an environment
  cookie (`CRASHCOURSE_RUN=<harness pid>-<n>`, Jenkins' ProcessTreeKiller trick) plus the process
  tree. `setsid`, `start_new_session` and double forks leave the process group, not the cgroup nor
  the environment, so the end of a run still finds them.
- The harness is a child subreaper (PR_SET_CHILD_SUBREAPER): an orphaned descendant is reparented
  to us, not to init, so it stays reachable, and we reap what we killed.
- Each child gets PR_SET_PDEATHSIG(SIGKILL): if the harness is SIGKILLed (OOM killer, CI timeout),
  its children die with it. What they forked in turn is killed by the next run, which sweeps the
  cgroups, cookies and temporary directories (`crashcourse-<owner pid>-...`) of dead owners.
- A fork bomb is capped: the cgroup's pids.max (RLIMIT_NPROC where there is no cgroup and we are
  not root; a process count checked by the watchdog's poll as the last resort) and reported.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from harness.execution.hang import children

PIDS_MAX = 256  # tasks (processes + threads) one run may have; more is a fork bomb
COOKIE = "CRASHCOURSE_RUN"
PREFIX = "crashcourse-"
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36

_counter = itertools.count(1)
_setup_lock = threading.Lock()
_setup_done = False
_cgroup_base: Path | None = None

try:
    # dlopen(NULL): the process's own namespace, which holds libc's prctl; find_library("c") would run
    # `ldconfig -p` on every command (~8 ms of start-up)
    _libc = ctypes.CDLL(None, use_errno=True)
    _prctl = _libc.prctl
    _prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
except (OSError, AttributeError):  # not Linux/glibc: containment falls back to process groups
    _prctl = None


def prctl(option: int, arg: int) -> bool:
    return _prctl is not None and _prctl(option, arg, 0, 0, 0) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _probe_cgroup_base() -> Path | None:
    """A directory where we may make a pids cgroup per run, or None."""
    candidates = [Path("/sys/fs/cgroup/pids")]
    v2 = Path("/sys/fs/cgroup")
    with contextlib.suppress(OSError):
        if "pids" in (v2 / "cgroup.subtree_control").read_text().split():
            candidates.append(v2)
    for base in candidates:
        probe = base / f"{PREFIX}{os.getpid()}-probe"
        try:
            probe.mkdir()
            ok = (probe / "pids.max").exists() and (probe / "cgroup.procs").exists()
            probe.rmdir()
        except OSError:
            continue
        if ok:
            return base
    return None


def cgroup_home() -> Path | None:
    """Where this harness would make a pids cgroup per run (made and removed once to find out), or None:
    runs are then contained by the environment cookie and the process tree. CRASHCOURSE_NO_CGROUP=1 says None."""
    if os.environ.get("CRASHCOURSE_NO_CGROUP") == "1":
        return None
    return _probe_cgroup_base()


def setup() -> None:
    """Once per harness process: become a subreaper, find a cgroup home, sweep what dead harnesses left."""
    global _setup_done, _cgroup_base
    with _setup_lock:
        if _setup_done:
            return
        _setup_done = True
        if os.environ.get("CRASHCOURSE_NO_CGROUP") != "1":
            _cgroup_base = _probe_cgroup_base()
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        sweep_stale()


def sweep_stale() -> list[str]:
    """Remove temporary directories and cgroups (killing their processes) whose owner harness is dead."""
    removed = []
    own = re.compile(re.escape(PREFIX) + r"(\d+)-")
    tmp = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for p in tmp.iterdir():
            m = own.match(p.name)
            if m and p.is_dir() and not _alive(int(m.group(1))):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(str(p))
    if _cgroup_base is not None:
        with contextlib.suppress(OSError):
            for p in _cgroup_base.iterdir():
                m = own.match(p.name)
                if m and p.is_dir() and not _alive(int(m.group(1))):
                    RunGroup.from_cgroup(p).close()
                    removed.append(str(p))
    else:  # no cgroups: find the processes of dead harnesses by their cookie
        for pid, cookie in _cookies().items():
            owner = cookie.split("-")[0]
            if owner.isdigit() and not _alive(int(owner)):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
    return removed


def _environ_cookie(pid: int) -> str | None:
    """The run cookie in a process's environment; "" when it has none; None when it cannot be read.

    An empty read is None too: the kernel gives no bytes while a process is inside execve (its new memory
    is in place, its environment not yet), and a run's daemon caught there must not be taken for a stranger."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            env = f.read()
    except OSError:
        return None
    if not env:
        return None
    key = COOKIE.encode() + b"="
    for item in env.split(b"\0"):
        if item.startswith(key):
            return item[len(key):].decode(errors="replace")
    return ""


def _cookies() -> dict[int, str]:
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            c = _environ_cookie(int(name))
            if c:
                out[int(name)] = c
    return out


def ppid_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return int(fields[1])
    except (OSError, IndexError, ValueError):
        return None


class RunGroup:
    """Every process of one run: made before the child starts, closed (everything killed) after."""

    def __init__(self, cgroup: Path | None = None, cookie: str | None = None):
        self.cookie = cookie or f"{os.getpid()}-{next(_counter)}"
        self.cgroup = cgroup
        self.root_pid: int | None = None
        self.seen: set[int] = set()  # every pid ever found in the run (to reap only what is ours)
        self.capped = False  # the fork cap was hit
        self._not_ours: set[int] = set()
        self._baseline = 0

    @classmethod
    def create(cls) -> RunGroup:
        setup()
        group = cls()
        if _cgroup_base is not None:
            path = _cgroup_base / f"{PREFIX}{group.cookie}"
            try:
                path.mkdir()
                (path / "pids.max").write_text(str(PIDS_MAX))
                group.cgroup = path
            except OSError:
                with contextlib.suppress(OSError):
                    path.rmdir()
        return group

    @classmethod
    def from_cgroup(cls, path: Path) -> RunGroup:
        return cls(cgroup=path, cookie=path.name[len(PREFIX):])

    def env(self, env: dict[str, str]) -> dict[str, str]:
        return {**env, COOKIE: self.cookie}

    def preexec(self) -> None:
        """In the child, between fork and exec: join the cgroup, die with the harness, cap forks."""
        if self.cgroup is not None:
            with open(self.cgroup / "cgroup.procs", "w") as f:
                f.write(str(os.getpid()))
        parent = self._parent
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the harness died before prctl took effect
            os._exit(137)
        if self.cgroup is None and os.getuid() != 0:
            import resource

            nproc = self._user_procs + PIDS_MAX
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

    def before_start(self) -> None:
        self._parent = os.getpid()
        self._baseline = system_tasks()
        self._user_procs = 0
        if self.cgroup is None and os.getuid() != 0:
            uid = os.getuid()
            self._user_procs = sum(1 for n in os.listdir("/proc") if n.isdigit() and _owner(n) == uid)

    def pids(self, limit: int | None = None) -> set[int]:
        """Every live process of the run now (zombies excluded).

        limit (the watch's look), without a cgroup: the walk stops past that many processes, and the run is
        capped then (a fork bomb grows while it is walked: the count is the cap, as in over_cap)."""
        if self.cgroup is not None:
            try:
                text = (self.cgroup / "cgroup.procs").read_text()
            except OSError:
                return set()
            found = {int(x) for x in text.split()}
        else:
            found = self._tree(limit=limit)
            if limit is not None and len(found) > limit:
                self.capped = True
        self.seen |= found
        return found

    def _tree(self, limit: int | None = None) -> set[int]:
        """The run's processes without a cgroup: the child's tree, plus orphans reparented to us that carry
        the run's cookie, walked through /proc/PID/task/TID/children (cost: the run's size, not the machine's)."""
        me = os.getpid()
        roots = {self.root_pid} if self.root_pid else set()
        for p in children(me):
            if p != self.root_pid and p not in self._not_ours:
                cookie = _environ_cookie(p)
                if p in self.seen or cookie == self.cookie:
                    roots.add(p)
                elif cookie is not None and not _zombie(p):  # read, and not ours (a failed read proves nothing)
                    self._not_ours.add(p)
        out, todo = set(), list(roots)
        while todo:
            p = todo.pop()
            if p in out:
                continue
            out.add(p)
            if limit is not None and len(out) > limit:
                break
            todo.extend(children(p))
        return {p for p in out if not _zombie(p)}

    def over_cap(self) -> bool:
        """Without a cgroup: more than PIDS_MAX processes (checked only when the machine's task count jumped)."""
        if self.cgroup is not None:
            return self.fork_limit_hit()
        if system_tasks() - self._baseline <= PIDS_MAX:
            return False
        if len(self._tree(limit=PIDS_MAX)) > PIDS_MAX:
            self.capped = True
        return self.capped

    def task_count(self) -> int:
        if self.cgroup is not None:
            with contextlib.suppress(OSError, ValueError):
                return int((self.cgroup / "pids.current").read_text())
        return len(self.pids())

    def fork_limit_hit(self) -> bool:
        if self.capped:
            return True
        if self.cgroup is not None:
            with contextlib.suppress(OSError):
                for line in (self.cgroup / "pids.events").read_text().splitlines():
                    name, _, n = line.partition(" ")
                    if name == "max" and n.strip() not in ("", "0"):
                        self.capped = True
        return self.capped

    def kill(self, final: bool = False) -> None:
        """SIGKILL every process of the run, until none is left (a fork bomb races us: loop).

        final (the end of the run), without a cgroup: also every process on the machine with the run's
        cookie, in case one forked and was orphaned between two looks."""
        if self.cgroup is not None:  # the kernel kills the whole cgroup at once, forks in flight included
            with contextlib.suppress(OSError):
                (self.cgroup / "cgroup.kill").write_text("1")
        for _ in range(200):
            pids = self.pids()
            if final and self.cgroup is None:
                pids |= {p for p, c in _cookies().items() if c == self.cookie}
                self.seen |= pids
            if self.root_pid:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.root_pid, signal.SIGKILL)
            if not pids:
                break
            for p in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(p, signal.SIGKILL)
            self._reap()
            time.sleep(0.002)
        self._reap()

    def _reap(self) -> None:
        """waitpid() the killed processes that were reparented to us (never a pid that is not the run's)."""
        me = os.getpid()
        for p in list(self.seen):
            if p == self.root_pid:
                continue  # Popen reaps its own child
            pp = ppid_of(p)
            if pp is None:
                self.seen.discard(p)
            elif pp == me:
                with contextlib.suppress(ChildProcessError):
                    if os.waitpid(p, os.WNOHANG)[0] == p:
                        self.seen.discard(p)

    def close(self) -> None:
        self.kill(final=True)
        if self.cgroup is not None:
            # The run is over only when its cgroup is empty: a few hundred killed tasks can take a while
            # to exit on a loaded machine, so wait for that (up to 20 s), killing again meanwhile.
            deadline = time.monotonic() + 20.0
            while time.monotonic() < deadline:
                try:
                    self.cgroup.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # tasks still exiting
                    self.kill()
                    time.sleep(0.01)
        if self.capped or len(self.seen) > 1:
            self._sweep_cookie()

    def _sweep_cookie(self, quiet_scans: int = 3, limit_s: float = 5.0) -> None:
        """After a fork bomb: kill every process on the machine that carries this run's cookie, until
        several scans in a row find none (a fork in flight can be missed by one scan of /proc)."""
        deadline, quiet = time.monotonic() + limit_s, 0
        while quiet < quiet_scans and time.monotonic() < deadline:
            left = [p for p, c in _cookies().items() if c == self.cookie and not _zombie(p)]
            quiet = 0 if left else quiet + 1
            for p in left:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(p, signal.SIGKILL)
            self.seen |= set(left)
            self._reap()
            time.sleep(0.005)
        # and wait until the killed ones are really gone (a SIGKILLed process on a loaded machine may not
        # have run its exit yet): once the harness exits, what is left would be reparented elsewhere
        while time.monotonic() < deadline:
            alive = [p for p in self.seen if p != self.root_pid and not _zombie(p)]
            if not alive:
                break
            for p in alive:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(p, signal.SIGKILL)
            self._reap()
            time.sleep(0.005)
        self._reap()


def system_tasks() -> int:
    """Tasks on the whole machine (/proc/loadavg): one read, so a fork bomb is noticed cheaply."""
    try:
        with open("/proc/loadavg") as f:
            return int(f.read().split()[3].split("/")[1])
    except (OSError, IndexError, ValueError):
        return 0


def _owner(pid: str) -> int | None:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except (OSError, IndexError):
        return True

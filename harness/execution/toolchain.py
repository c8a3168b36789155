"""The toolchain as it is on this machine, tried rather than assumed: for `crashcourse doctor`.

Each function answers one question with a Check (ok True/False, or None where it is only a fact,
and a sentence saying what it means here). A tool is tried, not only found: gdb and strace start a
program under ptrace, valgrind runs one, and each sanitizer builds and runs a three-line program
with a planted bug, whose report must appear (a runtime can be installed and still fail to start:
ThreadSanitizer on a kernel with too many mmap random bits, LeakSanitizer where ptrace is denied).
A probe that worked is remembered in the cache (keyed by the compiler, the runtime file, the
kernel), so a second doctor does not build again; one that failed is tried again every time.

Nothing here decides what a run does: the lenses do (their `unavailable`), and doctor asks them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import struct
import subprocess
import sysconfig
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from harness.corpus import machine
from harness.corpus.paths import write_atomically
from harness.execution import contain
from harness.execution.build import cache_root

PROBE_VERSION = "1"


@dataclass
class Check:
    name: str
    ok: bool | None  # None: a fact, neither good nor bad
    detail: str
    version: str = ""
    path: str = ""
    cached: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def _run(argv: list[str], timeout: float = 30, **kw) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=timeout,
                              stdin=subprocess.DEVNULL, **kw)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None


def version_of(cmd: str) -> str:
    """The first line `cmd --version` prints (gcc, clang, gdb, valgrind, strace all answer it), or ''."""
    proc = _run([cmd, "--version"], timeout=20)
    if proc is None:
        return ""
    return next((ln.strip() for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()), "")


# ---- compilers ----------------------------------------------------------------------------------------

CLANG_VERSIONS = range(21, 10, -1)


def compiler_names() -> list[str]:
    """The C and C++ compilers on PATH a case may be built with: gcc, g++, clang, clang-N, clang++-N;
    and the selected one (--cc, $CRASHCOURSE_CC, $CC) whatever its name."""
    names = ["gcc", "g++", "clang", "clang++"]
    for v in CLANG_VERSIONS:
        names += [f"clang-{v}", f"clang++-{v}"]
    selected = machine.c_compiler()
    out = [n for n in names if shutil.which(n)]
    if selected not in out:
        out.insert(0, selected)
    return out


def compiler(name: str) -> Check:
    path = shutil.which(name)
    if path is None:
        return Check(name, False, "not on PATH")
    return Check(name, True, "", version_of(name), path)


# ---- debuggers and tracers: found, and tried ----------------------------------------------------------

def _true() -> str:
    return shutil.which("true") or "/bin/true"


TRIALS = {
    # tool: (argv that runs /bin/true under it, what success prints or "" for exit 0 alone, what it is for)
    "gdb": (["gdb", "-nx", "-batch", "-iex", "set debuginfod enabled off", "-ex", "run", "--args"], "exited normally",
            "the gdb lens (a core dump's backtrace) and a hung native child's stacks"),
    "valgrind": (["valgrind", "-q", "--error-exitcode=99"], "", "the valgrind, helgrind and drd lenses"),
    "strace": (["strace", "-f", "-qq", "-o", os.devnull], "", "the strace lens (system call counts)"),
}


def tool(name: str) -> Check:
    """A debugger or tracer: on PATH, its version, and does it run a program (ptrace allowed, valgrind's
    platform supported)."""
    argv, want, what = TRIALS[name]
    path = shutil.which(name)
    if path is None:
        return Check(name, False, f"not on PATH: needed for {what}")
    version = version_of(name)
    proc = _run([*argv, _true()], timeout=60)
    if proc is None:
        return Check(name, False, f"found but did not finish running {_true()} under it", version, path)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or (want and want not in out):
        last = next((ln for ln in reversed(out.splitlines()) if ln.strip()), f"exit {proc.returncode}")
        return Check(name, False, f"found but cannot run a program: {last.strip()}", version, path)
    return Check(name, True, f"ran a program; for {what}", version, path)


# ---- sanitizer runtimes: build and run a planted bug --------------------------------------------------

PROBES: dict[str, tuple[list[str], str, str]] = {
    # sanitizer: (flags, C source with a planted bug, what its report must say)
    "asan": (["-fsanitize=address", "-O0", "-g"],
             "#include <stdlib.h>\nint main(void) { char *volatile p = malloc(8); free(p); return p[0]; }\n",
             r"AddressSanitizer: heap-use-after-free"),
    "ubsan": (["-fsanitize=undefined", "-fno-sanitize-recover=all", "-O0", "-g"],
              "int main(int argc, char **argv) { int x = 2147483647; (void)argv; return x + argc; }\n",
              r"runtime error: signed integer overflow"),
    "lsan": (["-fsanitize=leak", "-O0", "-g"],
             "#include <stdlib.h>\nvoid *volatile keep;\nint main(void) { keep = malloc(33); keep = 0; return 0; }\n",
             r"LeakSanitizer: detected memory leaks"),
    "tsan": (["-fsanitize=thread", "-O1", "-g", "-pthread"],
             "#include <pthread.h>\nint x;\nstatic void *f(void *a) { x++; return a; }\n"
             "int main(void) { pthread_t t; pthread_create(&t, 0, f, 0); x++; pthread_join(t, 0); return 0; }\n",
             r"ThreadSanitizer: data race"),
    "msan": (["-fsanitize=memory", "-O0", "-g"],
             "int main(int argc, char **argv) { int a[4]; (void)argv; a[0] = 0; return a[argc] ? 1 : 0; }\n",
             r"MemorySanitizer: use-of-uninitialized-value"),
}
PROBE_ENV = {"ASAN_OPTIONS": "detect_leaks=0", "LSAN_OPTIONS": "", "TSAN_OPTIONS": "", "MSAN_OPTIONS": "",
             "UBSAN_OPTIONS": "print_stacktrace=0"}  # fmt: skip


def _probe_cache() -> Path:
    return cache_root() / "doctor" / "probes.json"


def _probe_key(cc: str, san: str, runtime: str) -> str:
    st = os.stat(runtime) if runtime and os.path.exists(runtime) else None
    parts = {
        "v": PROBE_VERSION, "cc": os.path.realpath(shutil.which(cc) or cc), "identity": version_of(cc), "san": san,
        "probe": PROBES[san], "runtime": [runtime, st.st_size if st else 0, st.st_mtime_ns if st else 0],
        "kernel": platform.release(),
    }  # fmt: skip
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]


def _load_cache() -> dict:
    try:
        return json.loads(_probe_cache().read_text())
    except (OSError, ValueError):
        return {}


def _store(key: str, detail: str) -> None:
    with contextlib.suppress(OSError):
        write_atomically(_probe_cache(), json.dumps({**_load_cache(), key: detail}, indent=0, sort_keys=True))


def sanitizer(cc: str, san: str, runtime: str | None, missing: str) -> Check:
    """Does `cc -fsanitize=<san>` build a program whose planted bug the runtime reports?

    `runtime` is the runtime file the lenses look for (None: not installed, and `missing` says what to
    install: the lens's own skip reason). A success is cached per toolchain (see the module docstring)."""
    name = f"{san} ({cc})"
    if shutil.which(cc) is None:
        return Check(name, False, f"{cc} is not on PATH")
    if runtime is None:
        return Check(name, False, missing)
    key = _probe_key(cc, san, runtime)
    known = _load_cache().get(key)
    if known:
        return Check(name, True, known, path=runtime, cached=True)
    flags, source, want = PROBES[san]
    with tempfile.TemporaryDirectory(prefix="crashcourse-doctor-") as tmp:
        src, exe = Path(tmp) / "probe.c", Path(tmp) / "probe"
        src.write_text(source)
        built = _run([cc, *flags, str(src), "-o", str(exe)], timeout=120, cwd=tmp, env=dict(os.environ, LC_ALL="C"))
        if built is None or built.returncode != 0:
            err = (built.stderr.strip().splitlines() or ["no output"])[-1] if built else "did not finish"
            return Check(name, False, f"the runtime is installed but a probe does not build: {err}", path=runtime)
        ran = _run([str(exe)], timeout=60, cwd=tmp, env={**os.environ, **PROBE_ENV})
        if ran is None:
            return Check(name, False, "a probe built but did not finish within 60 s", path=runtime)
        m = re.search(want, ran.stderr)
        if m is None:
            last = next((ln.strip() for ln in reversed(ran.stderr.splitlines()) if ln.strip()), f"exit {ran.returncode}, no report")
            return Check(name, False, f"built, but the runtime did not report the planted bug: {last}", path=runtime)
    detail = f"built and ran a planted bug: '{m.group(0)}'"
    _store(key, detail)
    return Check(name, True, detail, path=runtime)


# ---- the system ---------------------------------------------------------------------------------------

def _build_id(path: str) -> str | None:
    """The GNU build id of an ELF file (from its PT_NOTE segments), as hex, or None."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF":
                return None
            is64, end = head[4] == 2, "<" if head[5] == 1 else ">"
            if is64:
                phoff, = struct.unpack_from(end + "Q", head, 32)
                phentsize, phnum = struct.unpack_from(end + "HH", head, 54)
            else:
                phoff, = struct.unpack_from(end + "I", head, 28)
                phentsize, phnum = struct.unpack_from(end + "HH", head, 42)
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                ph = f.read(phentsize)
                if struct.unpack_from(end + "I", ph, 0)[0] != 4:  # PT_NOTE
                    continue
                off, size = struct.unpack_from(end + ("QxxxxxxxxxxxxxxxxQ" if is64 else "IxxxxxxxxI"), ph, 8 if is64 else 4)
                f.seek(off)
                notes, pos = f.read(size), 0
                while pos + 12 <= len(notes):
                    namesz, descsz, kind = struct.unpack_from(end + "III", notes, pos)
                    name_end = pos + 12 + ((namesz + 3) & ~3)
                    if kind == 3 and notes[pos + 12:pos + 12 + namesz].rstrip(b"\0") == b"GNU":  # NT_GNU_BUILD_ID
                        return notes[name_end:name_end + descsz].hex()
                    pos = name_end + ((descsz + 3) & ~3)
    except (OSError, struct.error):
        return None
    return None


def _libc_path() -> str | None:
    with contextlib.suppress(OSError), open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1] if line.split() else ""
            if re.search(r"/libc(?:\.so|-[\d.]+\.so)", path):
                return path
    return None


def libc_debug() -> Check:
    """libc's debug symbols (libc6-dbg): gdb then names libc's own frames (free, __libc_start_main...)."""
    libc = _libc_path()
    if libc is None:
        return Check("libc debug symbols", None, "no glibc in this process (not Linux/glibc): nothing to look for")
    bid = _build_id(libc)
    if bid:
        debug = Path("/usr/lib/debug/.build-id") / bid[:2] / f"{bid[2:]}.debug"
        if debug.exists():
            return Check("libc debug symbols", True, f"{debug} (gdb names libc's frames)", path=str(debug))
    debuginfod = " (DEBUGINFOD_URLS is set: gdb may fetch them)" if os.environ.get("DEBUGINFOD_URLS") else ""
    return Check("libc debug symbols", False, f"none for {libc}{debuginfod}: gdb shows libc's frames as ?? and "
                 "expectations that name them fail under the gdb lens")  # fmt: skip


def cgroups() -> Check:
    home = contain.cgroup_home()
    if home is not None:
        return Check("cgroups", True, f"a pids cgroup per run under {home}: a fork bomb is capped at {contain.PIDS_MAX} tasks")
    why = "CRASHCOURSE_NO_CGROUP=1" if os.environ.get("CRASHCOURSE_NO_CGROUP") == "1" else "cannot make a pids cgroup here"
    return Check("cgroups", None, f"{why}: runs are contained by an environment cookie and the process tree "
                 "(works; a fork bomb is capped by RLIMIT_NPROC or the watchdog's count)")  # fmt: skip


def ptrace_scope() -> Check:
    """Yama's ptrace_scope: may gdb attach to a hung child (for its stacks), may gdb/strace trace at all."""
    try:
        scope = Path("/proc/sys/kernel/yama/ptrace_scope").read_text().strip()
    except OSError:
        return Check("ptrace scope", None, "no Yama (no /proc/sys/kernel/yama/ptrace_scope): ptrace is limited only by capabilities")
    root = os.geteuid() == 0
    meaning = {
        "0": (True, "0: any process of the same user may be traced"),
        "1": (None if not root else True, "1: only descendants may be traced" + (
            "; as root the harness may still attach" if root else
            "; gdb cannot attach to a hung child for its native stacks (the gdb lens itself is unaffected); "
            "sudo sysctl kernel.yama.ptrace_scope=0 allows it")),
        "2": (root, "2: only with CAP_SYS_PTRACE" + ("" if root else "; gdb and strace cannot trace here")),
        "3": (False, "3: no ptrace at all: the gdb and strace lenses cannot work until reboot"),
    }.get(scope, (None, f"{scope}: unknown value"))
    return Check("ptrace scope", meaning[0], meaning[1])


def core_pattern(cores_in_cwd: bool) -> Check:
    pattern = machine.core_pattern()
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    if cores_in_cwd:
        if hard == 0:
            return Check("core_pattern", False, f"{pattern!r}, but the hard core size limit is 0: no core is ever "
                         "written, so the gdb lens has nothing to read (raise it: ulimit -Hc unlimited, as root)")  # fmt: skip
        return Check("core_pattern", True, f"{pattern!r}: cores land in the run's folder; the gdb lens reads them")
    return Check("core_pattern", True, f"{pattern!r}: cores go elsewhere, so the gdb lens runs the case under gdb -batch "
                 "instead (the same backtrace; the record says so)")  # fmt: skip


def python_headers() -> Check:
    include = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if include.is_file():
        return Check("Python headers", True, f"{include} (the C cases are cffi modules)")
    return Check("Python headers", False, f"no {include}: the C and C++ cases cannot be built as modules "
                 "(plain and asan lenses)")  # fmt: skip


def lupa_luajit() -> Check:
    try:
        from lupa import luajit21  # noqa: F401
    except ImportError as e:
        return Check("LuaJIT (lupa)", False, f"lupa's luajit21 does not import ({e}): the Lua cases cannot run")
    import lupa

    return Check("LuaJIT (lupa)", True, f"lupa {getattr(lupa, '__version__', '?')}'s LuaJIT runs the Lua cases",
                 version=machine.luajit_build())  # fmt: skip

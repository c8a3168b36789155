"""Lenses that run the standalone executable (the repro linked with native/main.c) under a tool."""

from __future__ import annotations

import collections
import functools
import re
import shutil
import subprocess
from pathlib import Path

from harness.corpus import machine
from harness.corpus.manifest import RunSpec
from harness.diagnose import gdb as gdb_parse
from harness.diagnose.observation import Observation
from harness.execution import build
from harness.execution.run import ChildResult, find_core, gdb_stacks
from harness.lenses import base
from harness.lenses.base import Lens, Plan, base_env, limits_for, options


class ExeLens(Lens):
    exe_profile = "O0"



    def prepare(self, spec: RunSpec):
        return build.build_exe(spec.case, spec.variant, spec.profile)

    def wrap(self, exe: Path, spec: RunSpec, workdir: Path) -> list[str]:
        return [str(exe)]

    def plan(self, spec: RunSpec, artifact, workdir: Path) -> Plan:
        return Plan(
            self.wrap(artifact.path, spec, workdir), base_env(spec, workdir), limits_for(spec),
            gdb_stacks, artifact=artifact, send_signal=spec.case.run.get("send_signal"),
        )  # fmt: skip


class GdbLens(ExeLens):
    """gdb: the backtrace of the crash, read from the core dump the kernel wrote.

    RLIMIT_CORE is raised in the child. Where core_pattern pipes cores away (systemd-coredump,
    apport) or names a directory we cannot read, the case is instead run under `gdb -batch`,
    and the record says which way the backtrace was taken.
    """

    name = "gdb"
    tools = ("gdb",)

    def plan(self, spec, artifact, workdir):
        plan = super().plan(spec, artifact, workdir)
        plan.limits.core = True
        if cores_land_in_cwd():
            return plan
        plan.argv = ["gdb", "-nx", "-batch", "-ex", "run", *BT, *self._commands(spec), "--args", str(artifact.path)]
        plan.limits.memory_mb = None
        return plan

    @staticmethod
    def _commands(spec: RunSpec) -> list[str]:
        out = []
        for cmd in spec.case.gdb.get("commands", []):
            out += ["-ex", cmd.replace("{case}", str(spec.case.path))]
        return out

    def refine(self, spec, plan, result: ChildResult, obs: Observation, workdir: Path) -> str:
        if plan.argv[0] == "gdb":
            text = result.stdout
            obs.frames = gdb_parse.frames(after_marker(text))
            obs.message = (obs.message or "") + " (backtrace from running under gdb: core_pattern pipes cores away)"
            return text
        core = find_core(workdir)
        if core is None:
            if result.signal:
                obs.message = (obs.message or "") + " (no core file was written)"
            return ""
        obs.core_dumped = True
        argv = ["gdb", "-nx", "-batch", *BT, *self._commands(spec), str(plan.artifact.path), str(core)]
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=60, cwd=workdir)
            text = proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as err:  # a case's gdb commands may loop on a corrupt stack
            out = err.stdout.decode(errors="replace") if isinstance(err.stdout, bytes) else (err.stdout or "")
            text = out + "\n(gdb was stopped after 60 s reading the core)\n"
            obs.message = (obs.message or "") + " (gdb timed out reading the core)"
        # gdb prints frame #0 once when it loads the core: count frames from our `bt` on.
        obs.frames = gdb_parse.frames(after_marker(text))
        from harness.diagnose import metrics

        obs.metrics.update(metrics(text))
        core.unlink(missing_ok=True)
        shown = ["gdb", "-nx", "-batch", "-ex", "bt", *self._commands(spec), plan.artifact.path.name, "core"]
        return "$ " + " ".join(shown) + "\n" + text.replace(BT_MARKER + "\n", "")


BT_MARKER = "CRASHCOURSE_BT"
BT = ["-ex", f"echo {BT_MARKER}\\n", "-ex", "bt"]


def after_marker(text: str) -> str:
    i = text.find(BT_MARKER)
    return text[i + len(BT_MARKER):] if i >= 0 else text


def cores_land_in_cwd() -> bool:
    pattern = machine.core_pattern()
    return bool(pattern) and not pattern.startswith("|") and "/" not in pattern


class ValgrindLens(ExeLens):
    name = "valgrind"
    tools = ("valgrind",)

    def wrap(self, exe, spec, workdir):
        # A case tagged "leak" is about a leak: memcheck's full leak check reports it at exit. The other
        # cases keep --leak-check=no (a crash case need not free what it held when it died).
        leaks = ["--leak-check=full", "--show-leak-kinds=definite,indirect"] if "leak" in spec.case.tags else ["--leak-check=no"]
        return ["valgrind", "--tool=memcheck", "--num-callers=30", *leaks, "--track-origins=no", str(exe)]

    def plan(self, spec, artifact, workdir):
        plan = super().plan(spec, artifact, workdir)
        plan.limits.memory_mb = max(plan.limits.memory_mb or 0, 8192)  # valgrind reserves its own arena
        plan.limits.timeout_s *= 3
        return plan


class StraceLens(ExeLens):
    """strace: which system calls the case made, counted into metrics (syscall.<name>, mmap_1mib, ...)."""

    name = "strace"
    tools = ("strace",)



    def prepare(self, spec):
        return super().prepare(spec) if spec.case.language in ("c", "cpp") else None

    def plan(self, spec, artifact, workdir):
        if artifact is not None:
            target = [str(artifact.path)]
        else:
            from harness.lenses.base import python_child

            target = python_child("python_case.py", str(spec.case.source(spec.variant)), spec.profile)
        env = base_env(spec, workdir)
        argv = ["strace", "-f", "-qq", "-o", str(workdir / "strace.log"), *target]
        return Plan(argv, env, limits_for(spec, slow=2), gdb_stacks, artifact=artifact)

    def refine(self, spec, plan, result, obs, workdir):
        log = workdir / "strace.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        obs.metrics.update(syscall_metrics(text))
        return summarize_strace(text)


MMAP_RE = re.compile(r"\bmmap\((?:NULL|0x[0-9a-f]+), (\d+),")
MMAP_ANON_RE = re.compile(r"\bmmap\((?:NULL|0x[0-9a-f]+), (\d+), [^,]+, [^,]*MAP_ANONYMOUS[^,]*, -1, 0\)\s+= 0x")
BRK_RE = re.compile(r"\bbrk\((0x[0-9a-f]+)\)\s+= (0x[0-9a-f]+)")
BRK_QUERY_RE = re.compile(r"\bbrk\(NULL\)\s+= (0x[0-9a-f]+)")
CALL_RE = re.compile(r"^(?:\[pid\s+\d+\] |\d+\s+)?(\w+)\(", re.M)
PID_PREFIX_RE = re.compile(r"^(?:\[pid\s+\d+\] |\d+\s+)")


def syscall_metrics(text: str) -> dict[str, int]:
    """Counts from an `strace -f` log: syscall.<name> per call, plus what the heap did.

    mmap_1mib / mmap_ge_1mib: mmaps of exactly / at least 1 MiB (any kind); mmap_anon, mmap_anon_kib:
    successful anonymous mmaps (where malloc gets memory when it does not use brk), count and total KiB;
    brk_failed: brk() calls that left the break where it was (e.g. a mapping in the way); brk_ok and
    brk_grew_kib: brk() calls that moved the break, and how far it grew in total.
    """
    counts = collections.Counter(CALL_RE.findall(text))
    out = {f"syscall.{name}": n for name, n in counts.items()}
    sizes = [int(s) for s in MMAP_RE.findall(text)]
    out["mmap_1mib"] = sum(1 for s in sizes if s == 1 << 20)
    out["mmap_ge_1mib"] = sum(1 for s in sizes if s >= 1 << 20)
    anon = [int(s) for s in MMAP_ANON_RE.findall(text)]
    out["mmap_anon"] = len(anon)
    out["mmap_anon_kib"] = sum(anon) >> 10
    failed = ok = 0
    grew = 0
    for m in BRK_RE.finditer(text):
        asked, got = int(m.group(1), 16), int(m.group(2), 16)
        if asked != got:
            failed += 1
        else:
            ok += 1
    # growth of the break: from the first brk(NULL) answer to the highest break a brk() call returned
    first = BRK_QUERY_RE.search(text)
    tops = [int(m.group(2), 16) for m in BRK_RE.finditer(text)]
    if first and tops:
        grew = max(0, max(tops) - int(first.group(1), 16))
    out["brk_failed"] = failed
    out["brk_ok"] = ok
    out["brk_grew_kib"] = grew >> 10
    return out


def summarize_strace(text: str) -> str:
    counts = collections.Counter(CALL_RE.findall(text))
    lines = [f"{n:8d}  {name}" for name, n in counts.most_common(15)]
    out = "syscall counts (strace -f):\n" + "\n".join(lines)
    # The first failed brk() and the call that followed it: usually malloc's mmap fallback.
    log = text.splitlines()
    for i, line in enumerate(log):
        m = BRK_RE.search(line)
        if m and m.group(1) != m.group(2):
            n = sum(1 for mm in BRK_RE.finditer(text) if mm.group(1) != mm.group(2))
            out += f"\n\nfirst of {n} failed brk() calls (the break did not move), and the next call:\n"
            out += "\n".join(PID_PREFIX_RE.sub("", ln) for ln in log[i:i + 2])  # pids differ run to run
            break
    return out


class ThreadToolLens(ValgrindLens):
    """A valgrind thread checker (helgrind, drd) on the standalone executable."""

    tool = ""

    def wrap(self, exe, spec, workdir):
        return ["valgrind", f"--tool={self.tool}", "--num-callers=30", *self.tool_flags(), str(exe)]

    def tool_flags(self) -> list[str]:
        return []


class HelgrindLens(ThreadToolLens):
    name = "helgrind"
    tool = "helgrind"


class DrdLens(ThreadToolLens):
    name = "drd"
    tool = "drd"

    def tool_flags(self):
        return ["--check-stack-var=yes"]  # races on a thread's stack variables too


class SanitizerLens(ExeLens):
    """A sanitizer build of the standalone executable (no Python in the process: only the case's report)."""

    sanitizer = ""
    env_var = ""
    run_options: dict[str, str] = {}

    def compiler(self, spec: RunSpec) -> str | None:
        return build.compiler_for(spec.case, self.exe_profile)

    def unavailable(self, spec):
        cc = self.compiler(spec)
        if base.sanitizer_runtime(cc, self.sanitizer) is None:
            return base.missing_runtime(cc, self.sanitizer)
        return None

    def plan(self, spec, artifact, workdir):
        plan = super().plan(spec, artifact, workdir)
        plan.limits.memory_mb = None  # the sanitizer reserves terabytes of address space (shadow, allocator)
        opts = {**self.run_options, **base.symbolizer_option(self.compiler(spec))}
        plan.env[self.env_var] = options(opts)
        return plan


class UbsanLens(SanitizerLens):
    """UBSan on the standalone executable rather than a preloaded runtime in a Python child: clang links
    its UBSan runtime into executables only (a module would need -shared-libsan and a preload), and in
    the executable the report's stack is the case's own (cc_main -> main) under gcc and clang alike."""

    name = "ubsan"
    exe_profile = "ubsan"
    sanitizer = "ubsan"
    env_var = "UBSAN_OPTIONS"
    run_options = {"print_stacktrace": "1", "halt_on_error": "1", "report_error_type": "1", "color": "never"}


class LsanLens(SanitizerLens):
    """Standalone LeakSanitizer (-fsanitize=leak) on the executable: at exit it reports every block no
    pointer reaches. In a Python child CPython's own allocations would fill the report."""

    name = "lsan"
    exe_profile = "lsan"
    sanitizer = "lsan"
    env_var = "LSAN_OPTIONS"
    run_options = {"detect_leaks": "1", "exitcode": "23", "color": "never"}


class MsanLens(SanitizerLens):
    """MemorySanitizer (clang only: gcc has no -fsanitize=memory) on the executable, with origins."""

    name = "msan"
    exe_profile = "msan"
    sanitizer = "msan"
    env_var = "MSAN_OPTIONS"
    run_options = {"halt_on_error": "1", "exitcode": "77", "color": "never"}

    def compiler(self, spec):
        return build.family_compiler("clang")

    def unavailable(self, spec):
        if self.compiler(spec) is None:
            return ("MemorySanitizer needs clang (gcc has no -fsanitize=memory) and no clang is on PATH; "
                    "install it with: apt-get install -y clang-16 libclang-rt-16-dev")  # fmt: skip
        return super().unavailable(spec)


class TsanLens(SanitizerLens):
    name = "tsan"
    exe_profile = "tsan"
    sanitizer = "tsan"
    env_var = "TSAN_OPTIONS"
    run_options = {"halt_on_error": "0", "second_deadlock_stack": "1", "color": "never", "exitcode": "66"}

    def unavailable(self, spec):
        if shutil.which("setarch") and not _setarch_works():
            return ("TSan needs address randomisation off (setarch -R), and this system refuses it "
                    "(personality() blocked: a container's default seccomp profile); "
                    "run the container with --security-opt seccomp=unconfined")  # fmt: skip
        return super().unavailable(spec)

    def plan(self, spec, artifact, workdir):
        plan = super().plan(spec, artifact, workdir)
        # TSan needs a fixed memory layout: with high mmap randomisation it fails to start; setarch -R helps.
        if shutil.which("setarch"):
            plan.argv = ["setarch", machine.fact("arch"), "-R", *plan.argv]
        return plan


@functools.cache
def _setarch_works() -> bool:
    """Can this process turn address randomisation off for a child (seccomp may forbid personality())?"""
    try:
        r = subprocess.run(["setarch", machine.fact("arch"), "-R", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0


"""What a lens is: a way to run (or inspect) a case variant, and what extra it observes."""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from harness.corpus import machine
from harness.corpus.catalog import LENS_INFO, LensInfo
from harness.corpus.manifest import RunSpec
from harness.corpus.values import Value, field
from harness.diagnose.observation import Observation
from harness.execution.build import Artifact
from harness.execution.children import CHILDREN
from harness.execution.run import ChildResult, Limits, gdb_stacks, python_stacks

# Options that make ASan reports complete and parseable inside a Python child.
ASAN_OPTIONS = {
    "detect_leaks": "0",  # CPython's own allocations would be reported at exit
    "halt_on_error": "1",
    "abort_on_error": "0",
    "fast_unwind_on_fatal": "1",  # a report from a LuaJIT trace is cut short without it
    "symbolize": "1",
    "print_summary": "1",
    "color": "never",
    "handle_abort": "0",
    "allow_user_segv_handler": "1",
    "detect_stack_use_after_return": "0",
}


class Plan(Value):
    """How one run is carried out."""

    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    capture_stacks: Callable | None = None
    static: Observation | None = None  # a lens that observes at build time sets this, and nothing runs
    static_output: str = ""
    artifact: Artifact | None = None
    send_signal: dict | None = None


class Lens:
    """One lens of the catalogue (harness.corpus.catalog: its languages, profiles and description),
    implemented: what it needs installed, what it builds, how it runs the child, what it adds."""

    name = ""
    tools: tuple[str, ...] = ()  # commands on PATH this lens needs
    install: str = ""  # what to install when a tool is missing

    @property
    def info(self) -> LensInfo:
        return LENS_INFO[self.name]

    @property
    def languages(self) -> tuple[str, ...]:
        return self.info.languages

    @property
    def description(self) -> str:
        return self.info.description

    def default_profiles(self, language: str) -> list[str]:
        return self.info.default_profiles(language)

    def allowed_profiles(self, language: str) -> list[str] | None:
        return self.info.allowed_profiles(language)

    def unavailable(self, spec: RunSpec) -> str | None:
        for tool in self.tools:
            if shutil.which(tool) is None:
                return f"'{tool}' is not installed; install it with: {self.install or f'apt-get install -y {tool}'}"
        return None

    def prepare(self, spec: RunSpec) -> Artifact | None:
        """Build what the run needs (cached). Runs in the build stage, before any child starts."""
        return None

    def recipe(self, spec: RunSpec) -> tuple[str, str] | None:
        """The native build recipe this run's prepare() calls, as (recipe folder, profile): a runtime that
        may fetch its source (native/luajit-old); None when the run needs none. `doctor` and `prepare` ask it."""
        return None

    def plan(self, spec: RunSpec, artifact: Artifact | None, workdir: Path) -> Plan:
        raise NotImplementedError

    def refine(self, spec: RunSpec, plan: Plan, result: ChildResult, obs: Observation, workdir: Path) -> str:
        """Add what only this lens can see (a core's backtrace, a syscall trace). Returns extra output text."""
        return ""


# ---- helpers shared by lenses -----------------------------------------------------------------------

def base_env(spec: RunSpec, workdir: Path) -> dict[str, str]:
    """A small, predictable environment: nothing inherited that could change a case's behaviour."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": str(workdir),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "CRASHCOURSE_PROFILE": spec.profile,
        "CRASHCOURSE_VARIANT": spec.variant,
        "CRASHCOURSE_LENS": spec.lens,
        "CRASHCOURSE_CASE_DIR": str(spec.case.path),
        "CC": machine.c_compiler(),  # a Python case that builds a C helper at run time uses the corpus's compiler
    }
    for key in ("VIRTUAL_ENV", "SYSTEMROOT", "CRASHCOURSE_NATURAL"):  # NATURAL: `run --natural` (harness/pipeline/natural.py)
        if key in os.environ:
            env[key] = os.environ[key]
    env.update({k: str(v) for k, v in spec.case.run.get("env", {}).items()})
    return env


def limits_for(spec: RunSpec, *, address_space: bool = True, core: bool = False, slow: float = 1.0) -> Limits:
    run = spec.case.run
    return Limits(
        timeout_s=float(run.get("timeout_s", 10)) * slow,
        memory_mb=int(run.get("memory_mb", 2048)) if address_space else None,
        cpu_s=int(run.get("cpu_s", 60)),
        core=core,
    )


def python_child(script: str, *args: str, faulthandler: bool = True) -> list[str]:
    """argv for a Python child. Under a sanitizer, faulthandler stays off: it would catch SIGSEGV first and
    re-raise it from its own handler, and the sanitizer would then report that raise, not the real fault."""
    fh = ["-X", "faulthandler"] if faulthandler else []
    return [sys.executable, *fh, "-I", "-B", str(CHILDREN / script), *args]


def python_then_gdb_stacks(proc, cwd):
    stacks, via = python_stacks(proc, cwd)
    native, nvia = gdb_stacks(proc, cwd)
    return stacks + native, "+".join(v for v in (via, nvia) if v and v != "none") or "none"


@functools.cache
def runtime_file(cc: str, name: str) -> str | None:
    """A file of the compiler's runtime (`cc -print-file-name=NAME`) when it exists, else None (asked once per process)."""
    import subprocess

    try:
        path = subprocess.run([cc, f"-print-file-name={name}"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return path if os.path.isabs(path) and os.path.exists(path) else None


def asan_runtime() -> str | None:
    """The compiler's own shared ASan runtime (the one our modules link against), or None:
    gcc's libasan.so, or clang's libclang_rt.asan-<arch>.so (modules are built with -shared-libasan)."""
    cc = machine.c_compiler()
    if machine.is_clang(cc):
        return runtime_file(cc, f"libclang_rt.asan-{machine.fact('arch')}.so")
    return runtime_file(cc, "libasan.so")


def sanitizer_runtime(cc: str, san: str) -> str | None:
    """The runtime a sanitizer build links (gcc: lib<san>.so; clang: its static libclang_rt), or None."""
    if machine.is_clang(cc):
        arch = machine.fact("arch")
        name = {"ubsan": "ubsan_standalone", "lsan": "lsan", "msan": "msan", "tsan": "tsan", "asan": "asan"}[san]
        return runtime_file(cc, f"libclang_rt.{name}-{arch}.a")
    return runtime_file(cc, f"lib{san}.so")


def missing_runtime(cc: str, san: str) -> str:
    """The skip reason for a sanitizer runtime that is not installed, with the install command."""
    if machine.is_clang(cc):
        ver = cc.rsplit("-", 1)[-1] if cc.rsplit("-", 1)[-1].isdigit() else "16"
        return f"{cc}'s {san} runtime is not installed; install it with: apt-get install -y libclang-rt-{ver}-dev"
    pkg = {"asan": "libasan8", "tsan": "libtsan2", "ubsan": "libubsan1", "lsan": "liblsan0"}.get(san, f"lib{san}")
    return f"{cc}'s lib{san} is not installed; install it with: apt-get install -y {pkg}"


def symbolizer_option(cc: str) -> dict[str, str]:
    """clang's sanitizer runtimes symbolize with llvm-symbolizer, found by absolute path only (a
    /usr/bin/llvm-symbolizer symlink is refused as 'invalid path'); gcc's runtimes symbolize in-process."""
    if not machine.is_clang(cc):
        return {}
    ver = cc.rsplit("-", 1)[-1]
    candidates = [f"/usr/lib/llvm-{ver}/bin/llvm-symbolizer"] if ver.isdigit() else []
    found = shutil.which("llvm-symbolizer")
    if found:
        candidates.append(os.path.realpath(found))
    for path in candidates:
        if os.path.exists(path):
            return {"external_symbolizer_path": path}
    return {}


def options(opts: dict[str, str]) -> str:
    return ":".join(f"{k}={v}" for k, v in opts.items())


def parse_options(text: str) -> dict[str, str]:
    """'a=1:b=2' (a sanitizer's *_OPTIONS syntax; ',' separates too) as a dict, later keys winning."""
    out: dict[str, str] = {}
    for item in text.replace(",", ":").split(":"):
        key, sep, value = item.strip().partition("=")
        if sep and key:
            out[key] = value
    return out

"""Build stage: compile C/C++ repros, cached by content hash.

Two artifact kinds from the same source and entry point (`int cc_main(void)`):
- a cffi API-mode extension module, imported by a Python child (plain and asan lenses);
- a standalone executable linked with native/main.c (gdb, valgrind, strace, tsan lenses).
A third, `analysis`, runs gcc's static analyzer and keeps its warnings.

cffi generates the module's C source (`FFI.emit_c_code`) and we call the compiler ourselves,
so that the optimisation level is exactly the profile's (setuptools would add Python's own -O3).
The cache key hashes the sources, flags, compiler identity, Python and cffi versions; artifacts are
built in a private directory and renamed into place, so parallel builders never see half a build.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import _cffi_backend  # its version is cffi's (cffi refuses another); importing cffi itself waits for a build

from harness.corpus import machine, paths
from harness.corpus.manifest import Case
from harness.corpus.values import Value

BUILD_RECIPE_VERSION = "5"
# Every profile is built with the compiler's usual warnings on: they are part of the lesson, recorded
# per run as observed.build_warnings (see warnings_of) and assertable with `warnings = [...]`.
WARN_FLAGS = ["-Wall"]

PROFILE_FLAGS: dict[str, list[str]] = {
    "O0": ["-O0", "-g", "-fno-omit-frame-pointer"],
    "O2": ["-O2", "-g"],
    "asan": ["-O0", "-g", "-fsanitize=address", "-fno-omit-frame-pointer"],
    "tsan": ["-O1", "-g", "-fsanitize=thread"],
    # UBSan: every check of -fsanitize=undefined (bounds, alignment, null, shifts, bool/enum loads,
    # pointer-overflow, ...) plus float-cast-overflow, which gcc leaves out of 'undefined'; the first
    # report ends the run (-fno-sanitize-recover), like an ASan report does.
    "ubsan": ["-O0", "-g", "-fno-omit-frame-pointer", "-fsanitize=undefined", "-fsanitize=float-cast-overflow",
              "-fno-sanitize-recover=all"],
    "lsan": ["-O0", "-g", "-fno-omit-frame-pointer", "-fsanitize=leak"],  # standalone LeakSanitizer
    # MemorySanitizer: clang only; origins=2 says where the uninitialised bytes came from.
    "msan": ["-O0", "-g", "-fno-omit-frame-pointer", "-fsanitize=memory", "-fsanitize-memory-track-origins=2"],
    "analyzer": ["-O0", "-g", "-fanalyzer", "-Wall", "-Wformat=2"],
}
# Profiles built by a fixed compiler family whatever --cc selects: gcc's analyzer; clang's MemorySanitizer.
PROFILE_FAMILY = {"analyzer": "gcc", "msan": "clang"}

_stats_lock = threading.Lock()
stats = {"compiled": 0, "cached": 0}


class RuntimeUnavailable(Exception):
    """A native build recipe said it cannot build here (exit 2): the run is skipped with its reason."""


class BuildError(Exception):
    def __init__(self, what: str, log: str):
        super().__init__(f"{what} failed to compile")
        self.log = log


class Artifact(Value, frozen=True):
    kind: str  # "module" | "exe" | "analysis"
    path: Path  # module dir, exe path, or the analysis log
    module: str = ""  # the importable module name, for kind == "module"


CACHE_ENV = paths.CACHE_ENV
cache_root = paths.cache_root  # kept here too: builds are what it mostly holds


def compiler_for(case: Case, profile: str = "O0") -> str:
    """The compiler command for a case and profile: the selected one (--cc, $CRASHCOURSE_CC, $CC, gcc),
    unless the profile needs another family (see PROFILE_FAMILY and family_compiler)."""
    cc = machine.c_compiler()
    family = PROFILE_FAMILY.get(profile)
    if family and machine.is_clang(cc) != (family == "clang"):
        cc = family_compiler(family) or cc
    if case.language == "cpp":
        if cc == machine.c_compiler():
            return machine.cxx_compiler()
        return cc.replace("clang", "clang++").replace("gcc", "g++")
    return cc


def family_compiler(family: str) -> str | None:
    """A compiler of that family on PATH: the selected one if it is of that family, else gcc / the newest clang."""
    if machine.is_clang() == (family == "clang"):
        return machine.c_compiler()
    if family == "gcc":
        return "gcc" if shutil.which("gcc") else None
    for name in ("clang-16", "clang", "clang-17", "clang-18", "clang-15", "clang-14"):
        if shutil.which(name):
            return name
    return None


def profile_flags(cc: str, profile: str) -> list[str]:
    """A profile's flags for this compiler. clang links its ASan runtime into executables only: a module
    needs -shared-libasan (and the child preloads clang's libclang_rt.asan, see lenses.base.asan_runtime);
    clang's debug info is DWARF 4, for valgrind."""
    flags = list(PROFILE_FLAGS[profile])
    if machine.is_clang(cc):
        # clang 16 writes DWARF 5 forms (strx, addrx) that valgrind 3.19's reader gives up on
        # ("unhandled dwarf2 abbrev form code 0x25 ... I can't recover"): DWARF 4 reads everywhere.
        flags.append("-gdwarf-4")
        if profile == "asan":
            flags.append("-shared-libasan")
    return flags


def _compiler_identity(cc: str) -> str:
    said = machine.compiler_says(cc, "--version")
    return said.splitlines()[0] if said and said.strip() else cc


def _key(kind: str, case: Case, variant: str, profile: str, flags: list[str]) -> str:
    h = paths.sha256()
    src = case.source(variant)
    parts = {
        "recipe": BUILD_RECIPE_VERSION,
        "kind": kind,
        "compiler": _compiler_identity(compiler_for(case, profile)),
        "python": sys.version,
        "cffi": _cffi_backend.__version__,
        "flags": flags,
        "profile": profile,
        "source": str(src.resolve()),  # the path ends up in debug info and sanitizer frames
    }
    h.update(json.dumps(parts, sort_keys=True).encode())
    h.update(src.read_bytes())
    for extra in _extra_sources(case):
        h.update(extra.read_bytes())
    if kind == "exe":
        h.update((paths.native_dir() / "main.c").read_bytes())
    return h.hexdigest()[:20]


def _extra_sources(case: Case) -> list[Path]:
    return [(case.path / s).resolve() for s in case.build.get("sources", [])]


def _flags(case: Case, profile: str) -> list[str]:
    return profile_flags(compiler_for(case, profile), profile) + WARN_FLAGS + ["-pthread"] + case.build.get("cflags", [])


def _link_flags(case: Case, profile: str) -> list[str]:
    return case.build.get("ldflags", []) + [f"-l{lib}" for lib in case.build.get("libs", [])]


def _prefix_map(tmp: Path) -> str:
    """Debug info names the final cache dir, not the private dir the artifact was built in."""
    return f"-ffile-prefix-map={tmp}={cache_root() / 'build' / tmp.name.split('-')[0].lstrip('.')}"


def _cached(key: str, make) -> Path:
    """Return the cache dir for key, building it with make(tmpdir) if it is not there yet."""
    final = cache_root() / "build" / key
    if final.is_dir():
        with _stats_lock:
            stats["cached"] += 1
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=final.parent))
    try:
        make(tmp)
        try:
            os.rename(tmp, final)
        except OSError:  # another builder won the race: its artifact is the same
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    with _stats_lock:
        stats["compiled"] += 1
    return final


def _compile(argv: list[str], what: str, cwd: Path) -> str:
    # LC_ALL=C: the same words and plain 'quotes' from gcc whatever the user's locale
    env = dict(os.environ, LC_ALL="C", LANG="C")
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, errors="replace", timeout=300, env=env)
    if proc.returncode != 0:
        raise BuildError(what, " ".join(argv) + "\n" + proc.stdout + proc.stderr)
    return proc.stderr


def artifact_stem(case: Case, variant: str) -> str:
    """What a build of this variant is called (its executable, its module, its build log): the case and the
    variant, or the case's own artifact_name (a participant's copy: a name that gives nothing away)."""
    return case.artifact_name or f"{case.id}-{variant}"


def module_name(case: Case, variant: str, profile: str) -> str:
    if case.artifact_name:
        return "_cc_" + "_".join(x.replace("-", "_") for x in (case.artifact_name, profile))
    return "_cc_" + "_".join(x.replace("-", "_") for x in (case.id, variant, profile))


def build_module(case: Case, variant: str, profile: str) -> Artifact:
    """The cffi API-mode extension module exposing cc_main, for a Python child."""
    flags = _flags(case, profile)
    name = module_name(case, variant, profile)
    key = _key("module", case, variant, profile, flags)

    def make(tmp: Path) -> None:
        import sysconfig

        import cffi
        from cffi import recompiler

        ffi = cffi.FFI()
        ffi.cdef("int cc_main(void); void cc_unbuffer(void);")
        src = case.source(variant).resolve()
        # The repro is #included by absolute path, so compiler and sanitizer frames name the real file.
        prelude = (
            "#include <stdio.h>\n"
            "static void cc_unbuffer(void) { setvbuf(stdout, NULL, _IONBF, 0); }\n"
            + ('extern "C" int cc_main(void);\n' if case.language == "cpp" else "int cc_main(void);\n")
        )
        glue = tmp / (name + (".cpp" if case.language == "cpp" else ".c"))
        # = FFI.set_source + FFI.emit_c_code, minus the 'generating ...' line those print on stdout
        # (swapping sys.stdout around them is not thread-safe, and builds run in threads).
        recompiler.make_c_source(ffi, name, prelude, str(glue), verbose=False)
        out = tmp / (name + importlib.machinery.EXTENSION_SUFFIXES[0])
        argv = [
            compiler_for(case, profile), "-shared", "-fPIC", *flags, _prefix_map(tmp),
            "-I" + sysconfig.get_paths()["include"],
            str(glue), str(src), *map(str, _extra_sources(case)),
            "-o", str(out), *_link_flags(case, profile),
        ]  # fmt: skip
        log = _compile(argv, f"{artifact_stem(case, variant)} ({profile} module)", tmp)
        (tmp / "build.log").write_text(" ".join(argv) + "\n" + log)

    return Artifact("module", _cached(key, make), name)


def build_exe(case: Case, variant: str, profile: str) -> Artifact:
    """A standalone executable: the repro linked with native/main.c."""
    flags = _flags(case, profile)
    key = _key("exe", case, variant, profile, flags)
    name = artifact_stem(case, variant)

    def make(tmp: Path) -> None:
        src = case.source(variant).resolve()
        argv = [
            compiler_for(case, profile), *flags, _prefix_map(tmp), str(src), str(paths.native_dir() / "main.c"),
            *map(str, _extra_sources(case)), "-o", str(tmp / name), *_link_flags(case, profile),
        ]  # fmt: skip
        log = _compile(argv, f"{artifact_stem(case, variant)} ({profile} executable)", tmp)
        (tmp / "build.log").write_text(" ".join(argv) + "\n" + log)

    return Artifact("exe", _cached(key, make) / name)


def build_analysis(case: Case, variant: str) -> Artifact:
    """gcc -fanalyzer (and -Wformat) over the source; the warnings are the artifact."""
    flags = PROFILE_FLAGS["analyzer"] + case.build.get("cflags", [])
    key = _key("analysis", case, variant, "analyzer", flags)

    def make(tmp: Path) -> None:
        src = case.source(variant).resolve()
        argv = [compiler_for(case, "analyzer"), *flags, "-fdiagnostics-plain-output", "-c", str(src), "-o", os.devnull]
        log = _compile(argv, f"{artifact_stem(case, variant)} (static analysis)", tmp)
        (tmp / "analysis.log").write_text(log)

    return Artifact("analysis", _cached(key, make) / "analysis.log")


WARN_RE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:\d+:)? warning: (?P<msg>.*?)\s*\[(?P<flag>-W[\w=+-]+)(?:,[^\]]*)?\]\s*$", re.M)


def build_log(artifact: Artifact) -> Path | None:
    """The compiler output kept beside an artifact (cached with it), or None (a runtime built by a recipe)."""
    if artifact.kind == "module":
        path = artifact.path / "build.log"
    elif artifact.kind == "exe":
        path = artifact.path.parent / "build.log"
    else:
        path = artifact.path
    return path if path.is_file() else None


def warnings_of(artifact: Artifact | None, case: Case) -> list[dict]:
    """The compiler's warnings about the case's own sources in the build of this artifact:
    [{option, file, line, message}], in the compiler's order, each (option, file, line) once.
    The generated cffi glue and native/main.c are not the lesson: their warnings are left out."""
    log = build_log(artifact) if isinstance(artifact, Artifact) else None
    if log is None:
        return []
    own = {os.path.basename(f) for f in [*case.variants.values(), *case.build.get("sources", [])]}
    out, seen = [], set()
    for m in WARN_RE.finditer(log.read_text(errors="replace")):
        name = os.path.basename(m["file"])
        key = (m["flag"], name, int(m["line"]))
        if name not in own or key in seen:
            continue
        seen.add(key)
        out.append({"option": m["flag"], "file": name, "line": int(m["line"]), "message": re.sub(r"\s*\[CWE-\d+\]", "", m["msg"])})
    return out


def build_runtime(recipe: str, profile: str) -> Artifact:
    """A runtime built by a recipe in native/ (e.g. an old LuaJIT): `<recipe>/build.sh CACHE PROFILE`.

    The recipe caches by content itself and prints the executable's path; exit 2 means it cannot
    build on this machine (its last stderr line says why), which skips the run rather than failing it.
    A recipe that downloads its source keeps it in CACHE/downloads (`crashcourse prepare` fetches it).
    """
    proc = _recipe(recipe, profile)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode == 0 and lines and os.path.isabs(lines[-1]):
        return Artifact("exe", Path(lines[-1]))
    if proc.returncode == 2:
        reason = (proc.stderr.strip().splitlines() or [f"{recipe}/build.sh cannot build here"])[-1]
        raise RuntimeUnavailable(reason)
    raise BuildError(f"{recipe}/build.sh {profile}", proc.stdout + proc.stderr)


def runtime_status(recipe: str, profile: str) -> tuple[str, str]:
    """What a recipe's runtime needs here, building and fetching nothing (`build.sh CACHE PROFILE --status`):
    ("built", its path), ("downloaded", ...: builds offline), ("fetch", ...: needs the network once),
    or ("unavailable", the reason it cannot build here)."""
    proc = _recipe(recipe, profile, "--status", timeout=60)
    text = (proc.stdout.strip().splitlines() or [""])[-1]
    state = {0: "built", 3: "downloaded", 4: "fetch"}.get(proc.returncode)
    if state:
        return state, text
    return "unavailable", (proc.stderr.strip().splitlines() or [f"{recipe}/build.sh --status exit {proc.returncode}"])[-1]


def _recipe(recipe: str, profile: str, *extra: str, timeout: float = 1200) -> subprocess.CompletedProcess:
    script = paths.root() / recipe / "build.sh"
    env = dict(os.environ, PYTHON=sys.executable)
    # through bash: an installed copy of the script may have lost its executable bit
    return subprocess.run(["bash", str(script), str(cache_root()), profile, *extra], capture_output=True, text=True,
                          errors="replace", timeout=timeout, env=env, stdin=subprocess.DEVNULL)  # fmt: skip

"""Facts about this machine and toolchain, used by conditional expectations (`when = {...}`)."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys

from harness.corpus import paths

CC_ENV = "CRASHCOURSE_CC"


def c_compiler() -> str:
    """The C compiler command the cases are built with: --cc, else $CRASHCOURSE_CC, else $CC, else gcc."""
    return os.environ.get(CC_ENV) or os.environ.get("CC") or "gcc"


def cxx_compiler() -> str:
    """The C++ compiler matching c_compiler(): clang-16 -> clang++-16, gcc-12 -> g++-12; $CXX when only $CC is set."""
    cc = c_compiler()
    if not os.environ.get(CC_ENV) and os.environ.get("CXX"):
        return os.environ["CXX"]
    head, base = os.path.split(cc)
    if base.startswith("clang") and not base.startswith("clang++"):
        base = "clang++" + base[len("clang"):]
    elif base.startswith("gcc"):
        base = "g++" + base[len("gcc"):]
    elif base == "cc":
        base = "c++"
    return os.path.join(head, base)


def is_clang(cc: str | None = None) -> bool:
    return "clang" in os.path.basename(cc or c_compiler())


@functools.cache
def compiler_says(cc: str, flag: str) -> str | None:
    """What `cc flag` prints on stdout (-dumpversion, --version ...), or None when it does not run.

    Remembered in the cache folder per compiler binary (its real path, size and modification time), so
    a command does not start the compiler three times to learn its version (~10 ms of every command);
    a compiler that is updated or switched (update-alternatives) is another binary, asked again."""
    exe = shutil.which(cc)
    ident = paths.file_identity(exe) if exe else None
    if ident is None:
        return None

    def ask() -> str | None:
        try:
            return subprocess.run([cc, flag], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            return None

    # gcc prints the name it was started as: the name is in the key too
    return paths.remembered(paths.cache_root() / "compilers.json", f"{cc} {flag} {ident}", lambda v: isinstance(v, str), ask)


@functools.cache
def _compiler_name(cc: str) -> str:
    # gcc: the full version (-dumpversion may say only '12')
    out = compiler_says(cc, "-dumpversion" if is_clang(cc) else "-dumpfullversion")
    if out is None:
        return "none"
    family = "clang" if is_clang(cc) else "gcc"
    major = out.strip().split(".")[0]
    return f"{family}-{major}" if major else "none"


def compiler_name(cc: str) -> str:
    """'gcc-12' / 'clang-16' style name of any compiler command, or 'none' when it does not run."""
    return _compiler_name(cc)


def compiler() -> str:
    """'gcc-12' / 'clang-16' style name of the selected C compiler (see c_compiler), or 'none'.

    Part of the machine key: snapshots and `when = { compiler = ... }` expectations depend on it."""
    return _compiler_name(c_compiler())


@functools.cache
def libc() -> str:
    try:  # glibc answers at once (what platform.libc_ver asks first); elsewhere platform reads the executable
        name, version = os.confstr("CS_GNU_LIBC_VERSION").split(" ", 1)
    except (AttributeError, ValueError, OSError):
        import platform

        name, version = platform.libc_ver()
    return (name or "unknown").replace("glibc", "glibc") + (f"-{version}" if version else "")


# The facts a `when = {...}` condition may name (docs/writing-a-case.md, "Machine keys and when").
FACT_NAMES = ("arch", "os", "compiler", "libc", "python", "luajit")


def facts() -> dict[str, str]:
    """Every fact of this machine (the LuaJIT one imports lupa: ask `fact(name)` for one)."""
    return {**_facts(c_compiler()), "luajit": luajit_fact()}


def fact(name: str) -> str:
    return luajit_fact() if name == "luajit" else _facts(c_compiler()).get(name, "")


@functools.cache
def luajit_fact() -> str:
    """'luajit-2.1-1774896198': the LuaJIT inside lupa that runs the Lua cases (version, then build), so
    `when = { luajit = "luajit-2.1" }` matches every 2.1 build; 'luajit-unknown' without lupa."""
    m = re.match(r"luajit(\d+\.\d+)\.(\w+)$", luajit_build())
    return f"luajit-{m.group(1)}-{m.group(2)}" if m else "luajit-unknown"


@functools.cache
def _facts(cc: str) -> dict[str, str]:
    return {
        "arch": os.uname().machine,  # = platform.machine(), without importing platform
        "os": os.uname().sysname.lower(),
        "compiler": compiler(),
        "libc": libc(),
        "python": f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}",
    }


def matches(when: dict[str, str]) -> bool:
    """True when every key of a `when` condition holds here.

    A value matches the fact exactly, or as a prefix up to a '-' ("glibc" matches "glibc-2.36"),
    or as a regular expression when written "re:...".
    """
    for key, want in when.items():
        have = fact(key)
        if want.startswith("re:"):
            if not re.fullmatch(want[3:], have):
                return False
        elif not (have == want or have.startswith(want + "-")):
            return False
    return True


def which(tool: str) -> str | None:
    return shutil.which(tool)


@functools.cache
def core_pattern() -> str:
    try:
        with open("/proc/sys/kernel/core_pattern") as f:
            return f.read().strip()
    except OSError:
        return ""


def machine_key(language: str | None = None) -> str:
    """arch-libc-compiler, plus what a language's output depends on: the Python minor version for
    Python cases (standard-library line numbers), the LuaJIT build for Lua cases (lupa's)."""
    f = _facts(c_compiler())
    libc = f["libc"].replace("glibc-", "glibc")
    key = f"{f['arch']}-{libc}-{f['compiler']}"
    if language == "python":
        key += f"-py{sys.version_info[0]}.{sys.version_info[1]}"
    elif language == "lua":
        key += f"-{luajit_build()}"
    return key


@functools.cache
def luajit_build() -> str:
    """'luajit2.1.1774896198': the LuaJIT inside lupa, which runs the Lua cases."""
    try:
        from lupa import luajit21

        impl = luajit21.LuaRuntime().lua_implementation  # 'LuaJIT 2.1.1774896198'
    except Exception:  # lupa missing or broken: the Lua runs are skipped anyway
        return "luajit-unknown"
    return impl.lower().replace(" ", "")

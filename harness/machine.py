"""Facts about this machine and toolchain, used by conditional expectations (`when = {...}`)."""

from __future__ import annotations

import functools
import os
import platform
import re
import shutil
import subprocess


@functools.cache
def compiler() -> str:
    """'gcc-12' style name of the C compiler ($CC or gcc), or 'none'."""
    cc = os.environ.get("CC", "gcc")
    try:
        out = subprocess.run([cc, "-dumpfullversion"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "none"
    family = "clang" if "clang" in cc else "gcc"
    major = out.strip().split(".")[0]
    return f"{family}-{major}" if major else "none"


@functools.cache
def libc() -> str:
    name, version = platform.libc_ver()
    return (name or "unknown").replace("glibc", "glibc") + (f"-{version}" if version else "")


@functools.cache
def facts() -> dict[str, str]:
    return {
        "arch": platform.machine(),
        "os": platform.system().lower(),
        "compiler": compiler(),
        "libc": libc(),
        "python": f"{platform.python_implementation().lower()}-{platform.python_version_tuple()[0]}.{platform.python_version_tuple()[1]}",
    }


def matches(when: dict[str, str]) -> bool:
    """True when every key of a `when` condition holds here.

    A value matches the fact exactly, or as a prefix up to a '-' ("glibc" matches "glibc-2.36"),
    or as a regular expression when written "re:...".
    """
    here = facts()
    for key, want in when.items():
        have = here.get(key, "")
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
